//! Tokens pick the store; nothing ever crosses stores.

use serde_json::json;

use std::time::Duration;

use vitrine::stores;

use crate::checkout::eventually;
use crate::helpers::{As, authorised, create_store, quiet_app, sized_product, spawn_app};

const SHOP: &str = include_str!("../../schema/operations/storefront/shop.graphql");
const PRODUCT: &str = include_str!("../../schema/operations/storefront/product.graphql");
const PRODUCT_UPDATE: &str = include_str!("../../schema/operations/admin/product_update.graphql");

#[tokio::test]
async fn a_request_without_a_token_is_refused_with_a_json_401() {
    let app = spawn_app().await;
    let (status, body) = app.request(As::Nobody, SHOP, None, json!({})).await;
    assert_eq!(status, 401);
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    assert!(body.get("data").is_none());
}

#[tokio::test]
async fn a_wrong_token_is_refused_with_401() {
    let app = spawn_app().await;
    let mut forged = app.store.clone();
    forged.storefront_token = "0123456789abcdef0123456789abcdef".into();
    let (status, _) = app
        .request(As::Storefront(&forged), SHOP, None, json!({}))
        .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn a_host_naming_another_store_is_refused() {
    let app = spawn_app().await;
    let other = create_store(&app.database, "Other").await;
    let with_host = |host: String| {
        reqwest::Client::new()
            .post(format!("{}/graphql", app.address))
            .header("Host", host)
            .header(
                "X-Shopify-Storefront-Access-Token",
                &app.store.storefront_token,
            )
            .json(&json!({ "query": SHOP }))
            .send()
    };
    let response = with_host(other.domain.clone()).await.unwrap();
    assert_eq!(response.status().as_u16(), 401);
    let own_host = with_host(app.store.domain.clone()).await.unwrap();
    assert_eq!(own_host.status().as_u16(), 200);
}

#[tokio::test]
async fn two_stores_sharing_handles_and_skus_each_see_only_their_own() {
    let app = spawn_app().await;
    let other = create_store(&app.database, "Other").await;
    let mine = app
        .create_product(sized_product("Shared Tee", "SHARED"))
        .await;
    let mut their_input = sized_product("Shared Tee", "SHARED");
    their_input["variants"][0]["price"] = json!("77.00");
    let (status, body) = app
        .request(
            As::Admin(&other),
            crate::helpers::PRODUCT_CREATE,
            Some("ProductCreate"),
            json!({ "input": their_input }),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        body["data"]["productCreate"]["userErrors"],
        json!([]),
        "same handle and SKUs are fine in another store"
    );
    let theirs = body["data"]["productCreate"]["product"].clone();
    assert_ne!(mine["id"], theirs["id"]);

    let update = app
        .admin(
            PRODUCT_UPDATE,
            "ProductUpdate",
            json!({ "id": theirs["id"], "input": { "title": "Mine now" } }),
        )
        .await;
    assert_eq!(
        update["productUpdate"]["userErrors"][0]["code"], "NOT_FOUND",
        "one store's admin cannot touch another's product"
    );

    let (_, my_shop) = app
        .request(As::Storefront(&app.store), SHOP, None, json!({}))
        .await;
    let (_, their_shop) = app
        .request(As::Storefront(&other), SHOP, None, json!({}))
        .await;
    assert_eq!(my_shop["data"]["shop"]["name"], "Test Store");
    assert_eq!(their_shop["data"]["shop"]["name"], "Other");

    let by_handle = json!({ "handle": "shared-tee" });
    let (_, seen_by_me) = app
        .request(As::Storefront(&app.store), PRODUCT, None, by_handle.clone())
        .await;
    let (_, seen_by_them) = app
        .request(As::Storefront(&other), PRODUCT, None, by_handle)
        .await;
    let price = |seen: &serde_json::Value| {
        seen["data"]["product"]["priceRange"]["minVariantPrice"]["amount"].clone()
    };
    assert_eq!(
        seen_by_me["data"]["product"]["id"], mine["id"],
        "my store finds my product"
    );
    assert_eq!(
        seen_by_them["data"]["product"]["id"], theirs["id"],
        "theirs finds theirs"
    );
    assert_eq!(price(&seen_by_me), "10.00");
    assert_eq!(
        price(&seen_by_them),
        "20.00",
        "their cheapest variant is no longer 10.00"
    );
    let (_, by_foreign_id) = app
        .request(
            As::Storefront(&app.store),
            "query($id: ID!) { node(id: $id) { id } }",
            None,
            json!({ "id": theirs["id"] }),
        )
        .await;
    assert_eq!(
        by_foreign_id["data"]["node"],
        serde_json::Value::Null,
        "{by_foreign_id}"
    );
}

#[tokio::test]
async fn admin_mutations_with_a_storefront_token_are_access_denied() {
    let app = spawn_app().await;
    let (status, body) = app
        .request(
            As::Storefront(&app.store),
            crate::helpers::PRODUCT_CREATE,
            Some("ProductCreate"),
            json!({ "input": sized_product("X", "X") }),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["errors"][0]["extensions"]["code"], "ACCESS_DENIED");
    let listed = app
        .storefront(
            include_str!("../../schema/operations/storefront/products.graphql"),
            json!({ "first": 5 }),
        )
        .await;
    assert_eq!(
        listed["products"]["nodes"],
        json!([]),
        "the refused mutation created nothing"
    );
}

/// Counters of the server at `address`: (SQL statements, cache round trips).
async fn counters(address: &str) -> (u64, u64) {
    let text = reqwest::get(format!("{address}/metrics"))
        .await
        .expect("metrics")
        .text()
        .await
        .expect("metrics body");
    let counter = |name: &str| {
        text.lines()
            .find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
            .unwrap_or_else(|| panic!("{name} in /metrics"))
    };
    (
        counter("vitrine_sql_statements_total"),
        counter("vitrine_cache_round_trips_total"),
    )
}

/// Waits until the server's background passes at start are over: its statement count holds
/// still for 100 ms.
async fn settled(address: &str) {
    let mut last = counters(address).await.0;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let now = counters(address).await.0;
        if now == last {
            return;
        }
        last = now;
    }
    panic!("the server never stopped sending statements");
}

/// Sends `document` to the server at `address` as `who`; returns the status and the body.
async fn request_at(address: &str, who: As<'_>, document: &str) -> (u16, serde_json::Value) {
    let request = reqwest::Client::new()
        .post(format!("{address}/api/2025-01/graphql.json"))
        .json(&json!({ "query": document }));
    let response = authorised(request, who).send().await.expect("send");
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON body"))
}

#[tokio::test]
async fn a_resolved_request_costs_one_cache_round_trip_and_no_statements() {
    let app = quiet_app().await;
    let second = app.another_instance().await;
    for who in [As::Storefront(&app.store), As::Admin(&app.store)] {
        let (status, _) = request_at(&app.address, who, "{ shop { name } }").await;
        assert_eq!(status, 200, "the first instance resolves and caches");

        settled(&second).await;
        let before = counters(&second).await;
        let (status, body) = request_at(&second, who, "{ shop { name } }").await;
        let after = counters(&second).await;

        assert_eq!(status, 200);
        assert_eq!(body["data"]["shop"]["name"], "Test Store");
        assert_eq!(after.0 - before.0, 0, "no SQL statement");
        assert_eq!(after.1 - before.1, 1, "one round trip to Redis");
    }
}

#[tokio::test]
async fn a_flood_of_one_bad_token_costs_the_database_one_lookup() {
    let app = quiet_app().await;
    let mut forged = app.store.clone();
    forged.storefront_token = stores::new_secret();

    settled(&app.address).await;

    let before = counters(&app.address).await;
    for _ in 0..20 {
        let (status, _) = request_at(&app.address, As::Storefront(&forged), SHOP).await;
        assert_eq!(status, 401);
    }
    let after = counters(&app.address).await;

    assert_eq!(after.0 - before.0, 1, "the refusal is cached");
}

#[tokio::test]
async fn a_store_update_is_seen_at_once_here_and_within_a_second_on_another_instance() {
    let app = spawn_app().await;
    let second = app.another_instance().await;
    let name_at = async |address: &str| {
        let (_, body) = request_at(address, As::Storefront(&app.store), SHOP).await;
        body["data"]["shop"]["name"].clone()
    };
    assert_eq!(name_at(&second).await, "Test Store", "cached on both tiers");

    app.admin(
        "mutation Rename { storeUpdate(input: { name: \"Renamed\" }) { userErrors { message } } }",
        "Rename",
        json!({}),
    )
    .await;

    assert_eq!(name_at(&app.address).await, "Renamed", "at once here");
    eventually(
        Duration::from_secs(3),
        "the rename on the second instance",
        || async { name_at(&second).await == "Renamed" },
    )
    .await;
}
