//! Checkout over HTTP: carts become orders through `cartComplete` and the test gateway, paid
//! once whatever is retried, raced or crashed (RELIABILITY.md T3, T4, T7, T9, T10, T11, T14).
//! Shared here: the checkout documents, a buyer's input, and reading orders, payments, keys and
//! outbox rows back from the database.

mod crashes;
mod idempotency;
mod placing;
mod races;
mod recovery;
mod refusals;

use std::time::{Duration, Instant};

use entities::prelude::*;
use entities::{order, outbox_event, payment};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::carts::{create_cart, stocked_variant};
use crate::helpers::{As, TestApp};

pub const CHECKOUT: &str = include_str!("../../schema/operations/storefront/checkout.graphql");

/// A buyer's complete input, paying with `token`.
pub fn input(token: &str) -> Value {
    json!({
        "email": "ada@example.com",
        "shippingAddress": {
            "firstName": "Ada",
            "lastName": "Lovelace",
            "address1": "12 Analytical Row",
            "city": "London",
            "zip": "N1 9GU",
            "countryCode": "GB",
            "phone": "+44 20 7946 0018"
        },
        "paymentToken": token
    })
}

/// Sends `cartComplete` as the store's storefront; returns the payload.
pub async fn complete_with(app: &TestApp, cart_id: &str, key: &str, input: Value) -> Value {
    let variables = json!({ "cartId": cart_id, "idempotencyKey": key, "input": input });
    let (status, body) = app
        .request(
            As::Storefront(&app.store),
            CHECKOUT,
            Some("CartComplete"),
            variables,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["cartComplete"].clone()
}

/// Completes a cart paying with `token`, under a fresh key.
pub async fn complete(app: &TestApp, cart_id: &str, token: &str) -> Value {
    complete_with(app, cart_id, &new_key(), input(token)).await
}

pub fn new_key() -> String {
    format!("key-{}", Uuid::now_v7().simple())
}

/// The codes of a payload's user errors.
pub fn error_codes(payload: &Value) -> Vec<String> {
    payload["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap().to_string())
        .collect()
}

/// A cart holding `quantity` units of a new variant stocked at `stock`; returns (cart id,
/// variant gid).
pub async fn cart_of(app: &TestApp, stock: i64, quantity: i64) -> (String, String) {
    let title = format!("Checkout Tee {}", Uuid::now_v7().simple());
    let variant = stocked_variant(app, &title, stock).await;
    let created = create_cart(app, &[(&variant, quantity)]).await;
    assert_eq!(created["cart"]["totalQuantity"], quantity, "{created}");
    (created["cart"]["id"].as_str().unwrap().to_string(), variant)
}

/// Every order of the test store.
pub async fn orders_of(app: &TestApp) -> Vec<order::Model> {
    Order::find()
        .filter(order::Column::StoreId.eq(app.store.store_id))
        .order_by_asc(order::Column::Number)
        .all(app.db())
        .await
        .unwrap()
}

/// Every payment of an order, oldest first.
pub async fn payments_of(app: &TestApp, order_id: Uuid) -> Vec<payment::Model> {
    Payment::find()
        .filter(payment::Column::OrderId.eq(order_id))
        .order_by_asc(payment::Column::CreatedAt)
        .all(app.db())
        .await
        .unwrap()
}

/// The topics of the outbox rows about `subject_gid`, in order.
pub async fn events_about(app: &TestApp, subject_gid: &str) -> Vec<String> {
    OutboxEvent::find()
        .filter(outbox_event::Column::SubjectGid.eq(subject_gid))
        .order_by_asc(outbox_event::Column::Id)
        .all(app.db())
        .await
        .unwrap()
        .into_iter()
        .map(|event| event.topic)
        .collect()
}

/// How many idempotency keys the store holds.
pub async fn key_count(app: &TestApp) -> u64 {
    use entities::idempotency_key;
    IdempotencyKey::find()
        .filter(idempotency_key::Column::StoreId.eq(app.store.store_id))
        .count(app.db())
        .await
        .unwrap()
}

/// Waits until `check` holds, looking every 50 ms; fails the test after `limit`.
pub async fn eventually<F, Fut>(limit: Duration, what: &str, check: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    while !check().await {
        assert!(
            started.elapsed() < limit,
            "{what} did not happen within {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The order's uuid from its gid.
pub fn order_uuid(gid: &str) -> Uuid {
    vitrine::ids::decode(vitrine::ids::GidKind::Order, gid).expect("an order gid")
}
