//! What one event says about a payment, read from the object it carries as it was when the event
//! happened (never from the event's type alone, never from when it arrived). Pure, so every
//! shape an event can take is unit-tested.

use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::payments::records;
use crate::payments::stripe::events::{
    CHARGE_REFUNDED, ChargeObject, Event, INTENT_AMOUNT_CAPTURABLE_UPDATED, INTENT_CANCELED,
    INTENT_PAYMENT_FAILED, INTENT_SUCCEEDED, IntentObject,
};
use crate::payments::{Authorization, GatewayError};

/// What an event says, and about which intent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Notice {
    /// The event's id and type, for the payment's history.
    pub event_id: String,
    pub event_type: String,
    /// The intent (`pi_…`): the payment's gateway reference.
    pub reference: String,
    /// The payment the intent's authorize key names, when it carries one of ours.
    pub payment_id: Option<Uuid>,
    pub says: Says,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Says {
    /// The gateway holds, took, gave back or released money under the intent.
    Held(Authorization),
    /// The card was declined: nothing is held.
    Declined { code: String, message: String },
}

/// What `event` says, or `None` for an event Vitrine does not act on: another type, or an
/// object that holds and declined nothing.
pub(super) fn read(event: &Event) -> Option<Notice> {
    let (reference, payment_id, says) = match event.kind.as_str() {
        INTENT_AMOUNT_CAPTURABLE_UPDATED
        | INTENT_SUCCEEDED
        | INTENT_CANCELED
        | INTENT_PAYMENT_FAILED => intent(event)?,
        CHARGE_REFUNDED => charge(event)?,
        _ => return None,
    };
    Some(Notice {
        event_id: event.id.clone(),
        event_type: event.kind.clone(),
        reference,
        payment_id,
        says,
    })
}

fn intent(event: &Event) -> Option<(String, Option<Uuid>, Says)> {
    let intent: IntentObject = object(event)?;
    let says = match readable(event, intent.authorization())? {
        Some(authorization) => Says::Held(authorization),
        None => match intent.decline()? {
            GatewayError::Declined { code, message } => Says::Declined { code, message },
            _ => return None,
        },
    };
    let payment_id = intent
        .metadata
        .get("idempotency_key")
        .and_then(|key| records::payment_id_of(key));
    Some((intent.id, payment_id, says))
}

fn charge(event: &Event) -> Option<(String, Option<Uuid>, Says)> {
    let charge: ChargeObject = object(event)?;
    let authorization = readable(event, charge.authorization())??;
    Some((
        authorization.reference.clone(),
        None,
        Says::Held(authorization),
    ))
}

fn object<T: DeserializeOwned>(event: &Event) -> Option<T> {
    let object = serde_json::from_value(event.data.object.clone());
    readable(event, object)
}

/// The value, or `None` (logged: the event is stored, and a person can read it) when the
/// event's object could not be read.
fn readable<T, E: std::fmt::Display>(event: &Event, read: Result<T, E>) -> Option<T> {
    read.map_err(|err| {
        tracing::warn!(event = %event.id, kind = %event.kind, error = %err, "unreadable gateway event");
    })
    .ok()
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::payments::AuthorizationStatus;

    const KEY: &str = "vitrine-authorize-0190f7a4-1c2e-7c4b-9a3e-5d6f7a8b9c0d";

    fn event(kind: &str, object: Value) -> Event {
        serde_json::from_value(json!({
            "id": "evt_1", "object": "event", "api_version": "2024-06-20", "created": 1_700_000_100,
            "type": kind, "data": { "object": object }, "livemode": false, "pending_webhooks": 1,
            "request": { "id": "req_1", "idempotency_key": KEY }
        }))
        .expect("an event")
    }

    fn intent(status: &str, received: i64) -> Value {
        json!({
            "id": "pi_1", "object": "payment_intent", "amount": 2500, "amount_capturable": 0,
            "amount_received": received, "currency": "usd", "status": status,
            "created": 1_700_000_000, "capture_method": "manual", "latest_charge": "ch_1",
            "metadata": { "idempotency_key": KEY }
        })
    }

    fn held(notice: &Notice) -> &Authorization {
        match &notice.says {
            Says::Held(authorization) => authorization,
            other => panic!("not held: {other:?}"),
        }
    }

    #[test]
    fn intent_events_say_what_the_intent_holds_and_name_the_payment_by_its_key() {
        let authorized = read(&event(
            INTENT_AMOUNT_CAPTURABLE_UPDATED,
            intent("requires_capture", 0),
        ))
        .unwrap();
        assert_eq!(authorized.reference, "pi_1");
        assert_eq!(authorized.payment_id, records::payment_id_of(KEY));
        assert!(authorized.payment_id.is_some());
        assert_eq!(held(&authorized).status, AuthorizationStatus::Authorized);
        assert_eq!(
            held(&authorized).expires_at.timestamp(),
            1_700_000_000 + 7 * 86_400
        );

        let captured = read(&event(INTENT_SUCCEEDED, intent("succeeded", 2500))).unwrap();
        assert_eq!(held(&captured).status, AuthorizationStatus::Captured);
        assert_eq!(held(&captured).captured_minor, 2500);

        let canceled = read(&event(INTENT_CANCELED, intent("canceled", 0))).unwrap();
        assert_eq!(held(&canceled).status, AuthorizationStatus::Voided);
        assert_eq!(canceled.event_type, INTENT_CANCELED);
    }

    #[test]
    fn a_failed_payment_is_a_decline_with_its_code() {
        let mut object = intent("requires_payment_method", 0);
        object["last_payment_error"] = json!({
            "type": "card_error", "code": "card_declined", "decline_code": "insufficient_funds",
            "message": "Your card has insufficient funds."
        });
        let declined = read(&event(INTENT_PAYMENT_FAILED, object)).unwrap();
        assert_eq!(
            declined.says,
            Says::Declined {
                code: "insufficient_funds".into(),
                message: "Your card has insufficient funds.".into()
            }
        );
    }

    #[test]
    fn a_refunded_charge_names_its_intent_and_an_uncaptured_one_is_a_released_hold() {
        let charge = |captured: bool, amount_captured: i64, amount_refunded: i64| {
            json!({
                "id": "ch_1", "object": "charge", "amount": 2500, "amount_captured": amount_captured,
                "amount_refunded": amount_refunded, "captured": captured,
                "refunded": amount_refunded == 2500, "currency": "usd", "created": 1_700_000_000,
                "payment_intent": "pi_1", "status": "succeeded", "metadata": {}
            })
        };
        let refunded = read(&event(CHARGE_REFUNDED, charge(true, 2500, 700))).unwrap();
        assert_eq!(
            (refunded.reference.as_str(), refunded.payment_id),
            ("pi_1", None)
        );
        let authorization = held(&refunded);
        assert_eq!(authorization.status, AuthorizationStatus::Captured);
        assert_eq!(
            (authorization.captured_minor, authorization.refunded_minor),
            (2500, 700)
        );
        let released = read(&event(CHARGE_REFUNDED, charge(false, 0, 2500))).unwrap();
        assert_eq!(held(&released).status, AuthorizationStatus::Voided);
    }

    #[test]
    fn other_types_unreadable_objects_and_intents_holding_nothing_say_nothing() {
        assert_eq!(
            read(&event(
                "payment_intent.created",
                intent("requires_capture", 0)
            )),
            None
        );
        assert_eq!(
            read(&event("customer.created", json!({"id": "cus_1"}))),
            None
        );
        assert_eq!(read(&event(INTENT_SUCCEEDED, json!({"id": "pi_1"}))), None);
        assert_eq!(
            read(&event(INTENT_PAYMENT_FAILED, intent("processing", 0))),
            None
        );
    }
}
