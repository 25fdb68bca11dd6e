//! The origin response cache: repeats without the database, one run for many concurrent misses,
//! entries shared between instances through Redis and never between stores.

use futures::future::join_all;
use serde_json::json;

use super::{PRODUCT_PAGE, get, header, sized};
use crate::helpers::{As, Backend, create_store, quiet, spawn_app, spawn_app_on, spawn_app_with};

const ORIGIN: &str = "x-vitrine-cache";

#[tokio::test]
async fn repeats_are_answered_by_the_origin_cache_without_the_database() {
    for backend in [Backend::Postgres, Backend::Sqlite] {
        let app = spawn_app_with(backend, quiet).await;
        let product = sized(&app, "Repeat Shirt").await;
        let variables = json!({ "handle": product["handle"] });
        let who = As::Storefront(&app.store);
        let (_, first, body) = get(&app, who, PRODUCT_PAGE, variables.clone(), &[]).await;
        assert_eq!(header(&first, ORIGIN), "MISS", "{backend:?}");
        let before = app.statements().await;
        let (_, second, again) = get(&app, who, PRODUCT_PAGE, variables.clone(), &[]).await;
        assert_eq!(header(&second, ORIGIN), "HIT-LOCAL", "{backend:?}");
        assert_eq!(again, body);
        assert_eq!(header(&second, "etag"), header(&first, "etag"));
        assert_eq!(
            app.statements().await,
            before,
            "{backend:?}: a hit reads nothing"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_misses_of_one_key_run_the_query_once() {
    let app = spawn_app_with(Backend::Postgres, quiet).await;
    let measured = sized(&app, "Measured Shirt").await;
    let raced = sized(&app, "Raced Shirt").await;
    let who = As::Storefront(&app.store);
    // Resolve and cache the token first; then measure one uncached page of the same shape.
    get(&app, who, "{ shop { name } }", json!({}), &[]).await;
    let before = app.statements().await;
    get(
        &app,
        who,
        PRODUCT_PAGE,
        json!({ "handle": measured["handle"] }),
        &[],
    )
    .await;
    let one_run = app.statements().await - before;
    assert!(one_run > 0);

    let before = app.statements().await;
    let variables = json!({ "handle": raced["handle"] });
    let answers =
        join_all((0..1000).map(|_| get(&app, who, PRODUCT_PAGE, variables.clone(), &[]))).await;
    let ran = app.statements().await - before;
    let misses = answers
        .iter()
        .filter(|(_, headers, _)| header(headers, ORIGIN) == "MISS")
        .count();
    assert!(
        answers
            .iter()
            .all(|(status, _, body)| *status == 200 && body.contains("Raced Shirt"))
    );
    assert_eq!(
        misses, 1,
        "one request ran the query, the others waited for it"
    );
    assert_eq!(ran, one_run, "the query ran once for 1,000 requests");
}

#[tokio::test]
async fn another_instance_answers_from_the_shared_cache() {
    let app = spawn_app().await;
    let product = sized(&app, "Shared Shirt").await;
    let variables = json!({ "handle": product["handle"] });
    let who = As::Storefront(&app.store);
    let (_, first, body) = get(&app, who, PRODUCT_PAGE, variables.clone(), &[]).await;
    assert_eq!(header(&first, ORIGIN), "MISS");
    let other = app.instance_with(|_| {}).await;
    let response = crate::helpers::authorised(
        app.client()
            .get(format!("{}/api/2025-01/graphql.json", other.address))
            .query(&[
                ("query", PRODUCT_PAGE),
                ("variables", &variables.to_string()),
            ]),
        who,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(header(response.headers(), ORIGIN), "HIT-SHARED");
    assert_eq!(response.text().await.unwrap(), body);
}

#[tokio::test]
async fn two_stores_asking_the_same_never_share_an_entry() {
    for backend in [Backend::Postgres, Backend::Sqlite] {
        let app = spawn_app_on(backend).await;
        let other = create_store(&app.database, "Other Store").await;
        let query = "{ shop { name } products(first: 5) { nodes { title } } }";
        let (_, mine, my_body) = get(&app, As::Storefront(&app.store), query, json!({}), &[]).await;
        let (_, theirs, their_body) =
            get(&app, As::Storefront(&other), query, json!({}), &[]).await;
        assert_eq!(header(&mine, ORIGIN), "MISS");
        assert_eq!(header(&theirs, ORIGIN), "MISS", "{backend:?}");
        assert!(my_body.contains("Test Store") && their_body.contains("Other Store"));
        assert_ne!(
            header(&mine, "surrogate-key"),
            header(&theirs, "surrogate-key")
        );
    }
}
