//! Changes reach every instance's cache within a second: a product update and a variant selling
//! out are purged through Redis pub/sub; live stock is never purged but lives a second.

use std::time::Duration;

use serde_json::{Value, json};

use super::{PRODUCT_PAGE, PRODUCT_STOCK, header};
use crate::checkout::eventually;
use crate::helpers::{As, TestApp, authorised, spawn_app};

const ORIGIN: &str = "x-vitrine-cache";
const UPDATE: &str = include_str!("../../../schema/operations/admin/product_update.graphql");
const BUY: &str = "mutation Buy($input: CartInput) { cartCreate(input: $input) { \
    cart { id } userErrors { code } warnings { code } } }";

/// A GET of `document` on the server at `address`: the `x-vitrine-cache` header and the data.
async fn read(app: &TestApp, address: &str, document: &str, variables: &Value) -> (String, Value) {
    let response = authorised(
        app.client()
            .get(format!("{address}/api/2025-01/graphql.json"))
            .query(&[("query", document), ("variables", &variables.to_string())]),
        As::Storefront(&app.store),
    )
    .send()
    .await
    .expect("GET");
    let source = header(response.headers(), ORIGIN).to_string();
    let body: Value = response.json().await.expect("JSON");
    (source, body["data"].clone())
}

/// A product with one variant of `stock` units, cached on both instances.
async fn cached_on_both(app: &TestApp, other: &str, stock: i64) -> (Value, Value) {
    let product = app
        .create_product(json!({
            "title": "Fresh Shirt",
            "options": ["Size"],
            "variants": [{ "sku": "FRESH", "price": "10.00", "options": ["M"], "inventoryQuantity": stock }]
        }))
        .await;
    let variables = json!({ "handle": product["handle"] });
    for address in [app.address.as_str(), other] {
        read(app, address, PRODUCT_PAGE, &variables).await;
        let (source, _) = read(app, address, PRODUCT_PAGE, &variables).await;
        assert_eq!(source, "HIT-LOCAL", "cached at {address}");
    }
    (product, variables)
}

#[tokio::test]
async fn a_product_update_reaches_every_instance_within_a_second() {
    let app = spawn_app().await;
    let other = app.instance_with(|_| {}).await;
    let (product, variables) = cached_on_both(&app, &other.address, 5).await;

    app.admin(
        UPDATE,
        "ProductUpdate",
        json!({ "id": product["id"], "input": { "title": "Fresher Shirt" } }),
    )
    .await;

    let (_, here) = read(&app, &app.address, PRODUCT_PAGE, &variables).await;
    assert_eq!(
        here["product"]["title"], "Fresher Shirt",
        "at once where it was written"
    );
    eventually(
        Duration::from_secs(1),
        "the update on the other instance",
        || async {
            let (_, there) = read(&app, &other.address, PRODUCT_PAGE, &variables).await;
            there["product"]["title"] == "Fresher Shirt"
        },
    )
    .await;
}

#[tokio::test]
async fn a_variant_selling_out_reaches_every_instance_within_a_second() {
    let app = spawn_app().await;
    let other = app.instance_with(|_| {}).await;
    let (product, variables) = cached_on_both(&app, &other.address, 1).await;
    let variant = product["variants"]["nodes"][0]["id"].clone();
    let (_, before) = read(&app, &other.address, PRODUCT_PAGE, &variables).await;
    assert_eq!(before["product"]["availableForSale"], true);

    let input = json!({ "input": { "lines": [{ "merchandiseId": variant, "quantity": 1 }] } });
    let bought = app.storefront(BUY, input).await;
    assert_eq!(bought["cartCreate"]["warnings"], json!([]), "{bought}");

    eventually(
        Duration::from_secs(1),
        "the sell-out on the other instance",
        || async {
            let (_, there) = read(&app, &other.address, PRODUCT_PAGE, &variables).await;
            there["product"]["availableForSale"] == false
        },
    )
    .await;
}

/// Live stock is short-lived rather than purged (a cart holding a unit, which does not sell the
/// variant out, purges nothing): the count is new within its one-second lifetime.
#[tokio::test]
async fn live_stock_is_fresh_within_its_lifetime_without_a_purge() {
    let app = spawn_app().await;
    let product = app
        .create_product(json!({
            "title": "Counted Shirt",
            "options": ["Size"],
            "variants": [{ "sku": "COUNTED", "price": "10.00", "options": ["M"], "inventoryQuantity": 5 }]
        }))
        .await;
    let variables = json!({ "handle": product["handle"] });
    let quantity =
        |data: &Value| data["product"]["variants"]["nodes"][0]["quantityAvailable"].clone();
    let (_, first) = read(&app, &app.address, PRODUCT_STOCK, &variables).await;
    assert_eq!(quantity(&first), 5);

    let variant = product["variants"]["nodes"][0]["id"].clone();
    let input = json!({ "input": { "lines": [{ "merchandiseId": variant, "quantity": 1 }] } });
    app.storefront(BUY, input).await;

    eventually(Duration::from_secs(3), "the new count", || async {
        let (_, now) = read(&app, &app.address, PRODUCT_STOCK, &variables).await;
        quantity(&now) == 4
    })
    .await;
}
