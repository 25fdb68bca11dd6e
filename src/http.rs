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

/// What every handler shares (cloned for each request, so one pointer).
#[derive(Clone)]
pub struct HttpState(Arc<Shared>);

pub struct Shared {
    pub app: AppState,
    pub schema: VitrineSchema,
    /// Which documents are queries.
    pub operation_kinds: OperationKinds,
    /// The texts of automatic persisted queries.
    pub persisted_texts: persisted::Texts,
}

impl HttpState {
    pub fn new(app: AppState) -> HttpState {
        let schema = crate::graphql::schema_builder().data(app.clone()).finish();
        let persisted_texts = persisted::Texts::new(app.cache.clone());
        HttpState(Arc::new(Shared {
            app,
            schema,
            operation_kinds: OperationKinds::default(),
            persisted_texts,
        }))
    }
}

impl std::ops::Deref for HttpState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
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
