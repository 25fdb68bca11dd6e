//! The storefront catalog as Shopify clients read it.

use serde_json::{Value, json};

use crate::helpers::{collection_of, sized_product, spawn_app};

const PRODUCT: &str = include_str!("../../schema/operations/storefront/product.graphql");
const PRODUCTS: &str = include_str!("../../schema/operations/storefront/products.graphql");
const COLLECTION: &str =
    include_str!("../../schema/operations/storefront/collection_products.graphql");
const RECOMMENDATIONS: &str =
    include_str!("../../schema/operations/storefront/recommendations.graphql");
const NODE: &str = include_str!("../../schema/operations/storefront/node.graphql");

#[tokio::test]
async fn a_product_page_shows_prices_options_and_stock() {
    let app = spawn_app().await;
    app.create_product(sized_product("Classic Tee", "CT")).await;

    let product = &app
        .storefront(PRODUCT, json!({ "handle": "classic-tee" }))
        .await["product"];

    assert!(
        product["id"]
            .as_str()
            .unwrap()
            .starts_with("gid://shopify/Product/")
    );
    assert_eq!(
        product["priceRange"]["minVariantPrice"],
        json!({ "amount": "10.00", "currencyCode": "USD" })
    );
    assert_eq!(product["priceRange"]["maxVariantPrice"]["amount"], "30.00");
    assert_eq!(
        product["compareAtPriceRange"]["maxVariantPrice"]["amount"],
        "25.00"
    );
    assert_eq!(product["options"][0]["name"], "Size");
    assert_eq!(product["options"][0]["values"], json!(["S", "M", "L"]));
    assert_eq!(product["tags"], json!(["summer", "cotton"]));
    assert_eq!(product["availableForSale"], true);
    assert_eq!(product["totalInventory"], 7);
    let variants = product["variants"]["nodes"].as_array().unwrap();
    assert_eq!(variants.len(), 3);
    assert_eq!(variants[1]["availableForSale"], false, "M has no stock");
    assert_eq!(
        variants[1]["selectedOptions"],
        json!([{ "name": "Size", "value": "M" }])
    );
    assert_eq!(product["variantBySelectedOptions"]["title"], "M");
    assert_eq!(product["featuredImage"]["width"], 800);
    assert!(
        product["updatedAt"].is_string(),
        "@defer fragments are returned eagerly"
    );
}

#[tokio::test]
async fn an_unknown_handle_gives_null_without_errors() {
    let app = spawn_app().await;
    let data = app
        .storefront(PRODUCT, json!({ "handle": "no-such-product" }))
        .await;
    assert_eq!(data["product"], Value::Null);
}

#[tokio::test]
async fn draft_products_are_hidden_from_the_storefront_but_listed_for_admins() {
    let app = spawn_app().await;
    let mut input = sized_product("Secret Tee", "SEC");
    input["status"] = json!("DRAFT");
    app.create_product(input).await;

    let storefront = app
        .storefront(PRODUCT, json!({ "handle": "secret-tee" }))
        .await;
    assert_eq!(storefront["product"], Value::Null);
    let admin = app
        .admin(
            include_str!("../../schema/operations/admin/products.graphql"),
            "AdminProducts",
            json!({ "first": 10, "status": "DRAFT" }),
        )
        .await;
    assert_eq!(admin["products"]["nodes"][0]["handle"], "secret-tee");
    assert_eq!(
        admin["products"]["nodes"][0]["variants"]["nodes"][0]["inventoryLevel"]["onHand"],
        5
    );
}

#[tokio::test]
async fn filters_narrow_a_collection_and_facets_count_every_value() {
    let app = spawn_app().await;
    let mut products = Vec::new();
    for (title, vendor, sku) in [
        ("Acme One", "Acme", "A1"),
        ("Acme Two", "Acme", "A2"),
        ("Bolt One", "Bolt", "B1"),
    ] {
        let mut input = sized_product(title, sku);
        input["vendor"] = json!(vendor);
        products.push(app.create_product(input).await);
    }
    let handle = collection_of(&app, "Mixed", &products).await;

    let all = app
        .storefront(COLLECTION, json!({ "handle": handle, "first": 10 }))
        .await;
    let facets = all["collection"]["products"]["filters"].as_array().unwrap();
    let vendor = facets
        .iter()
        .find(|f| f["id"] == "filter.p.vendor")
        .expect("vendor facet");
    let counts: Vec<(String, i64)> = vendor["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["label"].as_str().unwrap().into(),
                v["count"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(counts, vec![("Acme".into(), 2), ("Bolt".into(), 1)]);

    let bolt_input: Value =
        serde_json::from_str(vendor["values"][1]["input"].as_str().unwrap()).unwrap();
    let bolt = app
        .storefront(
            COLLECTION,
            json!({ "handle": handle, "first": 10, "filters": [bolt_input] }),
        )
        .await;
    let edges = bolt["collection"]["products"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), 1);
    assert_eq!(edges[0]["node"]["vendor"], "Bolt");

    let cheap_m = app
        .storefront(COLLECTION, json!({ "handle": handle, "first": 10, "filters": [{ "variantOption": { "name": "size", "value": "M" } }, { "price": { "min": 15.0, "max": 20.0 } }, { "productVendor": "Acme" }] }))
        .await;
    assert_eq!(
        cheap_m["collection"]["products"]["edges"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let none = app
        .storefront(
            COLLECTION,
            json!({ "handle": handle, "first": 10, "filters": [{ "price": { "min": 31.0 } }] }),
        )
        .await;
    assert_eq!(none["collection"]["products"]["edges"], json!([]));
}

#[tokio::test]
async fn the_products_query_understands_free_text_and_field_terms() {
    let app = spawn_app().await;
    for (title, vendor, sku) in [
        ("Linen Shirt", "Acme", "L1"),
        ("Wool Sweater", "Bolt", "W1"),
        ("Linen Pants", "Bolt", "L2"),
    ] {
        let mut input = sized_product(title, sku);
        input["vendor"] = json!(vendor);
        if title == "Wool Sweater" {
            for variant in input["variants"].as_array_mut().unwrap() {
                variant["inventoryQuantity"] = json!(0);
            }
        }
        app.create_product(input).await;
    }
    app.search_caught_up().await;
    let handles = |data: &Value| {
        data["products"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["handle"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };

    let cases: [(&str, Value, Vec<&str>); 5] = [
        ("linen", json!("TITLE"), vec!["linen-pants", "linen-shirt"]),
        ("title:linen vendor:Bolt", Value::Null, vec!["linen-pants"]),
        ("-title:linen tag:summer", Value::Null, vec!["wool-sweater"]),
        (
            "available_for_sale:true",
            json!("TITLE"),
            vec!["linen-pants", "linen-shirt"],
        ),
        (
            "available_for_sale:false",
            Value::Null,
            vec!["wool-sweater"],
        ),
    ];
    for (query, sort_key, expected) in cases {
        let data = app
            .storefront(
                PRODUCTS,
                json!({ "first": 10, "query": query, "sortKey": sort_key }),
            )
            .await;
        assert_eq!(handles(&data), expected, "query `{query}`");
    }
}

#[tokio::test]
async fn recommendations_share_the_product_type_and_never_include_the_product() {
    let app = spawn_app().await;
    let tee = app.create_product(sized_product("Plain Tee", "PT")).await;
    let mut mug = sized_product("Plain Mug", "PM");
    mug["productType"] = json!("Mugs");
    app.create_product(mug).await;
    app.create_product(sized_product("Striped Tee", "ST")).await;

    let data = app
        .storefront(RECOMMENDATIONS, json!({ "productId": tee["id"] }))
        .await;
    let recommended = data["productRecommendations"].as_array().unwrap();

    assert_eq!(recommended[0]["handle"], "striped-tee", "same type first");
    assert!(recommended.iter().all(|p| p["handle"] != "plain-tee"));
    assert_eq!(recommended.len(), 2, "then the rest of the catalog");
    let unknown = app
        .storefront(
            RECOMMENDATIONS,
            json!({ "productId": "gid://shopify/Product/0190a0a0-0000-7000-8000-000000000000" }),
        )
        .await;
    assert_eq!(
        unknown["productRecommendations"],
        json!([]),
        "a list, never null"
    );
}

#[tokio::test]
async fn node_and_nodes_resolve_global_ids() {
    let app = spawn_app().await;
    let created = app.create_product(sized_product("Node Tee", "N")).await;
    let variant_id = created["variants"]["nodes"][0]["id"].clone();

    let data = app
        .storefront(
            NODE,
            json!({ "id": variant_id, "ids": [created["id"], "gid://shopify/Product/not-a-uuid"] }),
        )
        .await;

    assert_eq!(data["node"]["title"], "S");
    assert_eq!(data["node"]["product"]["handle"], "node-tee");
    assert_eq!(data["nodes"][0]["id"], created["id"]);
    assert_eq!(data["nodes"][1], Value::Null);
}
