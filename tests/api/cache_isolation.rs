//! T23, cache isolation: after two stores' catalog reads, carts, tenant resolutions (good, bad
//! and cross-store credentials) and a store update, every Redis key the server wrote names one of
//! the two stores: `vitrine:{<store uuid>}:…`. The one exception, documented in `vitrine::cache`,
//! is `vitrine:tenant:<sha256>`, the resolution of one set of credentials (looked up before the
//! store is known): its value must name exactly one store and be listed under it, or name none
//! (a cached refusal, which holds no store's data).
//!
//! The server writes under a key prefix of its own, so the audit sees only this run's keys even
//! when other tests share the Redis.

use std::collections::HashMap;

use serde_json::{Value, json};
use uuid::Uuid;
use vitrine::stores::CreatedStore;

use crate::helpers::{
    As, Backend, PRODUCT_CREATE, TestApp, collection_of, create_store, sized_product,
    spawn_app_with,
};

const CART: &str = include_str!("../../schema/operations/storefront/cart.graphql");
const PRODUCT: &str = include_str!("../../schema/operations/storefront/product.graphql");
const PRODUCTS: &str = include_str!("../../schema/operations/storefront/products.graphql");
const COLLECTION: &str =
    include_str!("../../schema/operations/storefront/collection_products.graphql");
const SHOP: &str = include_str!("../../schema/operations/storefront/shop.graphql");

fn redis_url() -> String {
    std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

/// Sends one operation as `who`; fails the test unless it answers without errors.
async fn ok(app: &TestApp, who: As<'_>, document: &str, operation: &str, vars: Value) -> Value {
    let (status, body) = app.request(who, document, Some(operation), vars).await;
    assert_eq!(status, 200, "{operation}: {body}");
    assert!(body.get("errors").is_none(), "{operation}: {body}");
    body["data"].clone()
}

/// What a shopper and a merchant of `store` do: create a product and a collection, read them,
/// fill a cart.
async fn shop_at(app: &TestApp, store: &CreatedStore) {
    let created = &ok(
        app,
        As::Admin(store),
        PRODUCT_CREATE,
        "ProductCreate",
        json!({ "input": sized_product("Audit Tee", "AUD") }),
    )
    .await["productCreate"]["product"];
    let variant = created["variants"]["nodes"][0]["id"].clone();
    let visitor = As::Storefront(store);
    ok(app, visitor, SHOP, "Shop", json!({})).await;
    ok(
        app,
        visitor,
        PRODUCT,
        "Product",
        json!({ "handle": "audit-tee" }),
    )
    .await;
    ok(app, visitor, PRODUCTS, "Products", json!({ "first": 5 })).await;
    let lines = json!([{ "merchandiseId": variant, "quantity": 1 }]);
    let cart = ok(
        app,
        visitor,
        CART,
        "CartCreate",
        json!({ "input": { "lines": lines } }),
    )
    .await;
    let cart_id = cart["cartCreate"]["cart"]["id"].clone();
    ok(app, visitor, CART, "Cart", json!({ "id": cart_id })).await;
    ok(app, As::Admin(store), SHOP, "Shop", json!({})).await;
}

/// The status of a `shop` request carrying these headers.
async fn refused_with(app: &TestApp, headers: &[(&str, &str)]) -> u16 {
    let mut request = app
        .client()
        .post(format!("{}/graphql", app.address))
        .json(&json!({ "query": SHOP }));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.expect("send").status().as_u16()
}

/// Every key under `prefix`, without it.
async fn keys_under(redis: &mut redis::aio::MultiplexedConnection, prefix: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let mut cursor: u64 = 0;
    loop {
        let (next, batch): (u64, Vec<String>) = redis::cmd("SCAN")
            .arg(cursor)
            .arg("MATCH")
            .arg(format!("{prefix}*"))
            .arg("COUNT")
            .arg(1000)
            .query_async(redis)
            .await
            .expect("SCAN");
        keys.extend(batch.into_iter().map(|key| key[prefix.len()..].to_string()));
        if next == 0 {
            return keys;
        }
        cursor = next;
    }
}

/// The store a `vitrine:{<uuid>}:…` key names.
fn prefixed_store(key: &str) -> Option<Uuid> {
    let rest = key.strip_prefix("vitrine:{")?;
    let (id, tail) = rest.split_once('}')?;
    tail.starts_with(':').then(|| Uuid::parse_str(id).ok())?
}

#[tokio::test]
async fn every_redis_key_names_exactly_one_store() {
    let prefix = format!("audit-{}:", Uuid::now_v7().simple());
    let app = spawn_app_with(Backend::Postgres, |settings| {
        settings.redis_key_prefix = prefix.clone();
    })
    .await;
    let other = create_store(&app.database, "Other").await;
    let stores = [&app.store, &other];

    for store in stores {
        shop_at(&app, store).await;
    }
    let handle = collection_of(&app, "Audited", &[]).await;
    ok(
        &app,
        As::Storefront(&app.store),
        COLLECTION,
        "CollectionProducts",
        json!({ "handle": handle, "first": 5 }),
    )
    .await;
    let mut forged = app.store.clone();
    forged.storefront_token = vitrine::stores::new_secret();
    let refusals_sent = [
        refused_with(
            &app,
            &[(
                "X-Shopify-Storefront-Access-Token",
                &forged.storefront_token,
            )],
        )
        .await,
        refused_with(
            &app,
            &[
                ("X-Shopify-Storefront-Access-Token", &other.storefront_token),
                ("X-Shopify-Access-Token", &app.store.admin_token),
            ],
        )
        .await,
        refused_with(
            &app,
            &[
                (
                    "X-Shopify-Storefront-Access-Token",
                    &app.store.storefront_token,
                ),
                ("Host", &other.domain),
            ],
        )
        .await,
    ];
    assert_eq!(
        refusals_sent,
        [401, 401, 401],
        "forged, mismatched, another store's host"
    );

    let client = redis::Client::open(redis_url()).expect("Redis URL");
    let mut redis = client
        .get_multiplexed_async_connection()
        .await
        .expect("Redis");
    let keys = keys_under(&mut redis, &prefix).await;
    let ids: Vec<Uuid> = stores.iter().map(|store| store.store_id).collect();
    let mut per_store: HashMap<Uuid, usize> = HashMap::new();
    let mut refusals = 0;
    for key in &keys {
        if let Some(store) = prefixed_store(key) {
            assert!(
                ids.contains(&store),
                "{key} names a store of neither tenant"
            );
            *per_store.entry(store).or_default() += 1;
            continue;
        }
        let hash = key
            .strip_prefix("vitrine:tenant:")
            .unwrap_or_else(|| panic!("{key} names no store"));
        assert!(
            hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()),
            "{key}"
        );
        let value: Option<String> = redis::cmd("GET")
            .arg(format!("{prefix}{key}"))
            .query_async(&mut redis)
            .await
            .expect("GET");
        let value: Value = serde_json::from_str(&value.expect("the key holds a value")).unwrap();
        if value == json!("Unauthenticated") {
            refusals += 1;
            continue;
        }
        let store: Uuid = serde_json::from_value(value["Tenant"]["store"]["id"].clone())
            .unwrap_or_else(|_| panic!("{key} holds neither a tenant nor a refusal: {value}"));
        assert!(
            ids.contains(&store),
            "{key} resolves to a store of neither tenant"
        );
        let listed: Option<f64> = redis::cmd("ZSCORE")
            .arg(format!("{prefix}vitrine:{{{store}}}:tenant-keys"))
            .arg(format!("{prefix}{key}"))
            .query_async(&mut redis)
            .await
            .expect("ZSCORE");
        assert!(listed.is_some(), "{key} is listed under its store");
        *per_store.entry(store).or_default() += 1;
    }

    println!(
        "audited {} keys: {per_store:?}, {refusals} refusals",
        keys.len()
    );
    for id in ids {
        assert!(
            per_store.get(&id).is_some_and(|n| *n >= 2),
            "{id} has keys: {keys:?}"
        );
    }
    assert_eq!(refusals, 3, "each refusal is cached once: {keys:?}");
}
