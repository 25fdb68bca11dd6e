//! The GraphQL endpoint: resolve the tenant from the request's tokens and `Host` (401 with a JSON
//! body when that fails, before anything runs), make the document runnable (persisted queries),
//! answer a storefront's query from the response cache or run it with the request's DataLoaders,
//! and answer `application/json` with the caching headers of what it read.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use uuid::Uuid;

use super::operation_kind::{Operation, OperationKind};
use super::persisted::Document;
use super::request::GraphQLBody;
use super::{HttpState, edge, persisted};
use crate::cache::invalidation;
use crate::cache::own_writes::{self, Written};
use crate::cache::responses::{Rendered, ResponseKey, Source};
use crate::cache::scope::{CacheScope, PRIVATE_CACHE_CONTROL};
use crate::error::AppError;
use crate::graphql::edge::Report;
use crate::graphql::errors;
use crate::graphql::limits::Budget;
use crate::graphql::loaders::{Loaders, Scope};
use crate::stores::edge::EdgeSettings;
use crate::tenancy::{self, Credentials, Principal, Tenant};

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
    execute(state, &version, method, headers, request).await
}

/// `/graphql`, the same API without a version.
pub async fn unversioned(
    State(state): State<HttpState>,
    method: Method,
    headers: HeaderMap,
    GraphQLBody(request): GraphQLBody,
) -> Response {
    execute(state, UNVERSIONED, method, headers, request).await
}

/// The version part of the cache key of requests to `/graphql`.
const UNVERSIONED: &str = "-";

async fn execute(
    state: HttpState,
    version: &str,
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
    let document = match persisted::prepare(&state, &tenant, &mut request).await {
        Ok(document) => document,
        Err(refusal) => return *refusal,
    };
    let operation = state.operation_kinds.of(&document.hash, &request);
    if operation.kind != OperationKind::Query
        && let Err(refusal) = persisted::refuse_mutation_over_get(&method, &request)
    {
        return *refusal;
    }
    let edge_settings = EdgeSettings::of(&tenant.store);
    let (rendered, source) = answer(&state, tenant, version, &document, &operation, request).await;
    edge::respond(&rendered, source, &edge_settings, &headers)
}

/// The answer to a runnable request: a storefront's query from the response cache (run once
/// for every request waiting on the same key), anything else run as is.
pub async fn answer(
    state: &HttpState,
    tenant: Tenant,
    version: &str,
    document: &Document,
    operation: &Operation,
    request: async_graphql::Request,
) -> (Arc<Rendered>, Source) {
    let edge_settings = EdgeSettings::of(&tenant.store);
    if operation.kind != OperationKind::Query || tenant.principal != Principal::Storefront {
        let request = operation.parsed(request);
        let rendered = run(state, tenant, request, edge_settings).await;
        return (Arc::new(rendered), Source::Executed);
    }
    let variables = serde_json::to_string(&request.variables).unwrap_or_default();
    let key = ResponseKey::new(
        tenant.store.id,
        version,
        &document.hash,
        operation.name.as_deref(),
        &variables,
    );
    state
        .app
        .responses
        .serve(&key, || {
            let request = operation.parsed(request);
            Box::pin(run(state, tenant, request, edge_settings))
        })
        .await
}

/// Runs a request and renders its answer with what it read: its scope (private for admins and
/// for answers with errors) and its tags.
async fn run(
    state: &HttpState,
    tenant: Tenant,
    request: async_graphql::Request,
    edge_settings: EdgeSettings,
) -> Rendered {
    let tenant_store_id = tenant.store.id;
    let report = Report::new(tenant_store_id);
    if tenant.principal != Principal::Storefront {
        report.raise(CacheScope::Private);
    }
    let loaders = Loaders::new(Scope {
        db: state.app.db.reader().clone(),
        store: tenant.store.clone(),
        visibility: tenant.visibility(),
    });
    let request = request
        .data(tenant)
        .data(loaders)
        .data(Budget::default())
        .data(report.clone());
    let (response, written) = own_writes::collect(Box::pin(state.schema.execute(request))).await;
    purge_own_writes(state, tenant_store_id, written).await;
    if response.is_err() {
        report.raise(CacheScope::Private);
    }
    let body = serde_json::to_string(&response).unwrap_or_else(|_| "{}".to_string());
    let scope = report.scope();
    Rendered::new(
        body,
        scope,
        report.tags(),
        scope.shared_lifetime(&edge_settings),
    )
}

/// Purges what a request's writes invalidated, and marks it done so the worker leaves it to the
/// CDN; on a failure the worker purges it a few seconds later.
async fn purge_own_writes(state: &HttpState, store_id: Uuid, written: Written) {
    if written.is_empty() {
        return;
    }
    let purged = async {
        state
            .app
            .responses
            .invalidate(store_id, &written.tags)
            .await?;
        let tx = state.app.db.begin().await?;
        invalidation::purged_at_origin(&tx, &written.rows).await?;
        tx.commit().await?;
        anyhow::Ok(())
    }
    .await;
    if let Err(err) = purged {
        tracing::warn!(error = ?err, "could not purge a request's own writes; the worker will");
    }
}

/// Whether `version` names an API version: `YYYY-MM` or `unstable`.
pub fn is_api_version(version: &str) -> bool {
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
    let mut response = (status, Json(body)).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(PRIVATE_CACHE_CONTROL),
    );
    response
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
