//! Meilisearch enforces the store boundary itself: a store's tenant token reads only that store's
//! documents even when the request drops the store filter, and an expired token reads nothing.

use std::time::Duration;

use meilisearch_sdk::client::Client;
use serde_json::Value;

use crate::suite::load;

fn server() -> (String, String) {
    let url = std::env::var("MEILI_URL").expect("MEILI_URL names the Meilisearch server to test");
    let key = std::env::var("MEILI_KEY").expect("MEILI_KEY: tenant tokens need the master key");
    (url, key)
}

#[tokio::test]
#[ignore = "needs a Meilisearch server at MEILI_URL with MEILI_KEY"]
async fn a_tenant_token_reads_only_its_store_whatever_the_request_filters() {
    let (url, _) = server();
    let backend = crate::meilisearch().await;
    let stores = load(&backend).await;
    let token = backend
        .tenant_token(stores.a, Duration::from_secs(60))
        .unwrap();
    let client = Client::new(&url, Some(token)).unwrap();
    let results = client
        .index("conformance_products")
        .search()
        .with_query("shirt")
        .with_limit(1_000)
        .execute::<Value>()
        .await
        .unwrap();
    assert!(!results.hits.is_empty());
    for hit in results.hits {
        assert_eq!(hit.result["store_id"], stores.a.to_string());
    }
}

#[tokio::test]
#[ignore = "needs a Meilisearch server at MEILI_URL with MEILI_KEY"]
async fn an_expired_tenant_token_is_refused() {
    let (url, _) = server();
    let backend = crate::meilisearch().await;
    let stores = load(&backend).await;
    let token = backend
        .tenant_token(stores.a, Duration::from_secs(1))
        .unwrap();
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    let client = Client::new(&url, Some(token)).unwrap();
    let refused = client
        .index("conformance_products")
        .search()
        .with_query("shirt")
        .execute::<Value>()
        .await;
    assert!(
        refused.is_err(),
        "an expired token still searched: {refused:?}"
    );
}
