//! `POST /webhooks/stripe`: Stripe's events about our payments. This handler only speaks HTTP: it
//! checks the signature over the raw body, hands the event to `payments::webhooks`, and answers
//! in the terms Stripe acts on: 200 for every event stored (applied, or deliberately not), 400
//! for a request that is not Stripe's (nothing stored or changed), 500 when the event could not
//! be stored or applied, so that Stripe delivers it again (it retries for three days).
//!
//! With no signing secret configured it answers 503 and reads nothing: it cannot tell Stripe's
//! events from anyone's. 503 rather than 404 because the route exists and only its
//! configuration is missing: Stripe keeps retrying a 5xx, so events sent before the operator sets
//! `stripe_webhook_secret` are delivered once it is set, and the dashboard shows why they failed.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde_json::json;

use super::HttpState;
use crate::error::AppError;
use crate::payments::stripe::signature;
use crate::payments::webhooks;

const NOT_CONFIGURED: &str = "Stripe webhooks are not configured: set stripe_webhook_secret \
     (STRIPE_WEBHOOK_SECRET) to the endpoint's signing secret";

pub async fn stripe(State(state): State<HttpState>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(secret) = &state.app.stripe_webhook_secret else {
        return error(StatusCode::SERVICE_UNAVAILABLE, NOT_CONFIGURED);
    };
    let header = headers
        .get(signature::HEADER)
        .and_then(|value| value.to_str().ok());
    let now = Utc::now().timestamp();
    if let Err(err) = signature::verify(secret.expose(), header, &body, now) {
        return error(StatusCode::BAD_REQUEST, &err.to_string());
    }
    match webhooks::receive(&state.app.checkout, &body).await {
        Ok(outcome) => {
            Json(json!({ "received": true, "outcome": outcome.as_str() })).into_response()
        }
        Err(AppError::BadRequest(message)) => error(StatusCode::BAD_REQUEST, &message),
        Err(err) => {
            tracing::error!(error = ?err, "a Stripe event could not be stored or applied; Stripe delivers it again");
            error(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
        }
    }
}

fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}
