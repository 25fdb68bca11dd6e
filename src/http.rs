//! The HTTP surface: the GraphQL endpoints (`/api/{version}/graphql.json`, `/graphql`), GraphiQL,
//! the hosted checkout page (`/checkouts/{token}`), the payment gateway's webhooks
//! (`/webhooks/stripe`), and the operator endpoints (`/healthz`,
//! `/readyz`, `/metrics`).

pub mod checkout_page;
pub mod edge;
pub mod endpoint;
pub mod gateway_webhooks;
pub mod operation_kind;
pub mod operations;
pub mod persisted;
pub mod request;
pub mod warm;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use tower_http::trace::TraceLayer;

use self::operation_kind::OperationKinds;
use crate::graphql::VitrineSchema;
use crate::startup::AppState;

/// What every handler shares.
#[derive(Clone)]
pub struct HttpState {
    pub app: AppState,
    pub schema: VitrineSchema,
    /// Which documents are queries.
    pub operation_kinds: Arc<OperationKinds>,
}

pub fn router(state: HttpState) -> Router {
    Router::new()
        .route(
            "/api/{version}/graphql.json",
            get(endpoint::versioned).post(endpoint::versioned),
        )
        .route(
            "/graphql",
            get(endpoint::unversioned).post(endpoint::unversioned),
        )
        .route("/graphiql", get(operations::graphiql))
        .route("/webhooks/stripe", post(gateway_webhooks::stripe))
        .route("/healthz", get(operations::healthz))
        .route("/readyz", get(operations::readyz))
        .route("/metrics", get(operations::metrics))
        .merge(checkout_page::routes())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
