//! Automatic persisted queries: an unknown hash asks for the text, the text registers it, the
//! hash alone then runs it; over POST and GET, on both backends (Redis and the in-process
//! cache keep them).

use serde_json::{Value, json};

use super::{SHOP, get, persisted, persisted_hash, post};
use crate::helpers::{As, Backend, create_store, spawn_app_on};
use crate::on_both_backends;

on_both_backends!(
    an_unknown_hash_is_not_found_until_the_text_is_sent_with_it,
    a_persisted_query_runs_over_get_with_its_variables,
    a_hash_that_is_not_the_texts_is_refused_and_nothing_is_stored,
    an_unsupported_version_is_refused,
    a_persisted_query_is_kept_for_its_store_only,
);

async fn an_unknown_hash_is_not_found_until_the_text_is_sent_with_it(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let who = As::Storefront(&app.store);
    let document = "query ShopName { shop { name } }";

    let unknown = post(&app, who, json!({ "extensions": persisted(document) })).await;
    assert_eq!(
        unknown.status, 200,
        "{backend:?}: Apollo's clients expect 200"
    );
    assert_eq!(
        unknown.body,
        json!({ "errors": [{
            "message": "PersistedQueryNotFound",
            "extensions": { "code": "PERSISTED_QUERY_NOT_FOUND" },
        }] })
    );
    assert_eq!(unknown.header("cache-control"), Some("private, no-store"));

    let registered = post(
        &app,
        who,
        json!({ "query": document, "extensions": persisted(document) }),
    )
    .await;
    assert_eq!(registered.status, 200);
    assert_eq!(registered.body["data"]["shop"]["name"], "Test Store");

    let by_hash = post(&app, who, json!({ "extensions": persisted(document) })).await;
    assert_eq!(by_hash.status, 200);
    assert_eq!(by_hash.body["data"], registered.body["data"], "{backend:?}");
}

async fn a_persisted_query_runs_over_get_with_its_variables(backend: Backend) {
    let app = spawn_app_on(backend).await;
    app.create_product(json!({ "title": "Linen Shirt", "handle": "linen-shirt" }))
        .await;
    let who = As::Storefront(&app.store);
    let document = "query ProductTitle($handle: String!) { product(handle: $handle) { title } }";
    let variables = json!({ "handle": "linen-shirt" }).to_string();
    let hash_only = [
        ("operationName", "ProductTitle".to_string()),
        ("variables", variables.clone()),
        ("extensions", persisted(document).to_string()),
    ];

    let unknown = get(&app, who, &hash_only).await;
    assert_eq!(
        unknown.code(),
        Some("PERSISTED_QUERY_NOT_FOUND"),
        "{backend:?}"
    );
    assert_eq!(unknown.header("cache-control"), Some("private, no-store"));

    let mut with_text = hash_only.to_vec();
    with_text.push(("query", document.to_string()));
    let registered = get(&app, who, &with_text).await;
    assert_eq!(registered.status, 200, "{}", registered.body);
    assert_eq!(
        registered.body["data"]["product"]["title"], "Linen Shirt",
        "{backend:?}: {}",
        registered.body
    );

    let by_hash = get(&app, who, &hash_only).await;
    assert_eq!(by_hash.body["data"], registered.body["data"], "{backend:?}");
}

async fn a_hash_that_is_not_the_texts_is_refused_and_nothing_is_stored(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let who = As::Storefront(&app.store);
    let document = "{ shop { name } }";
    let wrong = super::sha256_hex("{ shop { description } }");

    let refused = post(
        &app,
        who,
        json!({ "query": document, "extensions": persisted_hash(&wrong) }),
    )
    .await;

    assert_eq!(refused.status, 400, "{backend:?}");
    assert_eq!(refused.code(), Some("PERSISTED_QUERY_HASH_MISMATCH"));
    assert_eq!(refused.header("cache-control"), Some("private, no-store"));
    for extensions in [persisted_hash(&wrong), persisted(document)] {
        let after = post(&app, who, json!({ "extensions": extensions })).await;
        assert_eq!(
            after.code(),
            Some("PERSISTED_QUERY_NOT_FOUND"),
            "{backend:?}"
        );
    }
}

async fn an_unsupported_version_is_refused(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let document = "{ shop { name } }";
    let mut extensions = persisted(document);
    extensions["persistedQuery"]["version"] = json!(2);

    let refused = post(
        &app,
        As::Storefront(&app.store),
        json!({ "query": document, "extensions": extensions }),
    )
    .await;

    assert_eq!(refused.status, 400, "{backend:?}");
    assert_eq!(
        refused.code(),
        Some("PERSISTED_QUERY_VERSION_NOT_SUPPORTED")
    );
}

async fn a_persisted_query_is_kept_for_its_store_only(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let other = create_store(&app.database, "Other Store").await;
    let document = "query Named { shop { name } }";
    let body = json!({ "query": document, "extensions": persisted(document) });
    let registered = post(&app, As::Storefront(&app.store), body).await;
    assert_eq!(registered.body["data"]["shop"]["name"], "Test Store");

    let elsewhere = post(
        &app,
        As::Storefront(&other),
        json!({ "extensions": persisted(document) }),
    )
    .await;

    assert_eq!(
        elsewhere.code(),
        Some("PERSISTED_QUERY_NOT_FOUND"),
        "{backend:?}"
    );
    assert_eq!(elsewhere.body.get("data"), None::<&Value>);
}

/// The built-in storefront documents run by hash alone on any store, trusted mode or not.
#[tokio::test]
async fn a_built_in_storefront_document_runs_by_its_hash_alone() {
    let app = spawn_app_on(Backend::Postgres).await;
    let answer = post(
        &app,
        As::Storefront(&app.store),
        json!({ "extensions": persisted(SHOP) }),
    )
    .await;
    assert_eq!(
        answer.body["data"]["shop"]["name"], "Test Store",
        "{}",
        answer.body
    );
}
