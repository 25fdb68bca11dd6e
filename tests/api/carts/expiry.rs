//! Holds expire: with a 1-second hold the sweeper gives the units back within moments and the
//! next shoppers get them (RELIABILITY.md T5, with a short real TTL instead of a simulated
//! clock); a cart touched after its hold lapsed holds again what it can and warns about the rest;
//! an abandoned cart stops existing. On PostgreSQL and SQLite.

use std::time::Duration;

use async_graphql::futures_util::future::join_all;
use serde_json::{Value, json};

use super::{
    cart_op, create_cart, held, level, released, set_lifetimes, stocked_variant, warning_codes,
};
use crate::helpers::{Backend, spawn_app_on};
use crate::on_both_backends;

on_both_backends!(
    expired_holds_go_back_to_the_next_shoppers,
    a_cart_touched_after_its_hold_lapsed_holds_what_it_can,
    an_abandoned_cart_expires,
);

/// How long past its TTL a hold may live (T5: TTL + 5 s).
const GRACE: Duration = Duration::from_secs(5);

async fn expired_holds_go_back_to_the_next_shoppers(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let variant = stocked_variant(&app, "Abandoned", 10).await;
    let one = [(variant.as_str(), 1)];

    // 100 buyers race for the 10 units under the default 15-minute hold...
    let first: Vec<Value> = join_all((0..100).map(|_| create_cart(&app, &one))).await;
    let holders: Vec<&Value> = first
        .iter()
        .filter(|p| p["cart"]["totalQuantity"] == 1)
        .collect();
    assert_eq!(holders.len(), 10);
    assert_eq!(level(&app, &variant).await, (10, 10));

    // ...then the store shortens holds to a second, each holder touches their cart once (which
    // refreshes the hold with the new lifetime) and walks away.
    set_lifetimes(&app, json!({ "reservationTtlSeconds": 1 })).await;
    for holder in &holders {
        let id = &holder["cart"]["id"];
        let touched = cart_op(
            &app,
            "CartNoteUpdate",
            json!({ "cartId": id, "note": "bye" }),
        )
        .await;
        assert_eq!(touched["cart"]["totalQuantity"], 1);
    }
    released(&app, &variant, Duration::from_secs(1) + GRACE).await;

    // The next shoppers hold for the default 15 minutes again, so that their holds are still
    // there when the level is read, however long the reading takes.
    set_lifetimes(&app, json!({ "reservationTtlSeconds": 900 })).await;
    let next: Vec<Value> = join_all((0..10).map(|_| create_cart(&app, &one))).await;
    assert!(
        next.iter()
            .all(|p| p["cart"]["totalQuantity"] == 1 && p["warnings"] == json!([]))
    );
    assert_eq!(level(&app, &variant).await, (10, 10));
}

async fn a_cart_touched_after_its_hold_lapsed_holds_what_it_can(backend: Backend) {
    let app = spawn_app_on(backend).await;
    set_lifetimes(&app, json!({ "reservationTtlSeconds": 1 })).await;
    let variant = stocked_variant(&app, "Lapsed", 5).await;
    let early = create_cart(&app, &[(&variant, 3)]).await;
    let early_id = early["cart"]["id"].clone();
    released(&app, &variant, Duration::from_secs(1) + GRACE).await;

    // Others take 4 of the 5 units meanwhile (with a long hold this time).
    set_lifetimes(&app, json!({ "reservationTtlSeconds": 900 })).await;
    create_cart(&app, &[(&variant, 4)]).await;

    let touched = cart_op(
        &app,
        "CartNoteUpdate",
        json!({ "cartId": early_id, "note": "back" }),
    )
    .await;
    assert_eq!(warning_codes(&touched), ["MERCHANDISE_NOT_ENOUGH_STOCK"]);
    assert_eq!(touched["cart"]["totalQuantity"], 1);
    assert_eq!(level(&app, &variant).await, (5, 5));
    assert_eq!(held(&app, &variant).await, 5);
}

async fn an_abandoned_cart_expires(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let variant = stocked_variant(&app, "Forgotten", 2).await;
    let cart = create_cart(&app, &[(&variant, 2)]).await;
    let id = cart["cart"]["id"].clone();
    assert_ne!(
        cart_op(&app, "Cart", json!({ "id": id })).await,
        json!(null)
    );
    set_lifetimes(&app, json!({ "guestCartTtlSeconds": 1 })).await;
    cart_op(
        &app,
        "CartNoteUpdate",
        json!({ "cartId": id, "note": "leaving" }),
    )
    .await;
    // The hold never outlives its cart.
    released(&app, &variant, Duration::from_secs(1) + GRACE).await;
    assert_eq!(
        cart_op(&app, "Cart", json!({ "id": id })).await,
        json!(null)
    );
    let touched = cart_op(
        &app,
        "CartNoteUpdate",
        json!({ "cartId": id, "note": "late" }),
    )
    .await;
    assert_eq!(touched["userErrors"][0]["code"], "INVALID");
}

/// Two servers sweep the same database while shoppers keep some carts alive and let the others
/// lapse: every lapsed hold is released exactly once (the level ends equal to the rows still
/// holding, and to its ledger), and the carts kept alive keep theirs.
#[tokio::test]
async fn two_servers_sweep_each_expired_hold_once() {
    let app = crate::helpers::spawn_app().await;
    let second = app.another_instance().await;
    assert_ne!(second, app.address);
    let variant = stocked_variant(&app, "Swept", 100).await;
    set_lifetimes(&app, json!({ "reservationTtlSeconds": 3 })).await;
    let one = [(variant.as_str(), 1)];
    let carts: Vec<Value> = join_all((0..40).map(|_| create_cart(&app, &one))).await;
    let kept: Vec<&Value> = carts.iter().step_by(4).map(|p| &p["cart"]["id"]).collect();

    // For six seconds the kept carts are touched twice a second; the rest lapse meanwhile (3 s).
    let started = std::time::Instant::now();
    while started.elapsed() < Duration::from_secs(6) {
        for id in &kept {
            let touched = cart_op(
                &app,
                "CartNoteUpdate",
                json!({ "cartId": id, "note": "still here" }),
            )
            .await;
            assert_eq!(touched["cart"]["totalQuantity"], 1, "{touched}");
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let (on_hand, reserved) = level(&app, &variant).await;
    assert_eq!(on_hand, 100);
    assert_eq!(
        reserved,
        held(&app, &variant).await,
        "reserved equals the rows still holding"
    );
    assert_eq!(
        reserved,
        kept.len() as i64,
        "the lapsed holds were released, the kept ones not"
    );
    crate::inventory::assert_levels_match_the_ledger(&app, &[variant]).await;
}
