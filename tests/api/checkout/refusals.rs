//! What checkout refuses, and that a refusal changes nothing it should not: malformed input
//! (every part reported with its path), an unknown, expired or completed cart, and a stale cart
//! whose stock others bought (refused before the gateway is asked, T3).

use std::time::Duration;

use entities::{inventory_reservation, prelude::*};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use super::{cart_of, complete, complete_with, error_codes, input, key_count, new_key, orders_of};
use crate::carts::{create_cart, level, released, set_lifetimes};
use crate::helpers::{Backend, spawn_app_on};
use crate::on_both_backends;

on_both_backends!(
    malformed_input_is_refused_part_by_part_and_changes_nothing,
    unknown_and_expired_carts_are_refused,
    a_completed_cart_answers_with_its_order,
    a_stale_cart_is_refused_before_the_gateway_is_asked,
);

async fn malformed_input_is_refused_part_by_part_and_changes_nothing(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let (cart_id, variant) = cart_of(&app, 5, 1).await;
    let mut bad = input("tok_visa");
    bad["email"] = json!("not an email");
    bad["shippingAddress"]["city"] = json!("  ");
    bad["shippingAddress"]["zip"] = Value::Null;
    bad["paymentToken"] = Value::Null;
    let payload = complete_with(&app, &cart_id, &new_key(), bad).await;
    let fields: Vec<Value> = payload["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].clone())
        .collect();
    assert_eq!(
        fields,
        vec![
            json!(["input", "email"]),
            json!(["input", "shippingAddress", "city"]),
            json!(["input", "shippingAddress", "zip"]),
            json!(["input", "paymentToken"]),
        ],
        "{payload}"
    );
    assert!(error_codes(&payload).iter().all(|code| code == "INVALID"));
    assert_eq!(orders_of(&app).await.len(), 0);
    assert_eq!(key_count(&app).await, 0, "a refused input claims no key");
    assert_eq!(level(&app, &variant).await, (5, 1));
    assert_eq!(app.gateway.authorize_calls(), 0);
}

async fn unknown_and_expired_carts_are_refused(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let unknown = complete(
        &app,
        "gid://shopify/Cart/0123456789abcdef0123456789abcdef",
        "tok_visa",
    )
    .await;
    assert_eq!(error_codes(&unknown), vec!["INVALID"]);
    assert_eq!(unknown["userErrors"][0]["field"], json!(["cartId"]));

    set_lifetimes(&app, json!({ "guestCartTtlSeconds": 1 })).await;
    let (cart_id, _) = cart_of(&app, 5, 1).await;
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let expired = complete(&app, &cart_id, "tok_visa").await;
    assert_eq!(error_codes(&expired), vec!["CART_EXPIRED"]);
    assert_eq!(orders_of(&app).await.len(), 0);
    assert_eq!(app.gateway.authorize_calls(), 0);
}

async fn a_completed_cart_answers_with_its_order(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let (cart_id, _) = cart_of(&app, 5, 1).await;
    let first = complete(&app, &cart_id, "tok_visa").await;
    let again = complete(&app, &cart_id, "tok_visa").await;
    assert_eq!(error_codes(&again), vec!["CART_ALREADY_COMPLETED"]);
    assert_eq!(again["order"]["id"], first["order"]["id"]);
    assert_eq!(
        again["orderAccessToken"],
        Value::Null,
        "the token is given once"
    );
    assert_eq!(orders_of(&app).await.len(), 1);
    assert_eq!(app.gateway.authorize_calls(), 1);
}

/// Stale-cart trials on each backend (T3 asks for 200; each trial is a whole buyer journey).
const STALE_TRIALS: usize = 20;

async fn a_stale_cart_is_refused_before_the_gateway_is_asked(backend: Backend) {
    let app = spawn_app_on(backend).await;
    for trial in 0..STALE_TRIALS {
        // An early shopper fills a cart; their hold lapses and is swept.
        let (stale_cart, variant) = cart_of(&app, 2, 2).await;
        InventoryReservation::update_many()
            .col_expr(
                inventory_reservation::Column::ExpiresAt,
                Expr::value(chrono::Utc::now() - chrono::Duration::seconds(1)),
            )
            .filter(
                inventory_reservation::Column::VariantId
                    .eq(crate::inventory::variant_uuid(&variant)),
            )
            .exec(app.db())
            .await
            .unwrap();
        released(&app, &variant, Duration::from_secs(5)).await;
        // Another buyer takes the units and pays.
        let other = create_cart(&app, &[(&variant, 2)]).await;
        let other_cart = other["cart"]["id"].as_str().unwrap();
        let bought = complete(&app, other_cart, "tok_visa").await;
        assert_eq!(bought["userErrors"], json!([]), "{bought}");

        let calls_before = app.gateway.authorize_calls();
        let stale = complete(&app, &stale_cart, "tok_visa").await;
        assert_eq!(
            error_codes(&stale),
            vec!["MERCHANDISE_OUT_OF_STOCK"],
            "trial {trial}: {stale}"
        );
        assert_eq!(
            stale["userErrors"][0]["lineIds"].as_array().unwrap().len(),
            1
        );
        assert_eq!(
            app.gateway.authorize_calls(),
            calls_before,
            "the gateway was not asked"
        );
        assert_eq!(
            level(&app, &variant).await,
            (0, 0),
            "nothing was held for the stale cart"
        );
    }
}
