//! RELIABILITY.md T15 for merchant webhooks: a thousand orders across four stores while relay
//! instances are killed and restarted at random and the receiver fails, times out or answers
//! slowly at random. Every committed order's events reach their subscriber at least once, under
//! one webhook id per event, in order per subscription, never two attempts at once; and once the
//! receiver is healthy, events are delivered within 5 s (p99).
//!
//! `WEBHOOK_CHAOS_SEED` replays a run; `WEBHOOK_CHAOS_ORDERS` changes its size.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use entities::prelude::{OutboxEvent, WebhookDelivery, WebhookSubscription};
use entities::{outbox_event, webhook_delivery};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::json;
use uuid::Uuid;
use vitrine::stores::CreatedStore;

use super::receiver::{Answer, Behaviour, Hit, Receiver};
use super::relays::all_delivered;
use super::subscribe;
use crate::carts::CART;
use crate::checkout::{CHECKOUT, input, new_key};
use crate::helpers::{
    As, Backend, Instance, PRODUCT_CREATE, TestApp, create_store, spawn_app_with,
};

const TOPICS: [(&str, &str); 2] = [
    ("ORDERS_CREATE", "orders/create"),
    ("ORDERS_PAID", "orders/paid"),
];
const STORES: usize = 4;
const RELAYS: usize = 2;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_order_event_is_lost_through_relay_crashes_and_a_failing_receiver() {
    let seed = std::env::var("WEBHOOK_CHAOS_SEED")
        .ok()
        .and_then(|seed| seed.parse().ok())
        .unwrap_or_else(rand::random::<u64>);
    let orders: usize = std::env::var("WEBHOOK_CHAOS_ORDERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000);
    println!("webhook chaos: seed {seed}, {orders} orders");
    let app = Arc::new(
        spawn_app_with(Backend::Postgres, |settings| {
            settings.relay_tick_seconds = 3600.0;
            settings.webhook_timeout_seconds = 0.3;
            settings.webhook_retry_base_seconds = 0.02;
            settings.webhook_retry_max_seconds = 0.2;
            settings.webhook_max_attempts = 100_000;
        })
        .await,
    );
    let mut stores = vec![app.store.clone()];
    for n in 1..STORES {
        stores.push(create_store(&app.database, &format!("Store {n}")).await);
    }
    let receiver = Receiver::start(
        Behaviour::Chaos {
            late: Duration::from_secs(2),
        },
        seed,
    )
    .await;
    let mut variants = Vec::new();
    for (n, store) in stores.iter().enumerate() {
        for (topic, _) in TOPICS {
            subscribe(&app, store, topic, &receiver.url(&path(n, topic))).await;
        }
        variants.push(stocked(&app, store).await);
    }

    // Chaos: relays die and come back while the orders are placed.
    let calm = Arc::new(AtomicBool::new(false));
    let started = std::time::Instant::now();
    let killer = tokio::spawn(kill_relays_at_random(app.clone(), calm.clone(), seed));
    place_orders(&app, &stores, &variants, orders, 16).await;
    println!("webhook chaos: orders placed after {:?}", started.elapsed());
    calm.store(true, Ordering::SeqCst);
    let relays = killer.await.unwrap();
    receiver.behave(Behaviour::Healthy {
        delay: Duration::ZERO,
    });
    all_delivered(&app).await;
    println!(
        "webhook chaos: backlog delivered after {:?}",
        started.elapsed()
    );

    // Healthy: how long events take to arrive.
    let healthy_since = SystemTime::now();
    place_orders(&app, &stores, &variants, orders / 5, 4).await;
    all_delivered(&app).await;
    for relay in relays {
        relay.kill().await;
    }

    let hits = receiver.hits();
    for (n, store) in stores.iter().enumerate() {
        for (topic, name) in TOPICS {
            let path = path(n, topic);
            let on_path: Vec<&Hit> = hits.iter().filter(|hit| hit.path == path).collect();
            let expected = events_in_delivery_order(&app, store, name).await;
            assert_eq!(
                expected.len(),
                placed(&app, store).await,
                "{path}: one event per order"
            );
            every_event_arrived_in_order(&path, &expected, &on_path);
            one_webhook_id_per_event(&path, &on_path);
            let distinct: std::collections::HashSet<Uuid> =
                on_path.iter().map(|hit| hit.webhook_id).collect();
            assert_eq!(
                distinct.len(),
                expected.len(),
                "{path}: a consumer deduplicating by webhook id acts once per order"
            );
            for hit in &on_path {
                assert!(
                    vitrine::webhooks::signing::verify(&store.webhook_secret, &hit.body, &hit.hmac),
                    "{path}: a bad signature"
                );
                assert_eq!(hit.shop_domain, store.domain);
                assert_eq!(hit.topic, name);
            }
        }
    }
    assert_eq!(
        receiver.overlaps(),
        0,
        "two attempts at one subscription ran at once"
    );
    let lags = lags_since(&hits, healthy_since);
    let p99 = lags[(lags.len() * 99).div_ceil(100) - 1];
    println!(
        "webhook chaos: {} requests; healthy lag p50 {:?}, p99 {p99:?} over {} events",
        hits.len(),
        lags[lags.len() / 2],
        lags.len()
    );
    assert!(p99 < Duration::from_secs(5), "publish lag p99 {p99:?}");
}

fn path(store: usize, topic: &str) -> String {
    format!("/store-{store}/{}", topic.to_ascii_lowercase())
}

/// Keeps `RELAYS` servers running, killing one and starting another every 0.5 to 2 s, until
/// `calm`; returns the servers left running.
async fn kill_relays_at_random(
    app: Arc<TestApp>,
    calm: Arc<AtomicBool>,
    seed: u64,
) -> Vec<Instance> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x6b69_6c6c);
    let start = || app.instance_with(|settings| settings.relay_tick_seconds = 0.02);
    let mut relays = Vec::new();
    for _ in 0..RELAYS {
        relays.push(start().await);
    }
    let mut kills = 0;
    while !calm.load(Ordering::SeqCst) {
        tokio::time::sleep(Duration::from_millis(rng.random_range(500..2000))).await;
        let victim = relays.swap_remove(rng.random_range(0..relays.len()));
        victim.kill().await;
        relays.push(start().await);
        kills += 1;
    }
    println!("webhook chaos: {kills} relays killed");
    relays
}

/// A product of `store` with plenty of stock; returns its variant's id.
async fn stocked(app: &TestApp, store: &CreatedStore) -> String {
    let sku = format!("CHAOS-{}", Uuid::now_v7().simple());
    let input = json!({
        "title": "Chaos Tee",
        "options": ["Size"],
        "variants": [{ "sku": sku, "price": "12.50", "options": ["One"], "inventoryQuantity": 1_000_000 }]
    });
    let (_, body) = app
        .request(
            As::Admin(store),
            PRODUCT_CREATE,
            Some("ProductCreate"),
            json!({ "input": input }),
        )
        .await;
    body["data"]["productCreate"]["product"]["variants"]["nodes"][0]["id"]
        .as_str()
        .expect("a variant")
        .to_string()
}

/// Places `count` orders spread over the stores, `concurrency` at a time; each must succeed.
async fn place_orders(
    app: &Arc<TestApp>,
    stores: &[CreatedStore],
    variants: &[String],
    count: usize,
    concurrency: usize,
) {
    let next = Arc::new(AtomicUsize::new(0));
    let mut buyers = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let (app, next) = (app.clone(), next.clone());
        let (stores, variants) = (stores.to_vec(), variants.to_vec());
        buyers.spawn(async move {
            loop {
                let n = next.fetch_add(1, Ordering::SeqCst);
                if n >= count {
                    break;
                }
                let which = n % stores.len();
                buy(&app, &stores[which], &variants[which]).await;
            }
        });
    }
    while let Some(done) = buyers.join_next().await {
        done.expect("a buyer");
    }
}

/// One order of one unit of `variant`, paid with a good card.
async fn buy(app: &TestApp, store: &CreatedStore, variant: &str) {
    let lines = json!({ "input": { "lines": [{ "merchandiseId": variant, "quantity": 1 }] } });
    let (_, created) = app
        .request(As::Storefront(store), CART, Some("CartCreate"), lines)
        .await;
    let cart = created["data"]["cartCreate"]["cart"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{created}"));
    let variables =
        json!({ "cartId": cart, "idempotencyKey": new_key(), "input": input("tok_visa") });
    let (_, completed) = app
        .request(
            As::Storefront(store),
            CHECKOUT,
            Some("CartComplete"),
            variables,
        )
        .await;
    assert!(
        completed["data"]["cartComplete"]["order"]["id"].is_string(),
        "{completed}"
    );
}

/// How many orders `store` has.
async fn placed(app: &TestApp, store: &CreatedStore) -> usize {
    entities::prelude::Order::find()
        .filter(entities::order::Column::StoreId.eq(store.store_id))
        .count(app.db())
        .await
        .unwrap() as usize
}

/// The events of `topic` for `store`'s subscription, in the order the relay must deliver them.
async fn events_in_delivery_order(app: &TestApp, store: &CreatedStore, topic: &str) -> Vec<Uuid> {
    let committed: Vec<Uuid> = OutboxEvent::find()
        .filter(outbox_event::Column::StoreId.eq(store.store_id))
        .filter(outbox_event::Column::Topic.eq(topic))
        .all(app.db())
        .await
        .unwrap()
        .into_iter()
        .map(|event| event.id)
        .collect();
    let subscription = WebhookSubscription::find()
        .filter(entities::webhook_subscription::Column::StoreId.eq(store.store_id))
        .filter(entities::webhook_subscription::Column::Topic.eq(topic))
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    let delivered: Vec<Uuid> = WebhookDelivery::find()
        .filter(webhook_delivery::Column::SubscriptionId.eq(subscription.id))
        .order_by_asc(webhook_delivery::Column::Seq)
        .all(app.db())
        .await
        .unwrap()
        .into_iter()
        .map(|delivery| delivery.event_id)
        .collect();
    let mut sorted = delivered.clone();
    sorted.sort();
    let mut committed_sorted = committed;
    committed_sorted.sort();
    assert_eq!(
        sorted, committed_sorted,
        "every committed event has one delivery"
    );
    delivered
}

/// Each event was taken (a 2xx in time) at least once, and no attempt at an event came before
/// the event ahead of it was taken.
fn every_event_arrived_in_order(path: &str, expected: &[Uuid], hits: &[&Hit]) {
    let position: HashMap<Uuid, usize> = expected
        .iter()
        .enumerate()
        .map(|(i, id)| (*id, i))
        .collect();
    let mut taken_up_to = 0;
    for hit in hits {
        let at = *position
            .get(&hit.event_id)
            .expect("an event of this subscription");
        assert!(
            at <= taken_up_to,
            "{path}: event #{at} was sent before event #{taken_up_to} was taken"
        );
        if at == taken_up_to && hit.answer == Answer::Took {
            taken_up_to += 1;
        }
    }
    assert_eq!(taken_up_to, expected.len(), "{path}: events never taken");
}

fn one_webhook_id_per_event(path: &str, hits: &[&Hit]) {
    let mut ids: HashMap<Uuid, Uuid> = HashMap::new();
    let mut events: HashMap<Uuid, Uuid> = HashMap::new();
    for hit in hits {
        let id = *ids.entry(hit.event_id).or_insert(hit.webhook_id);
        assert_eq!(
            id, hit.webhook_id,
            "{path}: an event's retry changed its webhook id"
        );
        let event = *events.entry(hit.webhook_id).or_insert(hit.event_id);
        assert_eq!(event, hit.event_id, "{path}: one webhook id for two events");
    }
}

/// For each event triggered after `since`: from its `X-Shopify-Triggered-At` to its first
/// arrival, sorted.
fn lags_since(hits: &[Hit], since: SystemTime) -> Vec<Duration> {
    let mut first: HashMap<(String, Uuid), Duration> = HashMap::new();
    for hit in hits {
        let triggered: SystemTime = chrono::DateTime::parse_from_rfc3339(&hit.triggered_at)
            .unwrap()
            .with_timezone(&chrono::Utc)
            .into();
        if triggered < since {
            continue;
        }
        let lag = hit
            .received_at
            .duration_since(triggered)
            .unwrap_or_default();
        first.entry((hit.path.clone(), hit.event_id)).or_insert(lag);
    }
    let mut lags: Vec<Duration> = first.into_values().collect();
    lags.sort();
    assert!(!lags.is_empty(), "no event after the receiver was healthy");
    lags
}
