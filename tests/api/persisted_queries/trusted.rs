//! Trusted-documents mode: with it on, storefront tokens run only the built-in storefront
//! documents and the store's registered ones (by text or by hash alone); anything else is
//! refused with `PERSISTED_QUERY_NOT_IN_LIST` and stores nothing. Admin tokens are exempt.

use serde_json::{Value, json};

use super::{DOCUMENTS, SHOP, persisted, post, register, sha256_hex, trusted_documents_only};
use crate::helpers::{As, Backend, TestApp, create_store, run_cli, spawn_app, spawn_app_on};
use crate::on_both_backends;

on_both_backends!(
    in_trusted_mode_a_built_in_document_runs_by_its_hash_and_by_its_text,
    in_trusted_mode_an_ad_hoc_query_is_refused_and_nothing_is_persisted,
    a_document_the_admin_registers_runs_until_it_is_deleted,
);

const AD_HOC: &str = "query Mine { shop { name description } }";

async fn trusted_app(backend: Backend) -> TestApp {
    let app = spawn_app_on(backend).await;
    trusted_documents_only(&app, true).await;
    app
}

fn shop_name(answer: &super::Answer) -> &Value {
    &answer.body["data"]["shop"]["name"]
}

async fn in_trusted_mode_a_built_in_document_runs_by_its_hash_and_by_its_text(backend: Backend) {
    let app = trusted_app(backend).await;
    let who = As::Storefront(&app.store);

    let by_hash = post(&app, who, json!({ "extensions": persisted(SHOP) })).await;
    let by_text = post(&app, who, json!({ "query": SHOP })).await;
    let both = post(
        &app,
        who,
        json!({ "query": SHOP, "extensions": persisted(SHOP) }),
    )
    .await;

    for answer in [by_hash, by_text, both] {
        assert_eq!(answer.status, 200, "{backend:?}: {}", answer.body);
        assert_eq!(shop_name(&answer), "Test Store");
    }
}

async fn in_trusted_mode_an_ad_hoc_query_is_refused_and_nothing_is_persisted(backend: Backend) {
    let app = trusted_app(backend).await;
    let who = As::Storefront(&app.store);

    let as_text = post(&app, who, json!({ "query": AD_HOC })).await;
    let as_apq = post(
        &app,
        who,
        json!({ "query": AD_HOC, "extensions": persisted(AD_HOC) }),
    )
    .await;
    let by_hash = post(&app, who, json!({ "extensions": persisted(AD_HOC) })).await;

    for answer in [&as_text, &as_apq, &by_hash] {
        assert_eq!(answer.status, 400, "{backend:?}: {}", answer.body);
        assert_eq!(answer.code(), Some("PERSISTED_QUERY_NOT_IN_LIST"));
        assert_eq!(answer.header("cache-control"), Some("private, no-store"));
        assert_eq!(answer.body.get("data"), None);
    }
    trusted_documents_only(&app, false).await;
    let after = post(&app, who, json!({ "extensions": persisted(AD_HOC) })).await;
    assert_eq!(
        after.code(),
        Some("PERSISTED_QUERY_NOT_FOUND"),
        "{backend:?}: the refused text was not kept as a persisted query"
    );
}

async fn a_document_the_admin_registers_runs_until_it_is_deleted(backend: Backend) {
    let app = trusted_app(backend).await;
    let who = As::Storefront(&app.store);
    let refused = post(&app, who, json!({ "query": AD_HOC })).await;
    assert_eq!(refused.code(), Some("PERSISTED_QUERY_NOT_IN_LIST"));

    let payload = register(&app, &app.store, AD_HOC).await;

    assert_eq!(payload["userErrors"], json!([]), "{backend:?}");
    let hash = sha256_hex(AD_HOC);
    assert_eq!(payload["trustedDocument"]["hash"], hash.as_str());
    assert_eq!(
        payload["trustedDocument"]["operationNames"],
        json!(["Mine"])
    );
    let by_text = post(&app, who, json!({ "query": AD_HOC })).await;
    let by_hash = post(&app, who, json!({ "extensions": persisted(AD_HOC) })).await;
    for answer in [by_text, by_hash] {
        assert_eq!(
            shop_name(&answer),
            "Test Store",
            "{backend:?}: {}",
            answer.body
        );
    }

    let deleted = app
        .admin(DOCUMENTS, "TrustedDocumentDelete", json!({ "hash": hash }))
        .await;
    assert_eq!(
        deleted["trustedDocumentDelete"]["deletedHash"],
        hash.as_str()
    );
    let after = post(&app, who, json!({ "query": AD_HOC })).await;
    assert_eq!(
        after.code(),
        Some("PERSISTED_QUERY_NOT_IN_LIST"),
        "{backend:?}"
    );
}

#[tokio::test]
async fn registering_a_document_twice_keeps_one_registration() {
    let app = spawn_app().await;

    let first = register(&app, &app.store, AD_HOC).await;
    let second = register(&app, &app.store, AD_HOC).await;

    assert_eq!(second["userErrors"], json!([]));
    assert_eq!(second["trustedDocument"], first["trustedDocument"]);
    let listed = app
        .admin(DOCUMENTS, "TrustedDocuments", json!({ "first": 10 }))
        .await;
    let edges = listed["trustedDocuments"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), 1);
    assert_eq!(edges[0]["node"], first["trustedDocument"]);
}

#[tokio::test]
async fn a_document_that_does_not_validate_is_not_registered() {
    let app = spawn_app().await;

    let unparsable = register(&app, &app.store, "query {").await;
    let invalid = register(&app, &app.store, "{ shop { noSuchField } }").await;

    for payload in [unparsable, invalid] {
        assert_eq!(payload["trustedDocument"], Value::Null);
        assert_eq!(payload["userErrors"][0]["field"], json!(["document"]));
        assert_eq!(payload["userErrors"][0]["code"], "INVALID");
    }
    let listed = app
        .admin(DOCUMENTS, "TrustedDocuments", json!({ "first": 10 }))
        .await;
    assert_eq!(listed["trustedDocuments"]["edges"], json!([]));
}

#[tokio::test]
async fn admin_requests_are_exempt_from_trusted_mode() {
    let app = trusted_app(Backend::Postgres).await;

    let answer = post(&app, As::Admin(&app.store), json!({ "query": AD_HOC })).await;

    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(shop_name(&answer), "Test Store");
}

#[tokio::test]
async fn another_stores_registered_document_does_not_run_here() {
    let app = trusted_app(Backend::Postgres).await;
    let other = create_store(&app.database, "Other Store").await;
    let payload = register(&app, &other, AD_HOC).await;
    assert_eq!(payload["userErrors"], json!([]));

    let by_text = post(&app, As::Storefront(&app.store), json!({ "query": AD_HOC })).await;
    let by_hash = post(
        &app,
        As::Storefront(&app.store),
        json!({ "extensions": persisted(AD_HOC) }),
    )
    .await;

    for answer in [by_text, by_hash] {
        assert_eq!(
            answer.code(),
            Some("PERSISTED_QUERY_NOT_IN_LIST"),
            "{}",
            answer.body
        );
    }
}

#[tokio::test]
async fn with_trusted_mode_off_any_document_runs() {
    let app = spawn_app().await;

    let answer = post(&app, As::Storefront(&app.store), json!({ "query": AD_HOC })).await;

    assert_eq!(answer.status, 200);
    assert_eq!(shop_name(&answer), "Test Store");
}

/// `vitrine documents register --domain … FILE` stores the file for the store and forgets the
/// shared cache's "not registered" answer, so the document runs at once.
#[tokio::test]
async fn the_cli_registers_a_file_for_a_store_and_it_runs_at_once() {
    let app = trusted_app(Backend::Postgres).await;
    let who = As::Storefront(&app.store);
    let refused = post(&app, who, json!({ "query": AD_HOC })).await;
    assert_eq!(refused.code(), Some("PERSISTED_QUERY_NOT_IN_LIST"));
    let dir = std::env::temp_dir().join(format!("vitrine-documents-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("mine.graphql");
    std::fs::write(&file, AD_HOC).unwrap();
    run_cli(
        &app,
        &[
            "documents",
            "register",
            "--domain",
            &app.store.domain,
            &file.display().to_string(),
        ],
    )
    .await
    .expect("documents register");

    let answer = post(&app, who, json!({ "query": AD_HOC })).await;
    assert_eq!(shop_name(&answer), "Test Store", "{}", answer.body);
    std::fs::remove_dir_all(&dir).ok();
}
