//! Endpoints for people and operators: GraphiQL, liveness, readiness (the database answers) and
//! Prometheus metrics.

use async_graphql::http::GraphiQLSource;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use super::HttpState;

/// The GraphiQL playground, pointed at the unversioned endpoint; add the storefront token as
/// the `X-Shopify-Storefront-Access-Token` header.
pub async fn graphiql() -> Html<String> {
    Html(
        GraphiQLSource::build()
            .endpoint("/api/unstable/graphql.json")
            .title("Vitrine GraphiQL")
            .finish(),
    )
}

/// The process is up.
pub async fn healthz() -> &'static str {
    "ok"
}

/// The process can serve: the database answers.
pub async fn readyz(State(state): State<HttpState>) -> Response {
    match state.app.db.reader().ping().await {
        Ok(()) => (StatusCode::OK, "ready").into_response(),
        Err(err) => {
            tracing::warn!(error = ?err, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// Counters in the Prometheus text format.
pub async fn metrics(State(state): State<HttpState>) -> Response {
    let body = format!(
        "# HELP vitrine_sql_statements_total SQL statements sent to the database.\n\
         # TYPE vitrine_sql_statements_total counter\n\
         vitrine_sql_statements_total {}\n\
         # HELP vitrine_cache_round_trips_total Requests made to the shared cache.\n\
         # TYPE vitrine_cache_round_trips_total counter\n\
         vitrine_cache_round_trips_total {}\n",
        state.app.db.statements(),
        state.app.cache.round_trips()
    );
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
}
