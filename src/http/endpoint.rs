//! The GraphQL endpoint: resolve the tenant from the request's tokens and `Host` (401 with a JSON
//! body when that fails, before anything runs), build the request's DataLoaders, execute, and
//! answer `application/json`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::request::GraphQLBody;
use super::{HttpState, persisted};
use crate::error::AppError;
use crate::graphql::errors;
use crate::graphql::limits::Budget;
use crate::graphql::loaders::{Loaders, Scope};
use crate::tenancy::{self, Credentials};

/// `/api/{version}/graphql.json`, where version is `YYYY-MM` or `unstable`.
pub async fn versioned(
    State(state): State<HttpState>,
    Path(version): Path<String>,
    method: Method,
    headers: HeaderMap,
    GraphQLBody(request): GraphQLBody,
) -> Response {
    if !is_api_version(&version) {
        return error_response(StatusCode::NOT_FOUND, "NOT_FOUND", "unknown API version");
    }
    execute(state, method, headers, request).await
}

/// `/graphql`, the same API without a version.
pub async fn unversioned(
    State(state): State<HttpState>,
    method: Method,
    headers: HeaderMap,
    GraphQLBody(request): GraphQLBody,
) -> Response {
    execute(state, method, headers, request).await
}

async fn execute(
    state: HttpState,
    method: Method,
    headers: HeaderMap,
    mut request: async_graphql::Request,
) -> Response {
    let tenant = match tenancy::resolve(
        state.app.db.reader(),
        &state.app.resolutions,
        &credentials(&headers),
    )
    .await
    {
        Ok(tenant) => tenant,
        Err(AppError::Unauthenticated) => {
            return error_response(
                StatusCode::UNAUTHORIZED,
                "UNAUTHENTICATED",
                "invalid or missing access token",
            );
        }
        Err(other) => {
            let err = errors::to_graphql(other);
            return error_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL_SERVER_ERROR",
                &err.message,
            );
        }
    };
    let _document = match persisted::prepare(&state, &tenant, &mut request).await {
        Ok(document) => document,
        Err(refusal) => return *refusal,
    };
    if let Err(refusal) = persisted::refuse_mutation_over_get(&method, &request) {
        return *refusal;
    }
    let visibility = tenant.visibility();
    let loaders = Loaders::new(Scope {
        db: state.app.db.reader().clone(),
        store: tenant.store.clone(),
        visibility,
    });
    let request = request.data(tenant).data(loaders).data(Budget::default());
    let response = state.schema.execute(request).await;
    let mut http = Json(response).into_response();
    http.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("private, no-store"),
    );
    http
}

fn is_api_version(version: &str) -> bool {
    if version == "unstable" {
        return true;
    }
    let bytes = version.as_bytes();
    bytes.len() == 7
        && bytes[4] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || b.is_ascii_digit())
}

fn credentials(headers: &HeaderMap) -> Credentials {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::trim)
            .filter(|value| !value.is_empty())
            .map(str::to_string)
    };
    let bearer =
        text("authorization").and_then(|value| value.strip_prefix("Bearer ").map(str::to_string));
    Credentials {
        storefront_token: text("x-shopify-storefront-access-token")
            .or_else(|| text("shopify-storefront-private-token")),
        admin_token: text("x-shopify-access-token").or(bearer),
        host: text("host"),
    }
}

/// A JSON error body `{"errors": [{message, extensions: {code}}]}` with an HTTP status.
pub fn error_response(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    (status, Json(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::is_api_version;

    #[test]
    fn api_versions_are_year_month_or_unstable() {
        assert!(is_api_version("2025-01"));
        assert!(is_api_version("unstable"));
        assert!(!is_api_version("2025-1"));
        assert!(!is_api_version("latest"));
    }
}
