//! Caching headers and the origin response cache (issue 12, RELIABILITY T30's contract): catalog
//! reads are public with tags and a strong ETag; anything of a shopper or the merchant, any
//! mutation and any error is `private, no-store`, checked schema-wide over every root field; the
//! origin cache answers repeats, runs 1,000 concurrent misses once, never crosses stores, and
//! can be warmed ahead of shoppers.

mod freshness;
mod origin;
mod scopes;
mod warm;

use reqwest::header::HeaderMap;
use serde_json::{Value, json};

use crate::helpers::{As, TestApp, authorised, sized_product};

/// A catalog-only product page (no live stock): Next.js Commerce's product fields.
pub const PRODUCT_PAGE: &str = "query ProductPage($handle: String!) { product(handle: $handle) \
    { id title handle availableForSale variants(first: 10) { nodes { id title availableForSale \
    price { amount } } } } }";

/// The same page with live stock.
pub const PRODUCT_STOCK: &str = "query ProductStock($handle: String!) { product(handle: $handle) \
    { id variants(first: 10) { nodes { id quantityAvailable } } } }";

/// A GraphQL GET, as a CDN sees it: status, headers and body text.
pub async fn get(
    app: &TestApp,
    who: As<'_>,
    document: &str,
    variables: Value,
    extra: &[(&str, &str)],
) -> (u16, HeaderMap, String) {
    let variables = variables.to_string();
    let mut request = app
        .client()
        .get(format!("{}/api/2025-01/graphql.json", app.address))
        .query(&[("query", document), ("variables", variables.as_str())]);
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    let response = authorised(request, who).send().await.expect("GET");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.text().await.expect("body"))
}

/// A GraphQL POST: status, headers and JSON body.
pub async fn post(
    app: &TestApp,
    who: As<'_>,
    document: &str,
    variables: Value,
) -> (u16, HeaderMap, Value) {
    let response = authorised(
        app.client()
            .post(format!("{}/api/2025-01/graphql.json", app.address))
            .json(&json!({ "query": document, "variables": variables })),
        who,
    )
    .send()
    .await
    .expect("POST");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.json().await.expect("JSON body"))
}

pub fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// Creates a product with sizes S, M and L; returns `productCreate.product` (id, handle,
/// variants).
pub async fn sized(app: &TestApp, title: &str) -> Value {
    app.create_product(sized_product(title, &title.to_lowercase()))
        .await
}

/// The UUID inside a global id, in the simple (no dashes) form tags use.
pub fn simple_id(gid: &Value) -> String {
    let text = gid.as_str().expect("an id");
    let uuid = text.rsplit('/').next().expect("gid");
    uuid.replace('-', "")
}
