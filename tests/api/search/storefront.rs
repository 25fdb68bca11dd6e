//! Shopify's `search` and `predictiveSearch` over products, collections, pages and articles.

use serde_json::{Value, json};

use crate::helpers::{As, Backend, TestApp, collection_of, sized_product, spawn_app_on};
use crate::on_both_backends;

const SEARCH: &str = include_str!("../../../schema/operations/storefront/search.graphql");
const ADMIN_BLOGS: &str = include_str!("../../../schema/operations/admin/blogs.graphql");
const CONTENT: &str = include_str!("../../../schema/operations/admin/content.graphql");

async fn run(app: &TestApp, operation: &str, variables: Value) -> Value {
    let (status, body) = app
        .request(
            As::Storefront(&app.store),
            SEARCH,
            Some(operation),
            variables,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("errors").is_none(), "{body}");
    body["data"].clone()
}

/// Two linen products, a linen collection, a page and an article about linen.
async fn linen_everywhere(app: &TestApp) {
    let mut products = Vec::new();
    for (title, sku) in [
        ("Linen Shirt", "LS"),
        ("Linen Trousers", "LT"),
        ("Wool Sweater", "WS"),
    ] {
        products.push(app.create_product(sized_product(title, sku)).await);
    }
    collection_of(app, "Linen Edit", &products[..2]).await;
    app.admin(
        CONTENT,
        "PageCreate",
        json!({ "input": { "title": "Linen care", "body": "<p>Wash cold.</p>" } }),
    )
    .await;
    let blog = app
        .admin(
            ADMIN_BLOGS,
            "BlogCreate",
            json!({ "input": { "title": "Journal" } }),
        )
        .await;
    let article =
        json!({ "title": "Why linen", "contentHtml": "<p>It breathes.</p>", "authorName": "Ada" });
    app.admin(
        ADMIN_BLOGS,
        "ArticleCreate",
        json!({ "blogId": blog["blogCreate"]["blog"]["id"], "input": article }),
    )
    .await;
    app.search_caught_up().await;
}

async fn search_finds_products_then_pages_and_articles(backend: Backend) {
    let app = spawn_app_on(backend).await;
    linen_everywhere(&app).await;
    let found = run(&app, "Search", json!({ "query": "linnen", "first": 10 })).await;
    let search = &found["search"];
    let kinds: Vec<(&str, &str)> = search["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|node| {
            (
                node["__typename"].as_str().unwrap(),
                node["title"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(kinds.len(), 4, "{kinds:?}");
    assert!(
        kinds[..2].iter().all(|(kind, _)| *kind == "Product"),
        "{kinds:?}"
    );
    assert_eq!(kinds[2], ("Page", "Linen care"));
    assert_eq!(kinds[3], ("Article", "Why linen"));
    assert_eq!(search["totalCount"], 4);
    let vendor = search["productFilters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|facet| facet["id"] == "filter.p.vendor")
        .expect("a vendor facet");
    assert_eq!(vendor["values"][0]["count"], 2);

    // Pages run on from the products into the content.
    let first = run(&app, "Search", json!({ "query": "linen", "first": 3 })).await;
    assert_eq!(first["search"]["pageInfo"]["hasNextPage"], true);
    let after = first["search"]["pageInfo"]["endCursor"].clone();
    let rest = run(
        &app,
        "Search",
        json!({ "query": "linen", "first": 3, "after": after }),
    )
    .await;
    let rest: Vec<&str> = rest["search"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|node| node["__typename"].as_str().unwrap())
        .collect();
    assert_eq!(rest, vec!["Article"]);

    let only_products = run(
        &app,
        "Search",
        json!({ "query": "linen", "first": 10, "types": ["PRODUCT"], "sortKey": "PRICE" }),
    )
    .await;
    assert_eq!(only_products["search"]["totalCount"], 2);
}

async fn predictive_search_suggests_as_a_shopper_types(backend: Backend) {
    let app = spawn_app_on(backend).await;
    linen_everywhere(&app).await;
    let suggested = run(
        &app,
        "PredictiveSearch",
        json!({ "query": "lin", "limit": 5, "limitScope": "EACH" }),
    )
    .await;
    let result = &suggested["predictiveSearch"];
    let titles = |kind: &str| -> Vec<String> {
        result[kind]
            .as_array()
            .unwrap()
            .iter()
            .map(|node| node["title"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(titles("products").len(), 2);
    assert_eq!(titles("collections"), vec!["Linen Edit"]);
    assert_eq!(titles("pages"), vec!["Linen care"]);
    assert_eq!(titles("articles"), vec!["Why linen"]);
    assert_eq!(
        result["queries"][0],
        json!({ "text": "linen", "styledText": "<mark>lin</mark>en", "trackingParameters": null })
    );
    let all = run(
        &app,
        "PredictiveSearch",
        json!({ "query": "lin", "limit": 3, "limitScope": "ALL" }),
    )
    .await;
    let all = &all["predictiveSearch"];
    let total: usize = ["products", "collections", "pages", "articles", "queries"]
        .iter()
        .map(|kind| all[*kind].as_array().unwrap().len())
        .sum();
    assert_eq!(total, 3);
}

on_both_backends!(
    search_finds_products_then_pages_and_articles,
    predictive_search_suggests_as_a_shopper_types,
);
