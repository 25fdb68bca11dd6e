//! DataLoaders keep a collection page at a fixed number of SQL statements.

use serde_json::{Value, json};

use crate::helpers::{TestApp, sized_product, spawn_app};

const COLLECTION: &str =
    include_str!("../../schema/operations/storefront/collection_products.graphql");
const COLLECTIONS: &str = include_str!("../../schema/operations/admin/collections.graphql");

async fn statements_for_page(app: &TestApp, handle: &str, first: usize) -> u64 {
    let before = app.statements().await;
    let data = app
        .storefront(COLLECTION, json!({ "handle": handle, "first": first }))
        .await;
    let after = app.statements().await;
    assert_eq!(
        data["collection"]["products"]["edges"]
            .as_array()
            .unwrap()
            .len(),
        first
    );
    after - before
}

#[tokio::test]
async fn a_collection_page_costs_the_same_statements_for_5_and_50_products() {
    let app = spawn_app().await;
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
    let handle = created["collectionCreate"]["collection"]["handle"]
        .as_str()
        .unwrap()
        .to_string();

    // The first storefront request resolves and caches the token; measure pages after it.
    app.storefront("{ shop { name } }", json!({})).await;
    let small = statements_for_page(&app, &handle, 5).await;
    let large = statements_for_page(&app, &handle, 50).await;

    println!("statements for a collection page: 5 products = {small}, 50 products = {large}");
    assert_eq!(small, large, "statements must not grow with the page size");
    assert!(
        large <= 25,
        "a page of products with variants, options, images and facets took {large} statements"
    );
}
