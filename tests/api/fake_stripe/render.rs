//! The fake's JSON: PaymentIntents, refunds and errors shaped as Stripe shapes them. Rendering is
//! a pure function of the test gateway's answer, so a replayed answer renders byte for byte the
//! same.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use vitrine::payments::test_gateway::IDEMPOTENCY_MISMATCH;
use vitrine::payments::{
    AUTHORIZATION_LIFETIME, Authorization, AuthorizationStatus, AuthorizeRequest, GatewayError,
    Refund,
};

/// A PaymentIntent; `latest_charge` is expanded into a charge object when `expand` says so.
pub fn intent(authorization: &Authorization, request: &AuthorizeRequest, expand: bool) -> Value {
    let status = match authorization.status {
        AuthorizationStatus::Authorized => "requires_capture",
        AuthorizationStatus::Captured => "succeeded",
        AuthorizationStatus::Voided => "canceled",
    };
    let capturable = match authorization.status {
        AuthorizationStatus::Authorized => authorization.amount_minor,
        _ => 0,
    };
    let reference = &authorization.reference;
    let charge_id = format!("ch_{}", reference.trim_start_matches("pi_"));
    let latest_charge = if expand {
        json!({
            "id": charge_id,
            "object": "charge",
            "amount": authorization.amount_minor,
            "amount_captured": authorization.captured_minor,
            "amount_refunded": authorization.refunded_minor,
            "captured": authorization.captured_minor > 0,
            "payment_intent": reference,
        })
    } else {
        json!(charge_id)
    };
    json!({
        "id": reference,
        "object": "payment_intent",
        "amount": authorization.amount_minor,
        "amount_capturable": capturable,
        "amount_received": authorization.captured_minor,
        "capture_method": "manual",
        "created": (authorization.expires_at - AUTHORIZATION_LIFETIME).timestamp(),
        "currency": request.currency.to_lowercase(),
        "description": request.description,
        "latest_charge": latest_charge,
        "livemode": false,
        "metadata": { "idempotency_key": request.idempotency_key },
        "status": status,
    })
}

pub fn refund(refund: &Refund, currency: &str, payment_intent: &str) -> Value {
    json!({
        "id": refund.reference,
        "object": "refund",
        "amount": refund.amount_minor,
        "currency": currency.to_lowercase(),
        "payment_intent": payment_intent,
        "status": "succeeded",
    })
}

/// A Stripe error answer: a status and the `{"error": {…}}` envelope.
pub struct StripeError {
    status: StatusCode,
    body: Value,
}

impl IntoResponse for StripeError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

/// Stripe's error envelope with `status`.
pub fn error(status: StatusCode, kind: &str, code: Option<&str>, message: &str) -> StripeError {
    let body = json!({ "error": { "type": kind, "code": code, "message": message } });
    StripeError { status, body }
}

/// A 400 `invalid_request_error`, for a request the fake does not understand.
pub fn invalid(message: &str) -> StripeError {
    let code = Some("parameter_invalid");
    error(
        StatusCode::BAD_REQUEST,
        "invalid_request_error",
        code,
        message,
    )
}

/// A 404 for an id the fake never issued.
pub fn missing(id: &str) -> StripeError {
    let message = format!("No such payment_intent: '{id}'");
    let code = Some("resource_missing");
    error(
        StatusCode::NOT_FOUND,
        "invalid_request_error",
        code,
        &message,
    )
}

/// The status and body Stripe answers a failure with.
pub fn failure(failure: GatewayError) -> StripeError {
    match failure {
        GatewayError::Declined { code, message } => StripeError {
            status: StatusCode::PAYMENT_REQUIRED,
            body: json!({ "error": {
                "type": "card_error",
                "code": "card_declined",
                "decline_code": code,
                "message": message,
            } }),
        },
        GatewayError::Refused(message) if message == IDEMPOTENCY_MISMATCH => {
            let message = "Keys for idempotent requests can only be used with the same \
                           parameters they were first used with.";
            error(StatusCode::BAD_REQUEST, "idempotency_error", None, message)
        }
        GatewayError::Refused(message) => error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            None,
            &message,
        ),
        GatewayError::Unavailable(message) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "api_error",
            None,
            &message,
        ),
    }
}
