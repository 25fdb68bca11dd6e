//! Public catalog reads through a real Varnish running `deploy/varnish/vitrine.vcl`, purged by the
//! server's purge worker (`cdn_purge_kind = varnish`): a read is a miss and then hits; a product
//! update is visible through Varnish within a second; a cart is never stored; two stores asking
//! the same URL never share an entry.
//!
//! These rely on the response side of edge caching (`Cache-Control: public, s-maxage=…` and the
//! `xkey` header on catalog reads, `private, no-store` on the rest).

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use vitrine::stores::CreatedStore;

use super::rows_of_store;
use super::varnish::{Varnish, free_port};
use crate::carts::create_cart;
use crate::checkout::eventually;
use crate::helpers::{As, Backend, TestApp, create_store, spawn_app_with};

const PRODUCT_UPDATE: &str =
    include_str!("../../../schema/operations/admin/product_update.graphql");
const PRODUCT_TITLE: &str =
    "query Title($handle: String!) { product(handle: $handle) { id title } }";
const CART: &str = "query Cart($id: ID!) { cart(id: $id) { id totalQuantity } }";

/// A server whose purge worker purges a Varnish in front of it; both stop with the test.
pub async fn app_behind_varnish(backend: Backend) -> (TestApp, Varnish) {
    let port = free_port();
    let app = spawn_app_with(backend, |settings| {
        settings.cdn_purge_kind = "varnish".into();
        settings.cdn_purge_url = Some(format!("http://127.0.0.1:{port}/"));
    })
    .await;
    let varnish = Varnish::start(port, &app.address);
    (app, varnish)
}

/// One answer through Varnish.
#[derive(Debug)]
pub struct Answer {
    /// `HIT` or `MISS`.
    pub cache: String,
    pub cache_control: String,
    pub body: Value,
}

/// `GET`s a storefront query through Varnish as `store`.
pub async fn get(
    client: &reqwest::Client,
    varnish: &Varnish,
    store: &CreatedStore,
    query: &str,
    variables: Value,
) -> Answer {
    let response = client
        .get(format!("{}/api/2025-01/graphql.json", varnish.address))
        .query(&[("query", query), ("variables", &variables.to_string())])
        .header("X-Shopify-Storefront-Access-Token", &store.storefront_token)
        .send()
        .await
        .expect("a GET through Varnish");
    assert_eq!(response.status(), 200, "through Varnish");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let (cache, cache_control) = (header("x-cache"), header("cache-control"));
    Answer {
        cache,
        cache_control,
        body: response.json().await.expect("a JSON body"),
    }
}

/// Waits until the worker has sent Varnish every purge the stores' writes so far owe: a purge
/// that lands after a test's first read would drop the entry that test expects to hit.
pub async fn purges_sent(app: &TestApp, stores: &[&CreatedStore]) {
    eventually(Duration::from_secs(10), "the writes' purges", || async {
        for store in stores {
            let rows = rows_of_store(app, store.store_id).await;
            if rows.iter().any(|row| row.cdn_purged_at.is_none()) {
                return false;
            }
        }
        true
    })
    .await;
}

async fn title_of(app: &TestApp, varnish: &Varnish, store: &CreatedStore) -> Answer {
    let variables = json!({ "handle": "edge-tee" });
    get(&app.client(), varnish, store, PRODUCT_TITLE, variables).await
}

#[tokio::test]
async fn a_catalog_read_through_varnish_is_a_miss_and_then_hits() {
    let (app, varnish) = app_behind_varnish(Backend::Postgres).await;
    app.create_product(json!({ "title": "Edge Tee" })).await;
    purges_sent(&app, &[&app.store]).await;

    let first = title_of(&app, &varnish, &app.store).await;
    assert_eq!(first.cache, "MISS", "{first:?}");
    assert!(first.cache_control.contains("public"), "{first:?}");
    assert_eq!(first.body["data"]["product"]["title"], "Edge Tee");
    for _ in 0..3 {
        let again = title_of(&app, &varnish, &app.store).await;
        assert_eq!(again.cache, "HIT", "{again:?}");
        assert_eq!(again.body, first.body);
    }
}

#[tokio::test]
async fn a_product_update_is_seen_through_varnish_within_a_second() {
    let (app, varnish) = app_behind_varnish(Backend::Postgres).await;
    let product = app.create_product(json!({ "title": "Edge Tee" })).await;
    purges_sent(&app, &[&app.store]).await;
    title_of(&app, &varnish, &app.store).await;
    let cached = title_of(&app, &varnish, &app.store).await;
    assert_eq!(cached.cache, "HIT", "{cached:?}");

    let vars = json!({ "id": product["id"], "input": { "title": "Edge Tee Renamed" } });
    app.admin(PRODUCT_UPDATE, "ProductUpdate", vars).await;
    let written = Instant::now();

    loop {
        let now = title_of(&app, &varnish, &app.store).await;
        if now.body["data"]["product"]["title"] == "Edge Tee Renamed" {
            break;
        }
        assert!(
            written.elapsed() < Duration::from_secs(1),
            "Varnish still served the old title a second after the write: {now:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let elapsed = written.elapsed();
    println!("fresh through Varnish {elapsed:?} after the write");
    let after = title_of(&app, &varnish, &app.store).await;
    assert_eq!(
        after.cache, "HIT",
        "the fresh answer is cached again: {after:?}"
    );
}

#[tokio::test]
async fn a_cart_read_through_varnish_is_never_stored() {
    let (app, varnish) = app_behind_varnish(Backend::Postgres).await;
    let cart = create_cart(&app, &[]).await;
    let variables = json!({ "id": cart["cart"]["id"] });

    for _ in 0..3 {
        let answer = get(&app.client(), &varnish, &app.store, CART, variables.clone()).await;
        assert_eq!(answer.cache, "MISS", "{answer:?}");
        assert!(answer.cache_control.contains("no-store"), "{answer:?}");
        assert_eq!(answer.body["data"]["cart"]["totalQuantity"], 0);
    }
}

#[tokio::test]
async fn two_stores_asking_the_same_url_through_varnish_never_share_an_entry() {
    let (app, varnish) = app_behind_varnish(Backend::Postgres).await;
    let other = create_store(&app.database, "Other Store").await;
    app.create_product(json!({ "title": "Edge Tee" })).await;
    let input = json!({ "input": { "title": "Edge Tee", "vendor": "Elsewhere" } });
    let (status, body) = app
        .request(
            As::Admin(&other),
            crate::helpers::PRODUCT_CREATE,
            Some("ProductCreate"),
            input,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let theirs_id = body["data"]["productCreate"]["product"]["id"].clone();
    purges_sent(&app, &[&app.store, &other]).await;

    let ours = title_of(&app, &varnish, &app.store).await;
    let theirs = title_of(&app, &varnish, &other).await;
    assert_eq!(
        (ours.cache.as_str(), theirs.cache.as_str()),
        ("MISS", "MISS")
    );
    assert_ne!(ours.body, theirs.body);
    assert_eq!(theirs.body["data"]["product"]["id"], theirs_id);
    for _ in 0..2 {
        let ours_again = title_of(&app, &varnish, &app.store).await;
        let theirs_again = title_of(&app, &varnish, &other).await;
        assert_eq!(ours_again.cache, "HIT");
        assert_eq!(theirs_again.cache, "HIT");
        assert_eq!(ours_again.body, ours.body);
        assert_eq!(theirs_again.body, theirs.body);
    }
}
