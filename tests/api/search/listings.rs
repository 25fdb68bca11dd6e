//! Listings the index answers: typos forgiven, Shopify's filter groups, stores kept apart, and
//! the database answering when there is no backend.

use serde_json::{Value, json};

use super::freshness::within_a_second;
use crate::helpers::{
    As, Backend, PRODUCT_CREATE, TestApp, collection_of, create_store, sized_product, spawn_app_on,
    spawn_app_with,
};
use crate::on_both_backends;
use vitrine::stores::CreatedStore;

pub const PRODUCTS: &str = include_str!("../../../schema/operations/storefront/products.graphql");
const COLLECTION: &str =
    include_str!("../../../schema/operations/storefront/collection_products.graphql");
const PRODUCT_UPDATE: &str =
    include_str!("../../../schema/operations/admin/product_update.graphql");
const STORE_SETTINGS: &str =
    include_str!("../../../schema/operations/admin/store_settings.graphql");

pub async fn titles(app: &TestApp, variables: Value) -> Vec<String> {
    let data = app.storefront(PRODUCTS, variables).await;
    data["products"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|node| node["title"].as_str().unwrap().to_string())
        .collect()
}

async fn catalog(app: &TestApp) -> Vec<Value> {
    let mut created = Vec::new();
    for (title, sku) in [
        ("Linen Shirt", "LS"),
        ("Linen Trousers", "LT"),
        ("Wool Sweater", "WS"),
    ] {
        created.push(app.create_product(sized_product(title, sku)).await);
    }
    app.search_caught_up().await;
    created
}

async fn the_index_forgives_typos_and_completes_prefixes(backend: Backend) {
    let app = spawn_app_on(backend).await;
    catalog(&app).await;
    let found = titles(&app, json!({ "first": 10, "query": "linnen" })).await;
    assert_eq!(found.len(), 2, "{found:?}");
    let found = titles(&app, json!({ "first": 10, "query": "wool swea*" })).await;
    assert_eq!(found, vec!["Wool Sweater"]);
    let found = titles(
        &app,
        json!({ "first": 10, "query": "linen -trousers", "sortKey": "TITLE" }),
    )
    .await;
    assert_eq!(found, vec!["Linen Shirt"]);
}

async fn pages_of_a_search_follow_each_other(backend: Backend) {
    let app = spawn_app_on(backend).await;
    catalog(&app).await;
    let page = |after: Option<String>| {
        let app = &app;
        async move {
            let data = app
                .storefront(
                    PRODUCTS,
                    json!({ "first": 1, "after": after, "query": "linen", "sortKey": "TITLE" }),
                )
                .await;
            (
                data["products"]["nodes"][0]["title"]
                    .as_str()
                    .map(str::to_string),
                data["products"]["pageInfo"]["endCursor"]
                    .as_str()
                    .map(str::to_string),
                data["products"]["pageInfo"]["hasNextPage"]
                    .as_bool()
                    .unwrap(),
            )
        }
    };
    let (one, cursor, more) = page(None).await;
    assert_eq!(one.as_deref(), Some("Linen Shirt"));
    assert!(more);
    let (two, _, more) = page(cursor).await;
    assert_eq!(two.as_deref(), Some("Linen Trousers"));
    assert!(!more);
}

/// Filters of different options narrow each other, as on Shopify: size M and color red is the
/// red shirt in M, not everything red or in M.
async fn a_filtered_collection_comes_from_the_index(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let mut products = Vec::new();
    for (title, color) in [("Red Tee", "Red"), ("Blue Tee", "Blue")] {
        let mut input = sized_product(title, color);
        input["options"] = json!(["Size", "Color"]);
        for variant in input["variants"].as_array_mut().unwrap() {
            variant["options"]
                .as_array_mut()
                .unwrap()
                .push(json!(color));
            variant["inventoryQuantity"] = json!(3);
        }
        products.push(app.create_product(input).await);
    }
    let handle = collection_of(&app, "Tees", &products).await;
    app.search_caught_up().await;
    let filtered = app
        .storefront(
            COLLECTION,
            json!({
                "handle": handle,
                "first": 10,
                "sortKey": "RELEVANCE",
                "filters": [
                    { "variantOption": { "name": "Size", "value": "M" } },
                    { "variantOption": { "name": "Color", "value": "Red" } }
                ]
            }),
        )
        .await;
    let products = &filtered["collection"]["products"];
    let titles: Vec<&str> = products["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| edge["node"]["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, vec!["Red Tee"]);
    let facets = products["filters"].as_array().unwrap();
    let color = facets
        .iter()
        .find(|facet| facet["id"] == "filter.v.option.color")
        .expect("a color facet");
    let counts: Vec<(&str, i64)> = color["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|value| {
            (
                value["label"].as_str().unwrap(),
                value["count"].as_i64().unwrap(),
            )
        })
        .collect();
    // Colors counted under the size filter but not the color filter.
    assert_eq!(counts, vec![("Blue", 1), ("Red", 1)]);
}

/// Another store, with one product of this title; returns the store and the product's id.
async fn another_store_with(app: &TestApp, title: &str) -> (CreatedStore, Value) {
    let other = create_store(&app.database, "Other Store").await;
    let (_, theirs) = app
        .request(
            As::Admin(&other),
            PRODUCT_CREATE,
            Some("ProductCreate"),
            json!({ "input": sized_product(title, "OT") }),
        )
        .await;
    let their_id = theirs["data"]["productCreate"]["product"]["id"].clone();
    assert!(their_id.is_string(), "{theirs}");
    (other, their_id)
}

/// Two stores with the same catalog: a search in one never lists the other's products.
async fn a_search_never_lists_another_stores_products(backend: Backend) {
    let app = spawn_app_on(backend).await;
    catalog(&app).await;
    let (_, their_id) = another_store_with(&app, "Linen Scarf").await;
    app.search_caught_up().await;
    for query in [
        "linen",
        "linen scarf",
        "scarf",
        "lin*",
        "available_for_sale:true",
    ] {
        let data = app
            .storefront(PRODUCTS, json!({ "first": 50, "query": query }))
            .await;
        for node in data["products"]["nodes"].as_array().unwrap() {
            assert_ne!(node["id"], their_id, "{query}");
        }
    }
}

/// With no backend to ask (Meilisearch unreachable), every listing is answered from the
/// database: searches still work, without typo tolerance.
async fn without_a_backend_the_database_answers(backend: Backend) {
    let app = spawn_app_with(backend, |settings| {
        settings.meili_url = Some("http://127.0.0.1:9".into());
    })
    .await;
    for (title, sku) in [("Linen Shirt", "LS"), ("Wool Sweater", "WS")] {
        app.create_product(sized_product(title, sku)).await;
    }
    assert_eq!(
        titles(&app, json!({ "first": 10, "query": "linen" })).await,
        vec!["Linen Shirt"]
    );
    assert!(
        titles(&app, json!({ "first": 10, "query": "linnen" }))
            .await
            .is_empty()
    );
}

/// A merchant's pin puts a product on top of every search it matches, and only those; a pin out
/// of range is refused and changes nothing; unpinning restores the order.
async fn a_merchants_pin_puts_a_product_on_top(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let created = catalog(&app).await;
    let linen = json!({ "first": 10, "query": "linen" });
    let unpinned = titles(&app, linen.clone()).await;
    assert_eq!(unpinned.len(), 2, "{unpinned:?}");
    let pin = |title: &str, pin: Value| {
        let handle = title.to_lowercase().replace(' ', "-");
        let product = created.iter().find(|p| p["handle"] == handle).unwrap();
        let variables = json!({ "id": product["id"], "input": { "searchPin": pin } });
        let app = &app;
        async move {
            let data = app.admin(PRODUCT_UPDATE, "ProductUpdate", variables).await;
            app.search_caught_up().await;
            data["productUpdate"]["userErrors"].clone()
        }
    };

    assert_eq!(pin(&unpinned[1], json!(1)).await, json!([]));
    assert_eq!(pin("Wool Sweater", json!(2)).await, json!([]));
    let pinned = titles(&app, linen.clone()).await;
    assert_eq!(
        pinned,
        [unpinned[1].clone(), unpinned[0].clone()],
        "the pinned product comes first"
    );

    let refused = pin(&unpinned[0], json!(0)).await;
    assert_eq!(refused[0]["code"], "GREATER_THAN_OR_EQUAL_TO", "{refused}");
    assert_eq!(
        titles(&app, linen.clone()).await,
        pinned,
        "a refused pin changes nothing"
    );

    assert_eq!(pin(&unpinned[1], Value::Null).await, json!([]));
    assert_eq!(
        titles(&app, linen).await,
        unpinned,
        "unpinned, the order is the text's again"
    );
}

/// A store's synonyms find its products by other names, in that store only; a group refused
/// changes nothing.
async fn a_stores_synonyms_find_its_products_by_other_names(backend: Backend) {
    let app = spawn_app_on(backend).await;
    catalog(&app).await;
    let (other, _) = another_store_with(&app, "Cotton Trousers").await;
    let synonyms = |groups: Value| {
        let app = &app;
        async move {
            let data = app
                .admin(
                    STORE_SETTINGS,
                    "StoreSettingsUpdate",
                    json!({ "input": { "searchSynonyms": groups } }),
                )
                .await;
            data["storeUpdate"]["userErrors"].clone()
        }
    };
    app.search_caught_up().await;
    assert!(
        titles(&app, json!({ "first": 10, "query": "pants" }))
            .await
            .is_empty()
    );

    let errors = synonyms(json!([
        ["Trousers", "pants", "slacks"],
        ["sweater", "jumper"]
    ]))
    .await;
    assert_eq!(errors, json!([]));
    within_a_second(&app, "pants", &["Linen Trousers"]).await;
    within_a_second(&app, "jumpr", &["Wool Sweater"]).await;
    let read = app
        .admin(STORE_SETTINGS, "StoreSearchSynonyms", json!({}))
        .await;
    assert_eq!(
        read["storeSettings"]["searchSynonyms"],
        json!([["pants", "slacks", "trousers"], ["jumper", "sweater"]])
    );

    let refused = synonyms(json!([["tee"]])).await;
    assert_eq!(refused[0]["code"], "INVALID", "{refused}");
    app.search_caught_up().await;
    assert_eq!(
        titles(&app, json!({ "first": 10, "query": "slacks" })).await,
        ["Linen Trousers"],
        "a refused group changes nothing"
    );
    let (_, theirs) = app
        .request(
            As::Storefront(&other),
            PRODUCTS,
            None,
            json!({ "first": 10, "query": "pants" }),
        )
        .await;
    assert_eq!(
        theirs["data"]["products"]["nodes"],
        json!([]),
        "another store's search knows nothing of these synonyms"
    );
}

on_both_backends!(
    a_stores_synonyms_find_its_products_by_other_names,
    a_merchants_pin_puts_a_product_on_top,
    the_index_forgives_typos_and_completes_prefixes,
    pages_of_a_search_follow_each_other,
    a_filtered_collection_comes_from_the_index,
    a_search_never_lists_another_stores_products,
    without_a_backend_the_database_answers,
);
