//! Checkout under real concurrency. One key sent many times at once makes one order and one
//! authorization (T9); cart edits racing a checkout are either in the order and paid for, or
//! refused (T4); 200 checkouts of one variant waiting on a slow gateway hold no database transaction
//! while they wait (T7).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use async_graphql::futures_util::future::join_all;
use rand::{Rng, SeedableRng};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use vitrine::payments::TestGateway;

use super::{
    cart_of, complete_with, error_codes, input, new_key, order_uuid, orders_of, payments_of,
};
use crate::carts::{CART, create_cart, level, stocked_variant};
use crate::helpers::{As, Backend, TestApp, spawn_app_on, spawn_app_with_gateway};
use crate::on_both_backends;

on_both_backends!(
    one_key_sent_many_times_at_once_makes_one_order,
    cart_edits_racing_a_checkout_are_paid_for_or_refused,
);

// The server runs inside the test's runtime: give it threads, as `serve` has, so that what is
// measured is the database and not one thread serving 200 requests.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checkouts_wait_on_a_slow_gateway_without_holding_postgres() {
    checkouts_wait_on_a_slow_gateway_without_holding_the_database(Backend::Postgres).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checkouts_wait_on_a_slow_gateway_without_holding_sqlite() {
    checkouts_wait_on_a_slow_gateway_without_holding_the_database(Backend::Sqlite).await
}

const SAME_KEY_TRIALS: usize = 40;

async fn one_key_sent_many_times_at_once_makes_one_order(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let mut rng = rand::rngs::StdRng::seed_from_u64(9);
    for trial in 0..SAME_KEY_TRIALS {
        let (cart_id, variant) = cart_of(&app, 3, 1).await;
        let key = new_key();
        let senders = rng.random_range(2..=10);
        let answers =
            join_all((0..senders).map(|_| complete_with(&app, &cart_id, &key, input("tok_visa"))))
                .await;
        let orders: Vec<&Value> = answers
            .iter()
            .map(|a| &a["order"]["id"])
            .filter(|id| !id.is_null())
            .collect();
        for answer in &answers {
            let codes = error_codes(answer);
            assert!(
                codes.is_empty() || codes == ["CHECKOUT_IN_PROGRESS"],
                "trial {trial}: {answer}"
            );
        }
        assert!(!orders.is_empty(), "trial {trial}: no sender got the order");
        assert!(orders.iter().all(|id| *id == orders[0]), "trial {trial}");
        let order_id = order_uuid(orders[0].as_str().unwrap());
        let payments = payments_of(&app, order_id).await;
        assert_eq!(payments.len(), 1, "trial {trial}");
        let authorizations = app
            .gateway
            .recorded()
            .into_iter()
            .filter(|r| r.request.idempotency_key == payments[0].idempotency_key)
            .count();
        assert_eq!(authorizations, 1, "trial {trial}");
        assert_eq!(level(&app, &variant).await, (2, 0), "trial {trial}");
    }
    assert_eq!(orders_of(&app).await.len(), SAME_KEY_TRIALS);
    assert_eq!(app.gateway.authorizations().len(), SAME_KEY_TRIALS);
}

const EDIT_TRIALS: usize = 30;

/// Sends one cart edit; returns its payload.
async fn edit(app: &TestApp, operation: &str, variables: Value) -> Value {
    let (status, body) = app
        .request(As::Storefront(&app.store), CART, Some(operation), variables)
        .await;
    assert_eq!(status, 200, "{body}");
    let field = if operation == "CartLinesAdd" {
        "cartLinesAdd"
    } else {
        "cartLinesUpdate"
    };
    body["data"][field].clone()
}

async fn cart_edits_racing_a_checkout_are_paid_for_or_refused(backend: Backend) {
    let gateway = TestGateway::new().with_latency(Duration::from_millis(60));
    let app = spawn_app_with_gateway(backend, gateway, |_| {}).await;
    let mut rng = rand::rngs::StdRng::seed_from_u64(4);
    let variant = stocked_variant(&app, "Raced", 10_000).await;
    for trial in 0..EDIT_TRIALS {
        let created = create_cart(&app, &[(&variant, 1)]).await;
        let cart_id = created["cart"]["id"].as_str().unwrap().to_string();
        let line_id = created["cart"]["lines"]["nodes"][0]["id"].clone();
        let delays: Vec<u64> = (0..4).map(|_| rng.random_range(0..120)).collect();
        let edits = delays.iter().enumerate().map(|(index, delay)| {
            let (app, cart_id, variant, line_id) = (&app, &cart_id, &variant, &line_id);
            async move {
                tokio::time::sleep(Duration::from_millis(*delay)).await;
                if index % 2 == 0 {
                    let lines = json!([{ "merchandiseId": variant, "quantity": 1 }]);
                    edit(
                        app,
                        "CartLinesAdd",
                        json!({ "cartId": cart_id, "lines": lines }),
                    )
                    .await
                } else {
                    let lines = json!([{ "id": line_id, "quantity": 3 }]);
                    edit(
                        app,
                        "CartLinesUpdate",
                        json!({ "cartId": cart_id, "lines": lines }),
                    )
                    .await
                }
            }
        });
        let checkout = async {
            tokio::time::sleep(Duration::from_millis(rng.random_range(0..60))).await;
            complete_with(&app, &cart_id, &new_key(), input("tok_visa")).await
        };
        let (paid, edited) = tokio::join!(checkout, join_all(edits));
        assert_eq!(paid["userErrors"], json!([]), "trial {trial}: {paid}");
        for answer in &edited {
            let codes: Vec<&str> = answer["userErrors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["code"].as_str().unwrap())
                .collect();
            assert!(
                codes.is_empty() || codes == ["CART_COMPLETED"],
                "trial {trial}: {answer}"
            );
        }
        // What was charged is the order's total, and the total is its lines.
        let order = &paid["order"];
        let order_id = order_uuid(order["id"].as_str().unwrap());
        let payments = payments_of(&app, order_id).await;
        assert_eq!(payments.len(), 1);
        let lines_total: i64 = order["lineItems"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|line| line["quantity"].as_i64().unwrap() * 1250)
            .sum();
        assert_eq!(
            payments[0].amount_minor, lines_total,
            "trial {trial}: {order}"
        );
        assert_eq!(payments[0].captured_minor, lines_total);
        let authorized = app
            .gateway
            .recorded_of(payments[0].gateway_reference.as_deref().unwrap())
            .unwrap();
        assert_eq!(authorized.authorization.amount_minor, lines_total);
    }
    // Every unit sold is in an order, none is still held.
    let sold: i64 = orders_of(&app)
        .await
        .iter()
        .map(|o| o.total_minor / 1250)
        .sum();
    assert_eq!(level(&app, &variant).await, (10_000 - sold, 0));
}

/// T7: 200 checkouts of one variant at once, each waiting 2 s on the gateway.
const CHECKOUTS: usize = 200;
const GATEWAY_LATENCY: Duration = Duration::from_secs(2);

/// Deadlocks PostgreSQL has detected in the app's database so far.
async fn deadlocks(app: &TestApp) -> i64 {
    let sql = "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()";
    let row = app
        .db()
        .query_one_raw(Statement::from_string(app.db().get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "deadlocks").unwrap()
}

/// The longest-running open transaction on the app's PostgreSQL database right now, in ms.
async fn longest_transaction_ms(app: &TestApp) -> f64 {
    let sql = "SELECT (EXTRACT(EPOCH FROM (clock_timestamp() - xact_start)) * 1000)::float8 AS ms, \
               state || ': ' || left(query, 200) AS what \
               FROM pg_stat_activity WHERE datname = current_database() AND xact_start IS NOT NULL \
               AND pid <> pg_backend_pid() ORDER BY xact_start LIMIT 1";
    let row = app
        .db()
        .query_one_raw(Statement::from_string(app.db().get_database_backend(), sql))
        .await
        .unwrap();
    row.map(|row| {
        let ms = row.try_get::<f64>("", "ms").unwrap();
        if ms > 100.0 {
            eprintln!(
                "{ms} ms: {}",
                row.try_get::<String>("", "what").unwrap_or_default()
            );
        }
        ms
    })
    .unwrap_or(0.0)
}

async fn checkouts_wait_on_a_slow_gateway_without_holding_the_database(backend: Backend) {
    let gateway = TestGateway::new().with_latency(GATEWAY_LATENCY);
    let app = spawn_app_with_gateway(backend, gateway, |settings| {
        settings.checkout_lock_seconds = 30.0;
    })
    .await;
    let variant = stocked_variant(&app, "Slow Lane", 1_000).await;
    let mut carts = Vec::new();
    for _ in 0..CHECKOUTS {
        let created = create_cart(&app, &[(&variant, 1)]).await;
        carts.push(created["cart"]["id"].as_str().unwrap().to_string());
    }
    let deadlocks_before = match backend {
        Backend::Postgres => deadlocks(&app).await,
        Backend::Sqlite => 0,
    };
    let stop = Arc::new(AtomicBool::new(false));
    let watcher = (backend == Backend::Postgres).then(|| {
        let (stop, app) = (stop.clone(), &app);
        async move {
            let mut longest: f64 = 0.0;
            while !stop.load(Ordering::Relaxed) {
                longest = longest.max(longest_transaction_ms(app).await);
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            longest
        }
    });
    let started = Instant::now();
    let checkouts = async {
        let keys: Vec<String> = carts.iter().map(|_| new_key()).collect();
        let answers = join_all(
            carts
                .iter()
                .zip(&keys)
                .map(|(cart, key)| complete_with(&app, cart, key, input("tok_visa"))),
        )
        .await;
        stop.store(true, Ordering::Relaxed);
        answers
    };
    let (answers, longest) = match watcher {
        Some(watcher) => {
            let (answers, longest) = tokio::join!(checkouts, watcher);
            (answers, Some(longest))
        }
        None => (checkouts.await, None),
    };
    let elapsed = started.elapsed();
    for answer in &answers {
        assert_eq!(answer["userErrors"], json!([]), "{answer}");
    }
    assert_eq!(level(&app, &variant).await, (1_000 - CHECKOUTS as i64, 0));
    // Held across the gateway call, a transaction would last at least the gateway's latency;
    // on SQLite (one writer) the checkouts would run one after another, 200 × 2 s.
    println!(
        "{backend:?}: {CHECKOUTS} checkouts in {elapsed:?}, longest transaction {longest:?} ms"
    );
    if let Some(longest) = longest {
        assert!(
            longest < GATEWAY_LATENCY.as_millis() as f64,
            "a transaction stayed open {longest} ms, as long as a gateway call"
        );
        assert_eq!(deadlocks(&app).await, deadlocks_before, "no deadlock");
    }
    assert!(
        elapsed < GATEWAY_LATENCY * CHECKOUTS as u32 / 4,
        "{CHECKOUTS} checkouts took {elapsed:?}: they waited on each other"
    );
}
