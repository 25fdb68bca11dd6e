//! The caching headers of a GraphQL response, decided by what it read (`graphql::edge`):
//! public responses carry `Cache-Control` from the store's edge settings, a strong `ETag`
//! (answered with `304 Not Modified` on a matching `If-None-Match`), `Vary` on the storefront
//! tokens, and their tags as `Surrogate-Key` (Fastly), `Cache-Tag` (Cloudflare) and `xkey`
//! (Varnish). Everything else is `private, no-store` and carries no tags.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::Response;
use bytes::Bytes;

use crate::cache::responses::{Rendered, Source};
use crate::cache::scope::PRIVATE_CACHE_CONTROL;
use crate::stores::edge::EdgeSettings;

/// Headers that change a public answer: the token picks the store.
const VARY: &str = "X-Shopify-Storefront-Access-Token, Shopify-Storefront-Private-Token";

/// The most bytes of tags a response lists: CDNs cap the header at 16 KB.
const MAX_TAG_BYTES: usize = 15_000;

/// Where the answer came from (`HIT-LOCAL`, `HIT-SHARED`, `MISS`), for operators and tests.
pub const ORIGIN_CACHE_HEADER: &str = "x-vitrine-cache";

/// The HTTP response for `rendered`: `304` when the client already holds it.
pub fn respond(
    rendered: &Arc<Rendered>,
    source: Source,
    edge: &EdgeSettings,
    request_headers: &HeaderMap,
) -> Response {
    let public = rendered.scope.is_public();
    let not_modified = public && matches_etag(request_headers, &rendered.etag);
    let mut response = if not_modified {
        Response::builder()
            .status(StatusCode::NOT_MODIFIED)
            .body(Body::empty())
    } else {
        Response::builder()
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(Bytes::from_owner(BodyOf(rendered.clone()))))
    }
    .expect("a response of static parts");
    let headers = response.headers_mut();
    if !public {
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(PRIVATE_CACHE_CONTROL),
        );
        return response;
    }
    headers.extend(
        rendered
            .headers
            .get_or_init(|| public_headers(rendered))
            .clone(),
    );
    insert(
        headers,
        header::CACHE_CONTROL,
        &rendered.scope.cache_control(edge),
    );
    headers.insert(
        HeaderName::from_static(ORIGIN_CACHE_HEADER),
        HeaderValue::from_static(source.as_str()),
    );
    response
}

/// The body of a response, shared with the cache entry it came from rather than copied.
struct BodyOf(Arc<Rendered>);

impl AsRef<[u8]> for BodyOf {
    fn as_ref(&self) -> &[u8] {
        self.0.body.as_bytes()
    }
}

/// The headers of a public answer that depend on it alone (made once per cached answer): its
/// `ETag`, `Vary`, and its tags.
fn public_headers(rendered: &Rendered) -> HeaderMap {
    let mut headers = HeaderMap::new();
    insert(&mut headers, header::ETAG, &rendered.etag);
    headers.insert(header::VARY, HeaderValue::from_static(VARY));
    let listed = listed_tags(&rendered.tags);
    insert(
        &mut headers,
        HeaderName::from_static("surrogate-key"),
        &listed.join(" "),
    );
    insert(
        &mut headers,
        HeaderName::from_static("cache-tag"),
        &listed.join(","),
    );
    insert(
        &mut headers,
        HeaderName::from_static("xkey"),
        &listed.join(" "),
    );
    headers
}

/// The tags to list: all of them, or without the variants' when they would not fit (a variant's
/// changes also purge its product's tag, which stays).
fn listed_tags(tags: &[String]) -> Vec<&str> {
    let size: usize = tags.iter().map(|tag| tag.len() + 1).sum();
    tags.iter()
        .map(String::as_str)
        .filter(|tag| size <= MAX_TAG_BYTES || !tag.starts_with("va-"))
        .collect()
}

fn matches_etag(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .any(|candidate| candidate == etag || candidate == "*")
}

fn insert(headers: &mut HeaderMap, name: HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        headers.insert(name, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_lists_are_matched_entry_by_entry() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_static("\"a\", \"b\""),
        );
        assert!(matches_etag(&headers, "\"b\""));
        assert!(!matches_etag(&headers, "\"c\""));
    }

    #[test]
    fn variant_tags_are_left_out_only_when_the_list_would_not_fit() {
        let few = vec!["st-1".to_string(), "va-1".to_string()];
        assert_eq!(listed_tags(&few), vec!["st-1", "va-1"]);
        let many: Vec<String> = (0..600)
            .map(|i| format!("va-{i:032}"))
            .chain(["pr-1".into()])
            .collect();
        assert_eq!(listed_tags(&many), vec!["pr-1"]);
    }
}
