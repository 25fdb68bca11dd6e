//! `deploy/varnish/vitrine.vcl` on its own, in front of a stand-in origin that answers with the
//! headers the VCL is written against (the real server's come with the response side of edge
//! caching): public answers are stored and purged by tag at once, hard; private, cookie-setting
//! and admin traffic never is; storefront tokens keep entries apart; a tag header listing hundreds
//! of tags fits.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::extract::Path;
use axum::http::header;
use axum::routing::get;
use tokio::net::TcpListener;

use super::varnish::{Varnish, free_port};

const PUBLIC: &str =
    "public, max-age=1, s-maxage=3600, stale-while-revalidate=60, stale-if-error=600";

/// An origin whose every answer is the number of requests it has had, so a test tells a fresh
/// answer from a stored one.
async fn origin() -> String {
    let served = Arc::new(AtomicUsize::new(0));
    let count = move || served.fetch_add(1, Ordering::SeqCst).to_string();
    let (public, private, cookie, many) = (count.clone(), count.clone(), count.clone(), count);
    let router = Router::new()
        .route(
            "/public/{tag}",
            get(move |Path(tag): Path<String>| async move {
                let tags = format!("{tag}, st-all");
                (
                    [
                        (header::CACHE_CONTROL, PUBLIC.to_string()),
                        (header::HeaderName::from_static("xkey"), tags),
                    ],
                    public(),
                )
            }),
        )
        .route(
            "/private",
            get(move || async move { ([(header::CACHE_CONTROL, "private, no-store")], private()) }),
        )
        .route(
            "/cookie",
            get(move || async move {
                (
                    [
                        (header::CACHE_CONTROL, PUBLIC),
                        (header::SET_COOKIE, "session=1"),
                    ],
                    cookie(),
                )
            }),
        )
        .route(
            "/many",
            get(move || async move {
                let tags: Vec<String> = (0..400).map(|n| format!("pr-{n:032x}")).collect();
                let tags = tags.join(" ");
                (
                    [
                        (header::CACHE_CONTROL, PUBLIC.to_string()),
                        (header::HeaderName::from_static("xkey"), tags.clone()),
                        (header::HeaderName::from_static("surrogate-key"), tags),
                    ],
                    many(),
                )
            }),
        );
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    address
}

/// `(X-Cache, body)` of a GET through Varnish with `headers`.
async fn fetch(varnish: &Varnish, path: &str, headers: &[(&str, &str)]) -> (String, String) {
    let mut request = reqwest::Client::new().get(format!("{}{path}", varnish.address));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("GET through Varnish");
    assert_eq!(response.status(), 200, "{path}");
    let cache = response.headers()["x-cache"].to_str().unwrap().to_string();
    (cache, response.text().await.unwrap())
}

/// Sends Varnish `PURGE` with `xkey-purge: tags`; returns how many objects it dropped.
async fn purge(varnish: &Varnish, tags: &str) -> usize {
    let method = reqwest::Method::from_bytes(b"PURGE").unwrap();
    let response = reqwest::Client::new()
        .request(method, format!("{}/", varnish.address))
        .header("xkey-purge", tags)
        .send()
        .await
        .expect("PURGE");
    assert_eq!(response.status(), 200);
    response.headers()["x-purged"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

async fn varnish_before_a_stand_in_origin() -> Varnish {
    Varnish::start(free_port(), &origin().await)
}

#[tokio::test]
async fn public_answers_are_stored_and_a_purge_by_tag_drops_them_at_once() {
    let varnish = varnish_before_a_stand_in_origin().await;
    let (miss, first) = fetch(&varnish, "/public/pr-a", &[]).await;
    assert_eq!(miss, "MISS");
    assert_eq!(
        fetch(&varnish, "/public/pr-a", &[]).await,
        ("HIT".into(), first.clone())
    );
    let (_, other) = fetch(&varnish, "/public/pr-b", &[]).await;

    assert_eq!(purge(&varnish, "pr-a pr-unknown").await, 1);

    let (cache, fresh) = fetch(&varnish, "/public/pr-a", &[]).await;
    assert_eq!(cache, "MISS", "a hard purge leaves nothing to serve stale");
    assert_ne!(fresh, first);
    assert_eq!(
        fetch(&varnish, "/public/pr-b", &[]).await,
        ("HIT".into(), other)
    );
    // A tag every answer carries purges them all.
    assert_eq!(purge(&varnish, "st-all").await, 2);
}

#[tokio::test]
async fn private_cookie_setting_and_admin_traffic_is_never_stored() {
    let varnish = varnish_before_a_stand_in_origin().await;
    for _ in 0..3 {
        assert_eq!(fetch(&varnish, "/private", &[]).await.0, "MISS");
        assert_eq!(fetch(&varnish, "/cookie", &[]).await.0, "MISS");
        let admin = [("X-Shopify-Access-Token", "shpat_secret")];
        assert_eq!(fetch(&varnish, "/public/pr-admin", &admin).await.0, "MISS");
        let cookie = [("Cookie", "session=1")];
        assert_eq!(
            fetch(&varnish, "/public/pr-cookie", &cookie).await.0,
            "MISS"
        );
    }
}

#[tokio::test]
async fn storefront_tokens_and_hosts_keep_entries_apart() {
    let varnish = varnish_before_a_stand_in_origin().await;
    let one = [("X-Shopify-Storefront-Access-Token", "token-one")];
    let two = [("X-Shopify-Storefront-Access-Token", "token-two")];
    let (_, for_one) = fetch(&varnish, "/public/pr-c", &one).await;
    let (cache, for_two) = fetch(&varnish, "/public/pr-c", &two).await;
    assert_eq!(cache, "MISS");
    assert_ne!(for_one, for_two);
    assert_eq!(
        fetch(&varnish, "/public/pr-c", &one).await,
        ("HIT".into(), for_one)
    );
    let elsewhere = [("Host", "another-store.example.test")];
    assert_eq!(fetch(&varnish, "/public/pr-c", &elsewhere).await.0, "MISS");
}

#[tokio::test]
async fn an_answer_tagged_with_400_tags_is_stored_and_purged_by_any_of_them() {
    let varnish = varnish_before_a_stand_in_origin().await;
    assert_eq!(fetch(&varnish, "/many", &[]).await.0, "MISS");
    assert_eq!(fetch(&varnish, "/many", &[]).await.0, "HIT");
    assert_eq!(purge(&varnish, &format!("pr-{:032x}", 399)).await, 1);
    assert_eq!(fetch(&varnish, "/many", &[]).await.0, "MISS");
}
