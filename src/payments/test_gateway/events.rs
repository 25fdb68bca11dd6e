//! The webhook events the test gateway sends, shaped as Stripe's for a manual-capture
//! PaymentIntent: `payment_intent.created` and `…amount_capturable_updated` when it authorizes,
//! `…created` and `…payment_failed` when it declines, `charge.captured` and
//! `payment_intent.succeeded` when it captures, `payment_intent.canceled` with `charge.refunded`
//! (an uncaptured charge given back) when it voids, `…canceled` with `charge.expired` when an
//! authorization lapses, and `charge.refunded` after each refund. Each carries the object as it
//! stands at that moment, and the intent carries the authorize key in its metadata, as the Stripe
//! adapter sets it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use super::Recorded;
use crate::payments::stripe::API_VERSION;
use crate::payments::stripe::events::{
    CHARGE_EXPIRED, CHARGE_REFUNDED, ChargeObject, ErrorBody, Event, EventData, EventRequest,
    INTENT_CANCELED, INTENT_CREATED, INTENT_PAYMENT_FAILED, IntentObject,
};
use crate::payments::{AuthorizationStatus, AuthorizeRequest};

/// An event about the intent `recorded` is, as it stands now, caused by a request under `key`
/// (none for what the gateway did on its own).
pub(super) fn intent(
    kind: &str,
    recorded: &Recorded,
    cancellation_reason: Option<&str>,
    key: Option<&str>,
    now: DateTime<Utc>,
) -> Event {
    let authorization = &recorded.authorization;
    let status = match authorization.status {
        AuthorizationStatus::Authorized => "requires_capture",
        AuthorizationStatus::Captured => "succeeded",
        AuthorizationStatus::Voided => "canceled",
    };
    let held = authorization.status == AuthorizationStatus::Authorized;
    let object = IntentObject {
        amount_capturable: if held { authorization.amount_minor } else { 0 },
        amount_received: authorization.captured_minor,
        status: status.into(),
        created: recorded.created_at.timestamp(),
        latest_charge: Some(charge_id(&authorization.reference)),
        cancellation_reason: cancellation_reason.map(str::to_string),
        ..intent_of(&recorded.request, &authorization.reference)
    };
    event(kind, &object, key, now)
}

/// `payment_intent.created` and `…payment_failed` for an authorization the card declined: Stripe
/// keeps the intent, waiting for another payment method.
pub(super) fn declined(
    request: &AuthorizeRequest,
    code: &str,
    message: &str,
    now: DateTime<Utc>,
) -> [Event; 2] {
    let reference = format!("pi_{}", Uuid::now_v7().simple());
    let object = IntentObject {
        status: "requires_payment_method".into(),
        created: now.timestamp(),
        latest_charge: Some(charge_id(&reference)),
        last_payment_error: Some(ErrorBody {
            kind: Some("card_error".into()),
            code: Some("card_declined".into()),
            decline_code: Some(code.into()),
            message: Some(message.into()),
        }),
        ..intent_of(request, &reference)
    };
    let key = Some(request.idempotency_key.as_str());
    [
        event(INTENT_CREATED, &object, key, now),
        event(INTENT_PAYMENT_FAILED, &object, key, now),
    ]
}

/// An event about the intent's charge, as it stands now. An uncaptured charge is given back in
/// full when its intent is cancelled, as Stripe refunds it.
pub(super) fn charge(
    kind: &str,
    recorded: &Recorded,
    key: Option<&str>,
    now: DateTime<Utc>,
) -> Event {
    let authorization = &recorded.authorization;
    let captured = authorization.status == AuthorizationStatus::Captured;
    let released = authorization.status == AuthorizationStatus::Voided;
    let amount_refunded = match (captured, released) {
        (true, _) => authorization.refunded_minor,
        (false, true) => authorization.amount_minor,
        (false, false) => 0,
    };
    let object = ChargeObject {
        id: charge_id(&authorization.reference),
        object: "charge".into(),
        amount: authorization.amount_minor,
        amount_captured: authorization.captured_minor,
        amount_refunded,
        captured,
        refunded: released || (captured && amount_refunded >= authorization.captured_minor),
        currency: recorded.request.currency.to_lowercase(),
        created: recorded.created_at.timestamp(),
        payment_intent: Some(authorization.reference.clone()),
        status: "succeeded".into(),
        metadata: HashMap::new(),
    };
    event(kind, &object, key, now)
}

/// `payment_intent.canceled` and `charge.expired` for an authorization that lapsed.
pub(super) fn lapsed(recorded: &Recorded, now: DateTime<Utc>) -> [Event; 2] {
    [
        intent(INTENT_CANCELED, recorded, Some("automatic"), None, now),
        charge(CHARGE_EXPIRED, recorded, None, now),
    ]
}

/// `payment_intent.canceled` and `charge.refunded` for an authorization voided under `key`.
pub(super) fn voided(recorded: &Recorded, key: &str, now: DateTime<Utc>) -> [Event; 2] {
    [
        intent(
            INTENT_CANCELED,
            recorded,
            Some("requested_by_customer"),
            Some(key),
            now,
        ),
        charge(CHARGE_REFUNDED, recorded, Some(key), now),
    ]
}

/// The parts of an intent its authorize request decides.
fn intent_of(request: &AuthorizeRequest, reference: &str) -> IntentObject {
    IntentObject {
        id: reference.into(),
        object: "payment_intent".into(),
        amount: request.amount_minor,
        amount_capturable: 0,
        amount_received: 0,
        currency: request.currency.to_lowercase(),
        status: String::new(),
        created: 0,
        capture_method: Some("manual".into()),
        description: Some(request.description.clone()),
        metadata: HashMap::from([(
            "idempotency_key".to_string(),
            request.idempotency_key.clone(),
        )]),
        latest_charge: None,
        last_payment_error: None,
        cancellation_reason: None,
    }
}

/// The intent's charge: one per intent here, named after it.
fn charge_id(reference: &str) -> String {
    format!("ch_{}", reference.trim_start_matches("pi_"))
}

fn event(kind: &str, object: &impl Serialize, key: Option<&str>, now: DateTime<Utc>) -> Event {
    Event {
        id: format!("evt_{}", Uuid::now_v7().simple()),
        object: "event".into(),
        api_version: Some(API_VERSION.into()),
        created: now.timestamp(),
        kind: kind.into(),
        data: EventData {
            object: serde_json::to_value(object).unwrap_or(Value::Null),
        },
        livemode: false,
        pending_webhooks: 1,
        request: Some(EventRequest {
            id: key.map(|_| format!("req_{}", Uuid::now_v7().simple())),
            idempotency_key: key.map(str::to_string),
        }),
    }
}
