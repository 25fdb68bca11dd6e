//! Carts over HTTP: the Shopify cart API, the stock its lines hold, the input it refuses, what
//! happens when holds expire, and the race tests (RELIABILITY.md T1, T2, T5). Shared here: the
//! cart documents, stocked products, and reading levels and holds back from the database.

mod buyers;
mod editing;
mod expiry;
mod races;
mod refusals;

use std::time::{Duration, Instant};

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;
use vitrine::inventory::levels;

use crate::helpers::{As, TestApp};
use crate::inventory::variant_uuid;

pub const CART: &str = include_str!("../../schema/operations/storefront/cart.graphql");

/// The root field each operation of `CART` answers with.
fn field_of(operation: &str) -> String {
    let mut name = operation.to_string();
    if let Some(first) = name.get_mut(0..1) {
        first.make_ascii_lowercase();
    }
    name
}

/// Runs one cart operation as the store's storefront; fails on top-level errors and returns the
/// operation's payload (or the cart, for the `Cart` query).
pub async fn cart_op(app: &TestApp, operation: &str, variables: Value) -> Value {
    let (status, body) = app
        .request(As::Storefront(&app.store), CART, Some(operation), variables)
        .await;
    assert_eq!(status, 200, "{operation}: {body}");
    assert!(body.get("errors").is_none(), "{operation}: {body}");
    body["data"][field_of(operation)].clone()
}

/// Creates a cart holding `lines` (`[(variant gid, quantity)]`); returns the payload.
pub async fn create_cart(app: &TestApp, lines: &[(&str, i64)]) -> Value {
    cart_op(
        app,
        "CartCreate",
        json!({ "input": { "lines": line_inputs(lines) } }),
    )
    .await
}

pub fn line_inputs(lines: &[(&str, i64)]) -> Value {
    lines
        .iter()
        .map(|(variant, quantity)| json!({ "merchandiseId": variant, "quantity": quantity }))
        .collect()
}

/// A product with one variant of `stock` units priced 12.50; returns the variant's gid.
pub async fn stocked_variant(app: &TestApp, title: &str, stock: i64) -> String {
    let sku = format!("SKU-{}", Uuid::now_v7().simple());
    let product = app
        .create_product(json!({
            "title": title,
            "options": ["Size"],
            "variants": [{ "sku": sku, "price": "12.50", "options": ["One"], "inventoryQuantity": stock }]
        }))
        .await;
    product["variants"]["nodes"][0]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// `(on_hand, reserved)` of a variant, as committed.
pub async fn level(app: &TestApp, variant: &str) -> (i64, i64) {
    let store = app.store_model().await;
    let level = levels::find(app.db(), &store, variant_uuid(variant))
        .await
        .unwrap()
        .expect("a level");
    (level.on_hand, level.reserved)
}

/// Units of a variant held by reservation rows (live or not yet swept).
pub async fn held(app: &TestApp, variant: &str) -> i64 {
    use entities::{inventory_reservation, prelude::InventoryReservation};
    InventoryReservation::find()
        .filter(inventory_reservation::Column::VariantId.eq(variant_uuid(variant)))
        .all(app.db())
        .await
        .unwrap()
        .iter()
        .map(|r| r.quantity)
        .sum()
}

/// Units a cart's reservation rows hold, by variant gid.
pub async fn holds_of_cart(app: &TestApp, cart_id: &str) -> Vec<(String, i64)> {
    use entities::{cart, inventory_reservation, prelude::*};
    let token = cart_id.rsplit('/').next().unwrap();
    let cart = Cart::find()
        .filter(cart::Column::Token.eq(token))
        .one(app.db())
        .await
        .unwrap()
        .expect("the cart");
    let mut holds: Vec<(String, i64)> = InventoryReservation::find()
        .filter(inventory_reservation::Column::CartId.eq(cart.id))
        .all(app.db())
        .await
        .unwrap()
        .into_iter()
        .map(|r| {
            let gid = vitrine::ids::encode(vitrine::ids::GidKind::ProductVariant, r.variant_id);
            (gid, r.quantity)
        })
        .collect();
    holds.sort();
    holds
}

/// What a cart's lines want, by variant gid (lines of one variant summed).
pub fn wanted_by_lines(cart: &Value) -> Vec<(String, i64)> {
    let mut wanted: std::collections::BTreeMap<String, i64> = Default::default();
    for line in cart["lines"]["nodes"].as_array().unwrap() {
        let variant = line["merchandise"]["id"].as_str().unwrap().to_string();
        *wanted.entry(variant).or_default() += line["quantity"].as_i64().unwrap();
    }
    wanted.into_iter().collect()
}

/// The codes of a payload's warnings.
pub fn warning_codes(payload: &Value) -> Vec<String> {
    payload["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap().to_string())
        .collect()
}

/// Changes the store's hold and cart lifetimes (seconds) through `storeUpdate`.
pub async fn set_lifetimes(app: &TestApp, lifetimes: Value) {
    let data = app
        .admin(
            "mutation Lifetimes($input: StoreUpdateInput!) { storeUpdate(input: $input) { userErrors { field message } } }",
            "Lifetimes",
            json!({ "input": lifetimes }),
        )
        .await;
    assert_eq!(data["storeUpdate"]["userErrors"], json!([]));
}

/// Waits until nothing of `variant` is held, up to `limit`; returns how long it took.
pub async fn released(app: &TestApp, variant: &str, limit: Duration) -> Duration {
    let started = Instant::now();
    while level(app, variant).await.1 > 0 || held(app, variant).await > 0 {
        assert!(
            started.elapsed() < limit,
            "holds of {variant} still alive after {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    started.elapsed()
}
