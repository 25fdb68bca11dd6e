//! The responses that refuse a request before it runs, each with a typed `extensions.code` and
//! `Cache-Control: private, no-store` (a shared cache must never keep a refusal: the next
//! request, with the text or from another store, may run).

use axum::http::{HeaderValue, StatusCode, header};

use super::Refused;
use crate::error::AppError;
use crate::http::endpoint::error_response;

fn refusal(status: StatusCode, code: &str, message: &str) -> Refused {
    let mut response = error_response(status, code, message);
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Box::new(response)
}

/// An unknown hash: HTTP 200 and the exact message and code Apollo's clients look for before
/// they send the text.
pub fn not_found() -> Refused {
    refusal(
        StatusCode::OK,
        "PERSISTED_QUERY_NOT_FOUND",
        "PersistedQueryNotFound",
    )
}

/// A document the store does not trust, in trusted-documents mode.
pub fn not_in_list() -> Refused {
    refusal(
        StatusCode::BAD_REQUEST,
        "PERSISTED_QUERY_NOT_IN_LIST",
        "this store runs only trusted documents, and this is not one of them",
    )
}

/// A text that is not the one its hash names.
pub fn hash_mismatch() -> Refused {
    refusal(
        StatusCode::BAD_REQUEST,
        "PERSISTED_QUERY_HASH_MISMATCH",
        "provided sha256Hash does not match the query",
    )
}

/// A `persistedQuery` version other than 1.
pub fn unsupported_version() -> Refused {
    refusal(
        StatusCode::BAD_REQUEST,
        "PERSISTED_QUERY_VERSION_NOT_SUPPORTED",
        "unsupported persisted query version: only version 1 is supported",
    )
}

/// A `persistedQuery` extension that is not `{version, sha256Hash}`.
pub fn malformed(message: &str) -> Refused {
    refusal(StatusCode::BAD_REQUEST, "BAD_USER_INPUT", message)
}

/// A mutation sent over GET.
pub fn mutation_over_get() -> Refused {
    let mut response = refusal(
        StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        "mutations must be sent with POST",
    );
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("POST"));
    response
}

/// A failure to find out what the store trusts.
pub fn internal(err: AppError) -> Refused {
    tracing::error!(error = ?err, "failed to look up a trusted document");
    refusal(
        StatusCode::INTERNAL_SERVER_ERROR,
        "INTERNAL_SERVER_ERROR",
        "internal error",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_is_kept_by_no_cache() {
        for refused in [
            not_found(),
            not_in_list(),
            hash_mismatch(),
            mutation_over_get(),
        ] {
            assert_eq!(
                refused.headers()[header::CACHE_CONTROL],
                "private, no-store"
            );
        }
        assert_eq!(not_found().status(), StatusCode::OK);
        assert_eq!(mutation_over_get().headers()[header::ALLOW], "POST");
    }
}
