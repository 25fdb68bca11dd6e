//! The content a Hydrogen storefront shows besides the catalog, managed by admin mutations: blogs
//! and articles, the store's policies and brand, menu items linking to resources; and the
//! product fields Hydrogen's product page reads.

use serde_json::{Value, json};

use crate::helpers::{As, Backend, TestApp, sized_product, spawn_app_on};
use crate::on_both_backends;

const ADMIN_BLOGS: &str = include_str!("../../../schema/operations/admin/blogs.graphql");
const BLOGS: &str = include_str!("../../../schema/operations/storefront/blogs.graphql");
const CONTENT: &str = include_str!("../../../schema/operations/admin/content.graphql");

async fn blogs_and_articles_are_written_by_admins_and_read_by_shoppers(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let created = app
        .admin(
            ADMIN_BLOGS,
            "BlogCreate",
            json!({ "input": { "title": "News" } }),
        )
        .await;
    let blog = &created["blogCreate"]["blog"];
    assert_eq!(blog["handle"], "news");
    for (title, days) in [("Older post", 10), ("Newer post", 1)] {
        let published = (chrono::Utc::now() - chrono::Duration::days(days)).to_rfc3339();
        let input = json!({
            "title": title,
            "contentHtml": "<p>Linen, <b>washed</b> cold.</p>",
            "excerptHtml": "<p>How we wash.</p>",
            "authorName": "Ada Lovelace",
            "tags": ["care"],
            "publishedAt": published,
        });
        let article = app
            .admin(
                ADMIN_BLOGS,
                "ArticleCreate",
                json!({ "blogId": blog["id"], "input": input }),
            )
            .await;
        assert_eq!(article["articleCreate"]["userErrors"], json!([]));
    }
    // An article without an author is refused and writes nothing.
    let refused = app
        .admin(
            ADMIN_BLOGS,
            "ArticleCreate",
            json!({ "blogId": blog["id"], "input": { "title": "Anonymous" } }),
        )
        .await;
    assert_eq!(refused["articleCreate"]["userErrors"][0]["code"], "BLANK");

    let read = storefront(&app, "Blog", json!({ "handle": "news", "first": 10 })).await;
    let articles = read["blog"]["articles"]["nodes"].as_array().unwrap();
    let titles: Vec<&str> = articles
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, vec!["Newer post", "Older post"]);
    assert_eq!(articles[0]["excerpt"], "How we wash.");
    assert_eq!(articles[0]["authorV2"]["name"], "Ada Lovelace");
    assert_eq!(articles[0]["blog"]["handle"], "news");
    assert_eq!(read["blog"]["authors"], json!([{ "name": "Ada Lovelace" }]));

    let one = storefront(
        &app,
        "Article",
        json!({ "blog": "news", "handle": "newer-post" }),
    )
    .await;
    let article = &one["blog"]["articleByHandle"];
    assert_eq!(article["title"], "Newer post");
    assert_eq!(article["content"], "Linen, washed cold.");
    assert_eq!(article["author"]["name"], "Ada Lovelace");
}

/// One operation of the storefront's blog documents; fails the test on any error.
async fn storefront(app: &TestApp, operation: &str, variables: Value) -> Value {
    let (status, body) = app
        .request(
            As::Storefront(&app.store),
            BLOGS,
            Some(operation),
            variables,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("errors").is_none(), "{body}");
    body["data"].clone()
}

async fn policies_and_the_brand_show_on_shop(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let updated = app
        .admin(
            ADMIN_BLOGS,
            "ShopPolicyUpdate",
            json!({ "kind": "REFUND_POLICY", "body": "<p>30 days.</p>" }),
        )
        .await;
    let policy = &updated["shopPolicyUpdate"]["shopPolicy"];
    assert_eq!(policy["handle"], "refund-policy");
    assert_eq!(policy["title"], "Refund policy");
    let brand = json!({ "input": { "brand": {
        "slogan": "Made to last",
        "logoUrl": "https://cdn.example.test/logo.png",
        "primaryColors": [{ "background": "#112233", "foreground": "#ffffff" }]
    } } });
    let stored = app.admin(CONTENT, "StoreUpdate", brand).await;
    assert_eq!(stored["storeUpdate"]["userErrors"], json!([]));
    let bad = json!({ "input": { "brand": { "primaryColors": [{ "background": "blue" }] } } });
    let refused = app.admin(CONTENT, "StoreUpdate", bad).await;
    assert_eq!(refused["storeUpdate"]["userErrors"][0]["code"], "INVALID");

    let shop = storefront(&app, "Policies", json!({})).await;
    let shop = &shop["shop"];
    assert_eq!(shop["refundPolicy"]["title"], "Refund policy");
    assert_eq!(shop["privacyPolicy"], Value::Null);
    assert_eq!(shop["subscriptionPolicy"]["handle"], "subscription-policy");
    assert_eq!(shop["subscriptionPolicy"]["id"], Value::Null);
    assert_eq!(shop["brand"]["slogan"], "Made to last");
    assert_eq!(
        shop["brand"]["logo"]["image"]["url"],
        "https://cdn.example.test/logo.png"
    );
    assert_eq!(
        shop["brand"]["colors"]["primary"][0]["background"],
        "#112233"
    );
}

const HYDROGEN_PRODUCT: &str = r#"
query ProductPage($handle: String!, $selected: [SelectedOptionInput!]!) {
  product(handle: $handle) {
    encodedVariantExistence
    encodedVariantAvailability
    options { name optionValues { name firstSelectableVariant { sku } swatch { color } } }
    adjacentVariants(selectedOptions: $selected) { sku }
  }
}"#;

async fn hydrogens_product_fields_encode_the_variants(backend: Backend) {
    let app = spawn_app_on(backend).await;
    // S (5 in stock), M (none), L (2).
    app.create_product(sized_product("Encoded Tee", "ET")).await;
    let data = app
        .storefront(
            HYDROGEN_PRODUCT,
            json!({ "handle": "encoded-tee", "selected": [{ "name": "Size", "value": "S" }] }),
        )
        .await;
    let product = &data["product"];
    assert_eq!(product["encodedVariantExistence"], "v1_0-2");
    assert_eq!(product["encodedVariantAvailability"], "v1_0 2");
    let values = product["options"][0]["optionValues"].as_array().unwrap();
    assert_eq!(values[1]["firstSelectableVariant"]["sku"], "ET-M");
    assert_eq!(values[1]["swatch"], Value::Null);
    let adjacent: Vec<&str> = product["adjacentVariants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|variant| variant["sku"].as_str().unwrap())
        .collect();
    assert_eq!(adjacent, vec!["ET-M", "ET-L"]);
}

async fn menu_items_name_the_resource_they_link_to(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let product = app.create_product(sized_product("Linked Tee", "LT")).await;
    let items = json!([{
        "title": "The tee",
        "url": "/products/linked-tee",
        "resourceId": product["id"],
        "tags": ["featured"]
    }]);
    app.admin(
        CONTENT,
        "MenuUpsert",
        json!({ "handle": "main", "title": "Main", "items": items }),
    )
    .await;
    let data = app
        .storefront(
            "query { menu(handle: \"main\") { items { type resourceId tags } } }",
            json!({}),
        )
        .await;
    let item = &data["menu"]["items"][0];
    assert_eq!(item["type"], "PRODUCT");
    assert_eq!(item["resourceId"], product["id"]);
    assert_eq!(item["tags"], json!(["featured"]));
    let bad = json!([{ "title": "Broken", "url": "/", "resourceId": "not-an-id" }]);
    let refused = app
        .admin(
            CONTENT,
            "MenuUpsert",
            json!({ "handle": "other", "title": "Other", "items": bad }),
        )
        .await;
    assert_eq!(refused["menuUpsert"]["userErrors"][0]["code"], "INVALID");
}

on_both_backends!(
    blogs_and_articles_are_written_by_admins_and_read_by_shoppers,
    policies_and_the_brand_show_on_shop,
    hydrogens_product_fields_encode_the_variants,
    menu_items_name_the_resource_they_link_to,
);
