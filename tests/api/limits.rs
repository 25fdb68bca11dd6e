//! One request can ask only so much: oversized, over-aliased, over-directed, over-deep or too
//! costly documents are refused with a typed error before anything runs, while every document the
//! real Shopify clients send stays within the limits.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::helpers::{As, TestApp, quiet_app, sized_product, spawn_app};

/// Variables for every operation of the client documents (extra ones are ignored).
fn client_variables(handle: &str, product_id: &Value) -> Value {
    json!({
        "handle": handle, "productId": product_id, "id": product_id,
        "first": 8, "last": null, "startCursor": null, "endCursor": null,
        "query": "tee", "term": "tee", "limit": 10, "limitScope": "EACH", "types": ["PRODUCT"],
        "sortKey": "RELEVANCE", "reverse": false,
        "country": "US", "language": "EN", "selectedOptions": [],
        "headerMenuHandle": "main-menu", "footerMenuHandle": "footer",
        "privacyPolicy": true, "refundPolicy": false, "shippingPolicy": false, "termsOfService": false,
        "cartId": "gid://shopify/Cart/none", "lines": [], "lineIds": [], "lineItems": [],
        "note": "", "attributes": [], "buyerIdentity": {}, "discountCodes": [], "input": {},
        "numCartLines": 250
    })
}

fn client_documents() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/operations/clients");
    let mut documents = Vec::new();
    for client in std::fs::read_dir(&root).expect("client documents") {
        let client = client.unwrap().path();
        for file in std::fs::read_dir(&client).unwrap() {
            let path = file.unwrap().path();
            let name = path.strip_prefix(&root).unwrap().display().to_string();
            documents.push((name, std::fs::read_to_string(&path).unwrap()));
        }
    }
    documents.sort();
    assert!(
        documents.len() >= 40,
        "the clients' documents are all there"
    );
    documents
}

/// Whether an error is one of the limits' refusals.
fn is_limit_error(error: &Value) -> bool {
    let message = error["message"].as_str().unwrap_or_default();
    error["extensions"]["code"] == "MAX_COST_EXCEEDED"
        || message.starts_with("the document holds more than")
        || message.starts_with("The number of directives")
        || message.starts_with("The recursion depth")
}

#[tokio::test]
async fn every_document_of_the_real_clients_stays_within_the_limits() {
    let app = spawn_app().await;
    let product = app.create_product(sized_product("Client Tee", "CL")).await;
    let variables = client_variables("client-tee", &product["id"]);
    let mut costs = Vec::new();
    for (name, document) in client_documents() {
        let (status, body) = app
            .request(
                As::Storefront(&app.store),
                &document,
                None,
                variables.clone(),
            )
            .await;
        assert_eq!(status, 200, "{name}: {body}");
        let errors = body["errors"].as_array().cloned().unwrap_or_default();
        assert!(
            !errors.iter().any(is_limit_error),
            "{name} was refused by a limit: {body}"
        );
        let runs_today = name.starts_with("nextjs-commerce/get_") || name.contains("cart");
        if runs_today {
            assert!(errors.is_empty(), "{name} runs unchanged: {body}");
        }
        if let Some(cost) = body["extensions"]["cost"]["requestedQueryCost"].as_u64() {
            costs.push((cost, name));
        }
    }
    costs.sort();
    println!("requested cost of the client documents that run today: {costs:?}");
    let (highest, _) = costs.last().expect("some documents ran");
    assert!(
        *highest > 100_000,
        "Next.js Commerce's product list is costly and allowed"
    );
}

/// Sends a raw body and returns status, body and how long the refusal took.
async fn timed(app: &TestApp, body: Value) -> (u16, Value, Duration) {
    let started = Instant::now();
    let (status, response) = app.send(As::Storefront(&app.store), body).await;
    (status, response, started.elapsed())
}

fn first_code(body: &Value) -> &Value {
    &body["errors"][0]["extensions"]["code"]
}

#[tokio::test]
async fn a_costly_query_is_refused_before_it_runs() {
    let app = quiet_app().await;
    app.create_product(sized_product("Cheap Tee", "CH")).await;
    app.storefront("{ shop { name } }", json!({})).await;
    let page = "products(first: 250) { nodes { id title variants(first: 100) { nodes { id title price { amount } } } } }";
    let aliases: String = (0..40).map(|n| format!(" a{n}: {page}")).collect();
    let before = app.statements().await;

    let (status, body, took) = timed(&app, json!({ "query": format!("{{{aliases} }}") })).await;

    assert_eq!(status, 200);
    assert_eq!(first_code(&body), "MAX_COST_EXCEEDED", "{body}");
    assert!(body.get("data").is_none_or(Value::is_null), "{body}");
    assert_eq!(app.statements().await, before, "nothing ran");
    println!(
        "a query costing over {} refused in {took:?}",
        vitrine::graphql::limits::MAX_COST
    );
}

#[tokio::test]
async fn two_hundred_aliases_of_a_deep_page_and_ten_thousand_aliases_are_refused() {
    let app = spawn_app().await;
    let page = "products(first: 250) { nodes { variants(first: 100) { nodes { id } } } }";
    let deep: String = (0..200).map(|n| format!(" a{n}: {page}")).collect();
    let shallow: String = (0..10_000)
        .map(|n| format!(" a{n}: shop {{ name }}"))
        .collect();
    // The second is refused before it is parsed: 60,000 tokens are no client's document.
    let cases = [
        ("200 deep aliases", deep, "aliases"),
        ("10,000 aliases", shallow, "tokens"),
    ];
    for (what, query, limit) in cases {
        let (status, body, took) = timed(&app, json!({ "query": format!("{{{query} }}") })).await;
        assert_eq!(status, 200);
        assert_eq!(first_code(&body), "BAD_USER_INPUT", "{what}: {body}");
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains(limit),
            "{body}"
        );
        println!("{what} refused in {took:?}");
    }
}

#[tokio::test]
async fn too_many_directives_are_refused() {
    let app = spawn_app().await;
    let on_one_field: String = (0..11)
        .map(|n| format!(" @include(if: true) @skip(if: false) @d{n}"))
        .collect();
    let spread: String = (0..60)
        .map(|_| " shop @include(if: true) { name }".to_string())
        .collect();
    for (what, query) in [
        (
            "22 directives on one field",
            format!("{{ shop{on_one_field} {{ name }} }}"),
        ),
        ("60 directives in one document", format!("{{{spread} }}")),
    ] {
        let (status, body, took) = timed(&app, json!({ "query": query })).await;
        assert_eq!(status, 200);
        assert_eq!(first_code(&body), "BAD_USER_INPUT", "{what}: {body}");
        println!("{what} refused in {took:?}");
    }
}

#[tokio::test]
async fn a_document_nested_too_deep_or_fanning_out_through_fragments_is_refused() {
    let app = spawn_app().await;
    let deep = format!(
        "{{ {}id{} }}",
        "products(first: 1) { nodes { variants(first: 1) { nodes { product { ".repeat(4),
        " } } } } }".repeat(4)
    );
    let (_, body, took) = timed(&app, json!({ "query": deep })).await;
    assert_eq!(first_code(&body), "MAX_COST_EXCEEDED", "depth: {body}");
    println!("a document 20 levels deep refused in {took:?}");

    let mut fan_out = String::from("{ ...F0 }");
    for n in 0..40 {
        fan_out.push_str(&format!(
            " fragment F{n} on QueryRoot {{ ...F{next} ...F{next} }}",
            next = n + 1
        ));
    }
    fan_out.push_str(" fragment F40 on QueryRoot { shop { name } }");
    let (_, body, took) = timed(&app, json!({ "query": fan_out })).await;
    assert_eq!(first_code(&body), "BAD_USER_INPUT", "fan-out: {body}");
    println!("2^40 fields through fragments refused in {took:?}");
}

#[tokio::test]
async fn a_body_over_256_kb_is_refused_with_413() {
    let app = spawn_app().await;
    let padding = "#".repeat(5 * 1024 * 1024);
    let (status, body, took) = timed(
        &app,
        json!({ "query": format!("{padding}\n{{ shop {{ name }} }}") }),
    )
    .await;
    assert_eq!(status, 413);
    assert_eq!(first_code(&body), "BAD_USER_INPUT", "{body}");
    println!("a 5 MB body refused in {took:?}");
}

#[tokio::test]
async fn a_cursor_that_overflows_is_bad_user_input() {
    let app = spawn_app().await;
    use base64::Engine;
    let cursor =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("v1:{}", u64::MAX));
    let (status, body) = app
        .request(
            As::Storefront(&app.store),
            "query($after: String) { collections(first: 1, after: $after) { nodes { id } } }",
            None,
            json!({ "after": cursor }),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(first_code(&body), "BAD_USER_INPUT", "{body}");
}

#[tokio::test]
async fn a_search_of_a_thousand_words_is_refused_on_both_backends() {
    for backend in crate::helpers::BACKENDS {
        let app = crate::helpers::spawn_app_on(backend).await;
        let words: Vec<String> = (0..1_000).map(|n| format!("w{n}")).collect();
        let (status, body) = app
            .request(
                As::Storefront(&app.store),
                "query($q: String) { products(first: 5, query: $q) { nodes { id } } }",
                None,
                json!({ "q": words.join(" ") }),
            )
            .await;
        assert_eq!(status, 200);
        assert_eq!(first_code(&body), "BAD_USER_INPUT", "{backend:?}: {body}");
    }
}

#[tokio::test]
async fn a_request_computes_at_most_two_facet_lists() {
    let app = spawn_app().await;
    app.create_product(sized_product("Faceted Tee", "FT")).await;
    let facets = |n: usize| {
        let lists: String = (0..n)
            .map(|i| format!(" f{i}: products(first: 1) {{ filters {{ id }} }}"))
            .collect();
        format!("{{{lists} }}")
    };
    let two = app.storefront(&facets(2), json!({})).await;
    assert!(
        two["f1"]["filters"]
            .as_array()
            .is_some_and(|f| !f.is_empty())
    );
    let (_, three) = app
        .request(As::Storefront(&app.store), &facets(3), None, json!({}))
        .await;
    assert_eq!(first_code(&three), "MAX_COST_EXCEEDED", "{three}");
}
