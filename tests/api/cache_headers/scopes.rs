//! Which responses may be cached: decided by the fields they resolved.

use serde_json::{Value, json};
use vitrine::graphql::edge::field_scope;

use super::{PRODUCT_PAGE, PRODUCT_STOCK, get, header, post, simple_id, sized};
use crate::helpers::{As, spawn_app};

const PRIVATE: &str = "private, no-store";

#[tokio::test]
async fn catalog_reads_are_public_with_their_tags_an_etag_and_vary() {
    let app = spawn_app().await;
    let product = sized(&app, "Linen Shirt").await;
    let handle = product["handle"].as_str().unwrap();
    let (status, headers, body) = get(
        &app,
        As::Storefront(&app.store),
        PRODUCT_PAGE,
        json!({ "handle": handle }),
        &[],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        header(&headers, "cache-control"),
        "public, max-age=1, s-maxage=3600, stale-while-revalidate=82800, stale-if-error=86400"
    );
    let etag = header(&headers, "etag");
    assert!(
        etag.starts_with('"') && etag.ends_with('"') && etag.len() > 10,
        "{etag}"
    );
    assert!(header(&headers, "vary").contains("X-Shopify-Storefront-Access-Token"));

    let keys: Vec<&str> = header(&headers, "surrogate-key").split(' ').collect();
    let mut expected = vec![
        format!("st-{}", app.store.store_id.simple()),
        format!("pr-{}", simple_id(&product["id"])),
    ];
    for variant in product["variants"]["nodes"].as_array().unwrap() {
        expected.push(format!("va-{}", simple_id(&variant["id"])));
    }
    for tag in &expected {
        assert!(keys.contains(&tag.as_str()), "{tag} missing from {keys:?}");
    }
    assert_eq!(
        keys.len(),
        expected.len(),
        "only what the page read: {keys:?}"
    );
    assert_eq!(header(&headers, "cache-tag"), keys.join(","));
    assert_eq!(header(&headers, "xkey"), keys.join(" "));
}

#[tokio::test]
async fn live_stock_makes_a_response_short_lived() {
    let app = spawn_app().await;
    let product = sized(&app, "Stock Shirt").await;
    let variables = json!({ "handle": product["handle"] });
    let (_, headers, body) = get(
        &app,
        As::Storefront(&app.store),
        PRODUCT_STOCK,
        variables,
        &[],
    )
    .await;
    assert!(body.contains("quantityAvailable"), "{body}");
    assert_eq!(
        header(&headers, "cache-control"),
        "public, max-age=1, s-maxage=1, stale-while-revalidate=9, stale-if-error=60"
    );
}

#[tokio::test]
async fn a_matching_if_none_match_is_answered_304_without_a_body() {
    let app = spawn_app().await;
    let product = sized(&app, "Etag Shirt").await;
    let variables = json!({ "handle": product["handle"] });
    let who = As::Storefront(&app.store);
    let (_, first, _) = get(&app, who, PRODUCT_PAGE, variables.clone(), &[]).await;
    let etag = header(&first, "etag").to_string();
    let (status, headers, body) = get(
        &app,
        who,
        PRODUCT_PAGE,
        variables.clone(),
        &[("if-none-match", &etag)],
    )
    .await;
    assert_eq!(status, 304);
    assert!(body.is_empty());
    assert_eq!(header(&headers, "etag"), etag);
    assert!(header(&headers, "cache-control").starts_with("public"));
    let (status, _, body) = get(
        &app,
        who,
        PRODUCT_PAGE,
        variables,
        &[("if-none-match", "\"stale\"")],
    )
    .await;
    assert_eq!(status, 200);
    assert!(body.contains("Etag Shirt"));
}

/// Schema-wide: every root query field, asked for by a storefront with placeholder arguments,
/// is private unless it is declared catalog; asked for by an admin, every one is private.
#[tokio::test]
async fn every_root_query_field_is_private_unless_it_reads_the_catalog() {
    let app = spawn_app().await;
    let introspection = app
        .admin(
            "{ __schema { queryType { fields { name args { name type { kind name ofType { kind name ofType { kind name } } } } } } } }",
            "",
            json!({}),
        )
        .await;
    let fields = introspection["__schema"]["queryType"]["fields"]
        .as_array()
        .unwrap()
        .clone();
    assert!(fields.len() > 15, "{fields:?}");
    for field in fields {
        let name = field["name"].as_str().unwrap();
        let document = format!("{{ {name}{} {{ __typename }} }}", arguments(&field["args"]));
        let (_, headers, body) = post(&app, As::Storefront(&app.store), &document, json!({})).await;
        let cache_control = header(&headers, "cache-control");
        if field_scope("QueryRoot", name).is_public() {
            if body.get("errors").is_none() {
                assert!(
                    cache_control.starts_with("public"),
                    "{document}: {cache_control}"
                );
            }
        } else {
            assert_eq!(cache_control, PRIVATE, "{document}: {body}");
            assert!(headers.get("surrogate-key").is_none());
        }
        let (_, headers, _) = post(&app, As::Admin(&app.store), &document, json!({})).await;
        assert_eq!(
            header(&headers, "cache-control"),
            PRIVATE,
            "admin {document}"
        );
    }
}

/// Placeholder values for a field's required arguments (and `first` for connections).
fn arguments(args: &Value) -> String {
    let mut given = Vec::new();
    for arg in args.as_array().unwrap() {
        let name = arg["name"].as_str().unwrap();
        let ty = &arg["type"];
        let required = ty["kind"] == "NON_NULL";
        let named = if required { &ty["ofType"] } else { ty };
        let value = match (named["name"].as_str(), name) {
            (_, "first") => "1".to_string(),
            (None, _) if named["kind"] == "LIST" => "[\"gid://shopify/Cart/none\"]".to_string(),
            (Some("ID"), _) => "\"gid://shopify/Cart/none\"".to_string(),
            (Some("String" | "URL"), _) if required => "\"none\"".to_string(),
            (Some("Int"), _) if required => "1".to_string(),
            _ if required => panic!("no placeholder for {name}: {ty}"),
            _ => continue,
        };
        given.push(format!("{name}: {value}"));
    }
    if given.is_empty() {
        String::new()
    } else {
        format!("({})", given.join(", "))
    }
}

#[tokio::test]
async fn carts_customers_mutations_and_errors_are_never_cacheable() {
    let app = spawn_app().await;
    let who = As::Storefront(&app.store);
    let (_, headers, body) = post(
        &app,
        who,
        "mutation { cartCreate(input: {}) { cart { id } } }",
        json!({}),
    )
    .await;
    assert_eq!(header(&headers, "cache-control"), PRIVATE);
    let cart_id = body["data"]["cartCreate"]["cart"]["id"].clone();
    for (document, variables) in [
        (
            "query($id: ID!) { cart(id: $id) { id totalQuantity } }",
            json!({ "id": cart_id }),
        ),
        (
            "{ customer(customerAccessToken: \"nobody\") { id email } }",
            json!({}),
        ),
        (
            "{ shop { name } product(handle: \"x\") { nope } }",
            json!({}),
        ),
        ("{ shop { name", json!({})),
    ] {
        let (_, headers, _) = get(&app, who, document, variables.clone(), &[]).await;
        assert_eq!(header(&headers, "cache-control"), PRIVATE, "GET {document}");
        let (_, headers, _) = post(&app, who, document, variables).await;
        assert_eq!(
            header(&headers, "cache-control"),
            PRIVATE,
            "POST {document}"
        );
    }
    let (_, headers, _) = get(
        &app,
        As::Admin(&app.store),
        "{ shop { name } }",
        json!({}),
        &[],
    )
    .await;
    assert_eq!(
        header(&headers, "cache-control"),
        PRIVATE,
        "an admin's catalog read"
    );
}
