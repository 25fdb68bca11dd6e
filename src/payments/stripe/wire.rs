//! Stripe's JSON as the adapter reads it (PaymentIntents, refunds, lists, search results, errors) and how
//! each maps onto the gateway's types. Only what the adapter uses is parsed; nothing here sends.

use std::collections::HashMap;

use chrono::DateTime;
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

use crate::payments::{
    AUTHORIZATION_LIFETIME, Authorization, AuthorizationStatus, GatewayError, Refund,
};

/// A PaymentIntent (`latest_charge` expanded when the adapter asked for it).
#[derive(Debug, Deserialize)]
pub(super) struct PaymentIntent {
    pub id: String,
    pub amount: i64,
    #[serde(default)]
    pub amount_received: i64,
    pub status: String,
    /// Unix seconds.
    pub created: i64,
    #[serde(default)]
    pub latest_charge: Option<LatestCharge>,
    #[serde(default)]
    pub last_payment_error: Option<ErrorBody>,
    /// `idempotency_key` is the key the adapter created the intent under.
    #[serde(default)]
    pub metadata: HashMap<String, String>,
}

/// `latest_charge` is an id unless expanded.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(super) enum LatestCharge {
    Expanded {
        #[serde(default)]
        amount_refunded: i64,
    },
    Unexpanded(IgnoredAny),
}

/// A page of search results.
#[derive(Debug, Deserialize)]
pub(super) struct SearchResult {
    pub data: Vec<PaymentIntent>,
}

/// A page of a list, newest first; the next page starts after the last id of this one.
#[derive(Debug, Deserialize)]
pub(super) struct ListPage {
    pub data: Vec<PaymentIntent>,
    #[serde(default)]
    pub has_more: bool,
}

/// A refund object.
#[derive(Debug, Deserialize)]
pub(super) struct RefundObject {
    pub id: String,
    pub amount: i64,
    #[serde(default)]
    pub status: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ErrorEnvelope {
    error: ErrorBody,
}

/// Stripe's `error` object (also an intent's `last_payment_error`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub decline_code: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
}

impl PaymentIntent {
    /// The authorization this intent is, or `None` while it holds nothing (declined, awaiting a
    /// payment method or an action).
    pub fn authorization(&self) -> Result<Option<Authorization>, GatewayError> {
        let refunded_minor = match &self.latest_charge {
            Some(LatestCharge::Expanded { amount_refunded }) => *amount_refunded,
            Some(LatestCharge::Unexpanded(_)) | None => 0,
        };
        let taken = Taken {
            captured_minor: self.amount_received,
            refunded_minor,
        };
        intent_authorization(&self.id, &self.status, self.amount, taken, self.created)
    }

    /// Why a confirmed intent holds nothing: a decline, or a step (3-D Secure) Vitrine cannot take.
    pub fn not_authorized(&self) -> GatewayError {
        match (self.status.as_str(), &self.last_payment_error) {
            ("requires_payment_method", Some(error)) => declined(error),
            ("requires_payment_method", None) => GatewayError::Declined {
                code: "card_declined".into(),
                message: "the card was declined".into(),
            },
            ("requires_action", _) => GatewayError::Declined {
                code: "authentication_required".into(),
                message: "the card requires authentication, which checkout does not offer".into(),
            },
            (other, _) => GatewayError::Unavailable(format!(
                "payment intent {} is {other}; its outcome is not known yet",
                self.id
            )),
        }
    }
}

impl RefundObject {
    pub fn refund(self) -> Result<Refund, GatewayError> {
        match self.status.as_deref() {
            Some("failed" | "canceled") => Err(GatewayError::Refused(format!(
                "refund {} {}",
                self.id,
                self.status.unwrap_or_default()
            ))),
            _ => Ok(Refund {
                reference: self.id,
                amount_minor: self.amount,
            }),
        }
    }
}

/// What an authorization has had taken and given back.
#[derive(Debug, Clone, Copy)]
pub(super) struct Taken {
    pub captured_minor: i64,
    pub refunded_minor: i64,
}

/// The authorization an intent `id` in `status`, created at `created` (unix seconds), is; `None`
/// while it holds nothing (declined, awaiting a payment method or an action).
pub(super) fn intent_authorization(
    id: &str,
    status: &str,
    amount_minor: i64,
    taken: Taken,
    created: i64,
) -> Result<Option<Authorization>, GatewayError> {
    let status = match status {
        "requires_capture" => AuthorizationStatus::Authorized,
        "succeeded" => AuthorizationStatus::Captured,
        "canceled" => AuthorizationStatus::Voided,
        _ => return Ok(None),
    };
    authorization(id, status, amount_minor, taken, created).map(Some)
}

/// An authorization created at `created` (unix seconds), which lapses seven days later if it is
/// not captured (Stripe cancels it).
pub(super) fn authorization(
    reference: &str,
    status: AuthorizationStatus,
    amount_minor: i64,
    taken: Taken,
    created: i64,
) -> Result<Authorization, GatewayError> {
    let created = DateTime::from_timestamp(created, 0)
        .ok_or_else(|| malformed(&format!("created {created} of {reference}")))?;
    Ok(Authorization {
        reference: reference.into(),
        amount_minor,
        captured_minor: taken.captured_minor,
        refunded_minor: taken.refunded_minor,
        status,
        expires_at: created + AUTHORIZATION_LIFETIME,
    })
}

/// The error for a non-success answer. Card errors are declines; a conflict (the same key still
/// in flight) and rate limiting leave the outcome open, as server errors do; any other client
/// error is a refusal.
pub(super) fn error_from(status: u16, body: &[u8]) -> GatewayError {
    let error = serde_json::from_slice::<ErrorEnvelope>(body)
        .map(|envelope| envelope.error)
        .unwrap_or_default();
    let kind = error.kind.as_deref().unwrap_or("unknown_error");
    let message = error.message.as_deref().unwrap_or("no message");
    match status {
        402 if kind == "card_error" => declined(&error),
        409 | 429 => GatewayError::Unavailable(format!("{status} {kind}: {message}")),
        400..=499 => GatewayError::Refused(format!("{status} {kind}: {message}")),
        _ => GatewayError::Unavailable(format!("{status} {kind}: {message}")),
    }
}

pub(super) fn declined(error: &ErrorBody) -> GatewayError {
    let code = error.decline_code.as_ref().or(error.code.as_ref());
    GatewayError::Declined {
        code: code.cloned().unwrap_or_else(|| "card_declined".into()),
        message: error.message.clone().unwrap_or_default(),
    }
}

/// A success answer that cannot be read: whatever happened is unknown.
pub(super) fn malformed(what: &str) -> GatewayError {
    GatewayError::Unavailable(format!("unreadable answer from Stripe: {what}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn intent(json: serde_json::Value) -> PaymentIntent {
        serde_json::from_value(json).expect("a payment intent")
    }

    #[test]
    fn statuses_map_onto_the_authorization_and_expiry_is_seven_days_after_creation() {
        let held = intent(serde_json::json!({
            "id": "pi_1", "amount": 1500, "amount_received": 0, "status": "requires_capture",
            "created": 1_700_000_000, "latest_charge": "ch_1"
        }));
        let authorization = held.authorization().unwrap().unwrap();
        assert_eq!(authorization.status, AuthorizationStatus::Authorized);
        assert_eq!(
            authorization.expires_at.timestamp(),
            1_700_000_000 + 7 * 86_400
        );

        let refunded = intent(serde_json::json!({
            "id": "pi_1", "amount": 1500, "amount_received": 1000, "status": "succeeded",
            "created": 1_700_000_000, "latest_charge": { "id": "ch_1", "amount_refunded": 300 }
        }));
        let authorization = refunded.authorization().unwrap().unwrap();
        assert_eq!(authorization.status, AuthorizationStatus::Captured);
        assert_eq!(
            (authorization.captured_minor, authorization.refunded_minor),
            (1000, 300)
        );

        let declined = intent(serde_json::json!({
            "id": "pi_2", "amount": 1500, "status": "requires_payment_method", "created": 1,
            "last_payment_error": { "type": "card_error", "code": "card_declined", "decline_code": "insufficient_funds" }
        }));
        assert_eq!(declined.authorization().unwrap(), None);
        assert!(matches!(
            declined.not_authorized(),
            GatewayError::Declined { code, .. } if code == "insufficient_funds"
        ));
    }

    #[test]
    fn error_statuses_map_onto_declined_refused_and_unavailable() {
        let card = br#"{"error":{"type":"card_error","code":"card_declined","decline_code":"generic_decline","message":"Your card was declined."}}"#;
        assert!(
            matches!(error_from(402, card), GatewayError::Declined { code, .. } if code == "generic_decline")
        );
        let no_decline_code = br#"{"error":{"type":"card_error","code":"expired_card"}}"#;
        assert!(
            matches!(error_from(402, no_decline_code), GatewayError::Declined { code, .. } if code == "expired_card")
        );
        let invalid = br#"{"error":{"type":"invalid_request_error","message":"No such token"}}"#;
        assert!(matches!(error_from(400, invalid), GatewayError::Refused(_)));
        assert!(matches!(error_from(401, b"{}"), GatewayError::Refused(_)));
        assert!(matches!(
            error_from(409, b"{}"),
            GatewayError::Unavailable(_)
        ));
        assert!(matches!(
            error_from(429, b"{}"),
            GatewayError::Unavailable(_)
        ));
        assert!(matches!(
            error_from(500, b"<html>"),
            GatewayError::Unavailable(_)
        ));
        assert!(matches!(error_from(503, b""), GatewayError::Unavailable(_)));
    }
}
