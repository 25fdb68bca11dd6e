//! Pre-warming: after `cacheWarm` (or `vitrine cache warm`), a storefront's first GET of a
//! collection or best-selling product page is a hit.

use std::time::Duration;

use serde_json::json;

use super::{get, header, sized};
use crate::checkout::eventually;
use crate::edge::rows_of_store;
use crate::helpers::{As, Backend, TestApp, collection_of, run_cli, spawn_app_on};

const PRODUCT: &str = include_str!("../../../schema/operations/storefront/product.graphql");
const COLLECTION: &str =
    include_str!("../../../schema/operations/storefront/collection_products.graphql");
const WARM: &str = "mutation Warm($v: String) { cacheWarm(apiVersion: $v) { pages filled userErrors { field code } } }";

async fn catalog(app: &TestApp) -> (String, String) {
    let product = sized(app, "Warm Shirt").await;
    let other = sized(app, "Warm Trousers").await;
    let collection = collection_of(app, "Warm Things", &[product.clone(), other]).await;
    (product["handle"].as_str().unwrap().to_string(), collection)
}

async fn first_reads_hit(app: &TestApp, product: &str, collection: &str, hit: &str) {
    let who = As::Storefront(&app.store);
    let (_, headers, body) = get(app, who, PRODUCT, json!({ "handle": product }), &[]).await;
    assert_eq!(header(&headers, "x-vitrine-cache"), hit, "{body}");
    let (_, headers, body) = get(
        app,
        who,
        COLLECTION,
        json!({ "handle": collection, "first": 24 }),
        &[],
    )
    .await;
    assert_eq!(header(&headers, "x-vitrine-cache"), hit, "{body}");
    assert!(body.contains("Warm Trousers"));
}

#[tokio::test]
async fn the_admin_mutation_warms_collections_and_best_sellers_on_both_backends() {
    for backend in [Backend::Postgres, Backend::Sqlite] {
        let app = spawn_app_on(backend).await;
        let (product, collection) = catalog(&app).await;
        settled(&app).await;
        let warmed = app.admin(WARM, "Warm", json!({})).await;
        assert_eq!(
            warmed["cacheWarm"],
            json!({ "pages": 3, "filled": 3, "userErrors": [] }),
            "{backend:?}: one collection and two products"
        );
        first_reads_hit(&app, &product, &collection, "HIT-LOCAL").await;

        let refused = app.admin(WARM, "Warm", json!({ "v": "latest" })).await;
        assert_eq!(refused["cacheWarm"]["userErrors"][0]["code"], "INVALID");
    }
}

/// Waits until the catalog's writes are taken in by the search index and every purge they owe
/// (the index's own included) has reached the origin: a purge landing while the warm runs would
/// keep its answers from being stored.
async fn settled(app: &TestApp) {
    app.search_caught_up().await;
    eventually(Duration::from_secs(10), "the writes' purges", || async {
        rows_of_store(app, app.store.store_id)
            .await
            .iter()
            .all(|row| row.origin_purged_at.is_some())
    })
    .await;
}

#[tokio::test]
async fn the_cli_warms_the_shared_cache_for_every_instance() {
    let app = spawn_app_on(Backend::Postgres).await;
    let (product, collection) = catalog(&app).await;
    settled(&app).await;
    run_cli(&app, &["cache", "warm", "--domain", &app.store.domain])
        .await
        .expect("cache warm");
    first_reads_hit(&app, &product, &collection, "HIT-SHARED").await;
}
