//! Pages cost a fixed number of SQL statements, the same for every page size and on every run:
//! list resolvers load the parts of all their products at once, never timing-dependent batches.

use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, quiet_app, sized_product, spawn_app_with};

const COLLECTION: &str =
    include_str!("../../schema/operations/storefront/collection_products.graphql");
const PRODUCT: &str = include_str!("../../schema/operations/storefront/product.graphql");
const COLLECTIONS: &str = include_str!("../../schema/operations/admin/collections.graphql");

/// How many times each page is measured: a timing-dependent batch would show as a difference.
const REPEATS: usize = 5;

async fn statements_for(app: &TestApp, document: &str, variables: Value) -> u64 {
    let before = app.statements().await;
    app.storefront(document, variables).await;
    app.statements().await - before
}

/// The statements of the product pages of `handles`, each measured `REPEATS` times.
async fn product_page_counts(
    app: &TestApp,
    handles: [&'static str; 2],
) -> Vec<(&'static str, u64)> {
    let mut counts = Vec::new();
    for _ in 0..REPEATS {
        for handle in handles {
            let page = json!({ "handle": handle });
            counts.push((handle, statements_for(app, PRODUCT, page).await));
        }
    }
    counts
}

async fn collection_of_50(app: &TestApp) -> String {
    let mut ids: Vec<Value> = Vec::new();
    for n in 0..50 {
        ids.push(
            app.create_product(sized_product(&format!("Count Tee {n}"), &format!("C{n}")))
                .await["id"]
                .clone(),
        );
    }
    let created = app
        .admin(
            COLLECTIONS,
            "CollectionCreate",
            json!({ "input": { "title": "Counted", "products": ids } }),
        )
        .await;
    created["collectionCreate"]["collection"]["handle"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_collection_page_costs_the_same_statements_for_5_and_50_products_every_time() {
    let app = quiet_app().await;
    let handle = collection_of_50(&app).await;
    // The first storefront request resolves and caches the token; measure pages after it.
    app.storefront("{ shop { name } }", json!({})).await;

    let mut counts = Vec::new();
    for _ in 0..REPEATS {
        for first in [5, 50] {
            let page = json!({ "handle": handle, "first": first });
            counts.push((first, statements_for(&app, COLLECTION, page).await));
        }
    }

    println!("statements per collection page (products, statements): {counts:?}");
    let (_, expected) = counts[0];
    assert!(
        counts.iter().all(|(_, n)| *n == expected),
        "every page costs the same: {counts:?}"
    );
    assert!(expected <= 25, "a page took {expected} statements");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_product_page_costs_the_same_statements_for_3_and_60_variants_every_time() {
    let app = quiet_app().await;
    app.create_product(sized_product("Small Tee", "SM")).await;
    let variants: Vec<Value> = (0..60)
        .map(|n| json!({ "options": [n.to_string()], "price": "5.00", "inventoryQuantity": n % 3 }))
        .collect();
    app.create_product(json!({ "title": "Wide Tee", "options": ["Size"], "variants": variants }))
        .await;
    app.storefront("{ shop { name } }", json!({})).await;

    let counts = product_page_counts(&app, ["small-tee", "wide-tee"]).await;

    println!("statements per product page (product, statements): {counts:?}");
    let (_, expected) = counts[0];
    assert!(
        counts.iter().all(|(_, n)| *n == expected),
        "every product page costs the same: {counts:?}"
    );
}

/// The most statements an uncached product page may cost, whatever the product's size: the
/// product, its variants with their stock, its options with their values, its images, its tags.
const PRODUCT_PAGE_BUDGET: u64 = 5;

/// A product with `variants` sizes (stock 0, 1, 2, …) and `images` images.
fn product_of(title: &str, variants: usize, images: usize) -> Value {
    let variants: Vec<Value> = (0..variants)
        .map(|n| json!({ "options": [n.to_string()], "price": "5.00", "inventoryQuantity": n % 3 }))
        .collect();
    let images: Vec<Value> = (0..images)
        .map(|n| json!({ "url": format!("https://cdn.example.test/{n}.jpg"), "altText": "x" }))
        .collect();
    json!({ "title": title, "tags": ["a", "b"], "options": ["Size"], "variants": variants, "images": images })
}

async fn an_uncached_product_page_costs_at_most_5_statements_for_1_and_100_variants(
    backend: Backend,
) {
    let app = spawn_app_with(backend, |settings| {
        settings.hold_sweep_seconds = 3600.0;
        settings.completer_tick_seconds = 3600.0;
        settings.relay_tick_seconds = 3600.0;
        settings.purge_tick_seconds = 3600.0;
    })
    .await;
    app.create_product(product_of("One Tee", 1, 1)).await;
    app.create_product(product_of("Hundred Tee", 100, 40)).await;
    app.storefront("{ shop { name } }", json!({})).await;

    let counts = product_page_counts(&app, ["one-tee", "hundred-tee"]).await;

    println!("statements per product page on {backend:?} (product, statements): {counts:?}");
    assert!(
        counts.iter().all(|(_, n)| *n <= PRODUCT_PAGE_BUDGET),
        "a product page costs at most {PRODUCT_PAGE_BUDGET} statements: {counts:?}"
    );
    let (_, expected) = counts[0];
    assert!(counts.iter().all(|(_, n)| *n == expected), "{counts:?}");
}

crate::on_both_backends!(
    multi_thread: an_uncached_product_page_costs_at_most_5_statements_for_1_and_100_variants
);

const ORDERS: &str = include_str!("../../schema/operations/admin/orders.graphql");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_orders_page_costs_the_same_statements_for_2_and_12_orders_every_time() {
    let app = quiet_app().await;
    for _ in 0..12 {
        crate::orders::placed_order(&app, 5, 2).await;
    }
    app.admin(ORDERS, "Orders", json!({ "first": 1 })).await;

    let mut counts = Vec::new();
    for _ in 0..REPEATS {
        for first in [2, 12] {
            let before = app.statements().await;
            let page = app.admin(ORDERS, "Orders", json!({ "first": first })).await;
            assert_eq!(page["orders"]["nodes"].as_array().unwrap().len(), first);
            counts.push((first, app.statements().await - before));
        }
    }

    println!("statements per orders page (orders, statements): {counts:?}");
    let (_, expected) = counts[0];
    assert!(
        counts.iter().all(|(_, count)| *count == expected),
        "every orders page costs the same: {counts:?}"
    );
}
