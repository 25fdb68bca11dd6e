//! Checkouts killed at each phase boundary (RELIABILITY.md T14): the request dies with its
//! task, as it would with its server, after placing the order, after the gateway approved, or
//! after the capture. The completer finishes every one: each authorization ends with exactly one
//! confirmed order or is voided, no payment stays pending, no cart stays `completing`, no unit is
//! held for a closed cart, and the same key then answers with the settled outcome.

use std::time::{Duration, Instant};

use async_graphql::futures_util::future::join_all;
use entities::{cart, idempotency_key, inventory_reservation, prelude::*};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use super::{CHECKOUT, complete_with, error_codes, input, new_key, orders_of, payments_of};
use crate::carts::{create_cart, level, stocked_variant};
use crate::helpers::{As, BACKENDS, TestApp, authorised, spawn_app_with};
use crate::inventory::assert_levels_match_the_ledger;

/// Checkouts killed at once, per crash point and backend (T14 asks for 50 per point).
const KILLED: usize = 10;

/// Sends `cartComplete` expecting the server to die mid-request: the connection drops.
async fn killed(app: &TestApp, cart_id: &str, key: &str) {
    let body = json!({
        "query": CHECKOUT,
        "operationName": "CartComplete",
        "variables": { "cartId": cart_id, "idempotencyKey": key, "input": input("tok_visa") },
    });
    let request = app
        .client()
        .post(format!("{}/api/2025-01/graphql.json", app.address))
        .json(&body);
    let answer = authorised(request, As::Storefront(&app.store)).send().await;
    assert!(answer.is_err(), "the request was meant to die: {answer:?}");
}

/// Waits until nothing is left between phases: no key `authorizing`, no payment `pending` or
/// awaiting its capture, no cart `completing`.
async fn settled(app: &TestApp) {
    let started = Instant::now();
    loop {
        let keys = IdempotencyKey::find()
            .filter(idempotency_key::Column::RecoveryPoint.eq("authorizing"))
            .all(app.db())
            .await
            .unwrap();
        let carts = Cart::find()
            .filter(cart::Column::Status.eq("completing"))
            .all(app.db())
            .await
            .unwrap();
        let mut unsettled = keys.len() + carts.len();
        for order in orders_of(app).await {
            for payment in payments_of(app, order.id).await {
                if payment.status == "pending" || payment.status == "authorized" {
                    unsettled += 1;
                }
            }
        }
        if unsettled == 0 {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{unsettled} checkouts still unsettled"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// What every killed checkout must have become, whatever the point.
async fn assert_paid_once_or_not_at_all(app: &TestApp, variant: &str) {
    let authorizations = app.gateway.recorded();
    for order in orders_of(app).await {
        let payments = payments_of(app, order.id).await;
        for payment in &payments {
            let at_gateway: Vec<_> = authorizations
                .iter()
                .filter(|r| r.request.idempotency_key == payment.idempotency_key)
                .collect();
            assert!(at_gateway.len() <= 1, "one authorization per payment");
            match payment.status.as_str() {
                "captured" => {
                    assert_eq!(order.status, "confirmed");
                    assert_eq!(
                        at_gateway[0].authorization.captured_minor,
                        order.total_minor
                    );
                }
                "failed" => assert!(at_gateway.is_empty(), "a failed payment holds nothing"),
                other => panic!("payment left {other}"),
            }
        }
    }
    // Units are held only by open carts.
    let holds = InventoryReservation::find()
        .filter(inventory_reservation::Column::StoreId.eq(app.store.store_id))
        .all(app.db())
        .await
        .unwrap();
    for hold in holds {
        let cart = Cart::find_by_id(hold.cart_id)
            .one(app.db())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(cart.status, "open", "a closed cart still holds units");
    }
    assert_levels_match_the_ledger(app, &[variant.to_string()]).await;
}

#[tokio::test]
async fn checkouts_killed_at_each_phase_boundary_end_paid_once_or_not_at_all() {
    for backend in BACKENDS {
        for point in [
            "checkout::after_place",
            "checkout::after_authorize",
            "payments::after_capture",
        ] {
            // The completer must leave the dying checkouts alone until the crash point is
            // removed: `payments::after_capture` is on its path too, and a completer that meets
            // it dies with it (a worker does not outlive a panic), leaving every payment
            // authorized. Killing ten requests took longer than the default half second on a
            // busy machine.
            let app = spawn_app_with(backend, |settings| {
                settings.checkout_lock_seconds = 1.0;
                settings.completer_grace_seconds = 2.0;
            })
            .await;
            let variant = stocked_variant(&app, "Crash Tee", 100).await;
            let mut carts = Vec::new();
            for _ in 0..KILLED {
                let created = create_cart(&app, &[(&variant, 1)]).await;
                carts.push((
                    created["cart"]["id"].as_str().unwrap().to_string(),
                    new_key(),
                ));
            }
            fail::cfg(point, &format!("return({})", app.store.store_id)).unwrap();
            join_all(carts.iter().map(|(cart, key)| killed(&app, cart, key))).await;
            fail::remove(point);

            settled(&app).await;
            assert_paid_once_or_not_at_all(&app, &variant).await;
            let orders_now = orders_of(&app).await;
            let confirmed = orders_now
                .iter()
                .filter(|o| o.status == "confirmed")
                .count();
            let expected = if point == "checkout::after_place" {
                0
            } else {
                KILLED
            };
            assert_eq!(confirmed, expected, "{backend:?} {point}");
            assert_eq!(level(&app, &variant).await.0, 100 - expected as i64);

            // The same key now answers with what the completer settled.
            for (cart, key) in &carts {
                let again = complete_with(&app, cart, key, input("tok_visa")).await;
                if expected == 0 {
                    assert_eq!(error_codes(&again), vec!["PAYMENT_FAILED"], "{again}");
                } else {
                    assert_eq!(again["userErrors"], json!([]), "{again}");
                    assert_eq!(again["order"]["status"], "CONFIRMED");
                }
            }
        }
    }
}
