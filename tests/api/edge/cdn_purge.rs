//! The CDN purge, against a stand-in for the CDN's purge API on 127.0.0.1 that fails the first
//! few requests: failures are retried after growing waits, each recorded on the row, until the
//! CDN takes the purge; both dialects (Varnish's `PURGE` with `xkey-purge`, Fastly's batch purge
//! with `Surrogate-Key` and `Fastly-Key`) say what they should.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use serde_json::json;
use tokio::net::TcpListener;
use vitrine::cache::tags;

use super::{rows_of_store, uuid_of};
use crate::checkout::eventually;
use crate::helpers::{Backend, no_search_indexing, spawn_app_with};

/// One purge request as the stand-in got it.
#[derive(Debug, Clone)]
struct Received {
    at: Instant,
    method: Method,
    path: String,
    headers: HeaderMap,
}

/// A purge API that answers 503 to the first `failures` requests, then 200.
#[derive(Clone)]
struct StandIn {
    base: String,
    received: Arc<Mutex<Vec<Received>>>,
}

impl StandIn {
    async fn failing_first(failures: usize) -> StandIn {
        let received: Arc<Mutex<Vec<Received>>> = Arc::default();
        let log = received.clone();
        let router = Router::new().fallback(move |method: Method, uri: Uri, headers: HeaderMap| {
            let log = log.clone();
            async move {
                let mut log = log.lock().unwrap();
                log.push(Received {
                    at: Instant::now(),
                    method,
                    path: uri.path().to_string(),
                    headers,
                });
                if log.len() <= failures {
                    StatusCode::SERVICE_UNAVAILABLE
                } else {
                    StatusCode::OK
                }
            }
        });
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await });
        StandIn { base, received }
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

fn header(request: &Received, name: &str) -> String {
    request.headers[name].to_str().unwrap().to_string()
}

#[tokio::test]
async fn a_failing_cdn_is_retried_after_growing_waits_until_it_takes_the_purge() {
    let cdn = StandIn::failing_first(3).await;
    let url = format!("{}/", cdn.base);
    let app = spawn_app_with(Backend::Postgres, |settings| {
        no_search_indexing(settings);
        settings.cdn_purge_kind = "varnish".into();
        settings.cdn_purge_url = Some(url);
        settings.cdn_purge_retry_base_seconds = 0.05;
    })
    .await;

    let product = app.create_product(json!({ "title": "Retried" })).await;

    eventually(Duration::from_secs(10), "the CDN purge", || async {
        let rows = rows_of_store(&app, app.store.store_id).await;
        rows.len() == 1 && rows[0].cdn_purged_at.is_some()
    })
    .await;
    let row = &rows_of_store(&app, app.store.store_id).await[0];
    assert_eq!(row.cdn_attempts, 3);
    let error = row.cdn_error.as_deref().unwrap_or_default();
    assert!(error.contains("503"), "{error}");
    let received = cdn.received();
    assert_eq!(received.len(), 4, "{received:?}");
    let product_tag = tags::product(uuid_of(product["id"].as_str().unwrap()));
    for request in &received {
        assert_eq!(request.method.as_str(), "PURGE");
        assert_eq!(request.path, "/");
        let keys = header(request, "xkey-purge");
        assert!(keys.split(' ').any(|key| key == product_tag), "{keys}");
    }
    // Each wait is at least half its full length: 50 ms doubled after every failure.
    for (failures, pair) in received.windows(2).enumerate() {
        let least = Duration::from_millis(25 << failures);
        let waited = pair[1].at - pair[0].at;
        assert!(waited >= least, "wait {failures}: {waited:?} < {least:?}");
    }
}

#[tokio::test]
async fn fastly_gets_one_batch_purge_with_the_surrogate_keys_and_its_api_token() {
    let cdn = StandIn::failing_first(0).await;
    let url = format!("{}/service/SVC123", cdn.base);
    let app = spawn_app_with(Backend::Sqlite, |settings| {
        no_search_indexing(settings);
        settings.cdn_purge_kind = "fastly".into();
        settings.cdn_purge_url = Some(url);
        settings.cdn_purge_token = Some(vitrine::config::Secret::new("fastly-token"));
    })
    .await;

    let product = app.create_product(json!({ "title": "Fast" })).await;

    eventually(Duration::from_secs(5), "the Fastly purge", || async {
        !cdn.received().is_empty()
    })
    .await;
    let request = &cdn.received()[0];
    assert_eq!(request.method, Method::POST);
    assert_eq!(request.path, "/service/SVC123/purge");
    assert_eq!(header(request, "fastly-key"), "fastly-token");
    let keys = header(request, "surrogate-key");
    let product_tag = tags::product(uuid_of(product["id"].as_str().unwrap()));
    assert!(keys.split(' ').any(|key| key == product_tag), "{keys}");
    assert!(
        keys.split(' ')
            .any(|key| key == tags::products(app.store.store_id))
    );
}
