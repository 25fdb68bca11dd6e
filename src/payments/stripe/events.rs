//! Stripe's webhook events, as the webhook endpoint reads them and the test gateway writes them:
//! the event envelope and the two objects a manual-capture integration's events carry, a
//! PaymentIntent and a Charge. One set of types for both sides, so what the test gateway sends is
//! what the endpoint reads. Only the fields Vitrine uses or a reader of the stored payload wants
//! are typed; `data.object` stays raw JSON until its `type` says what it is.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use super::wire::ErrorBody;
use super::wire::{self, Taken};
use crate::payments::{Authorization, AuthorizationStatus, GatewayError};

/// An intent was created (ignored: nothing is held yet).
pub const INTENT_CREATED: &str = "payment_intent.created";
/// A manual-capture intent holds funds: authorized.
pub const INTENT_AMOUNT_CAPTURABLE_UPDATED: &str = "payment_intent.amount_capturable_updated";
/// Funds taken: captured.
pub const INTENT_SUCCEEDED: &str = "payment_intent.succeeded";
/// The card was declined: nothing is held.
pub const INTENT_PAYMENT_FAILED: &str = "payment_intent.payment_failed";
/// Released without capture, by a cancel or after seven days uncaptured.
pub const INTENT_CANCELED: &str = "payment_intent.canceled";
/// A charge was captured (ignored: `payment_intent.succeeded` says the same).
pub const CHARGE_CAPTURED: &str = "charge.captured";
/// Money given back; on an uncaptured charge, the hold released by a cancel.
pub const CHARGE_REFUNDED: &str = "charge.refunded";
/// An uncaptured charge lapsed (ignored: `payment_intent.canceled` says the same).
pub const CHARGE_EXPIRED: &str = "charge.expired";

/// A webhook event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// `evt_…`, unique: the same event delivered again has the same id.
    pub id: String,
    #[serde(default)]
    pub object: String,
    #[serde(default)]
    pub api_version: Option<String>,
    /// When the event happened, unix seconds. Deliveries are not in this order.
    pub created: i64,
    #[serde(rename = "type")]
    pub kind: String,
    pub data: EventData,
    #[serde(default)]
    pub livemode: bool,
    #[serde(default)]
    pub pending_webhooks: i64,
    /// The API request that caused the event, if one did.
    #[serde(default)]
    pub request: Option<EventRequest>,
}

/// The object the event is about, as it was when the event happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventData {
    pub object: Value,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRequest {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

/// A PaymentIntent as events carry it (`latest_charge` is an id, never expanded).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntentObject {
    /// `pi_…`: the payment's gateway reference.
    pub id: String,
    #[serde(default)]
    pub object: String,
    pub amount: i64,
    /// What can still be captured (the whole amount while authorized).
    #[serde(default)]
    pub amount_capturable: i64,
    #[serde(default)]
    pub amount_received: i64,
    pub currency: String,
    /// `requires_capture`, `succeeded`, `canceled`, `requires_payment_method`, …
    pub status: String,
    /// Unix seconds.
    pub created: i64,
    #[serde(default)]
    pub capture_method: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// `idempotency_key` is the key the adapter created the intent under.
    #[serde(default)]
    pub metadata: HashMap<String, String>,
    #[serde(default)]
    pub latest_charge: Option<String>,
    #[serde(default)]
    pub last_payment_error: Option<ErrorBody>,
    /// `requested_by_customer`, `automatic` (lapsed), …
    #[serde(default)]
    pub cancellation_reason: Option<String>,
}

/// A Charge as events carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChargeObject {
    /// `ch_…`.
    pub id: String,
    #[serde(default)]
    pub object: String,
    pub amount: i64,
    #[serde(default)]
    pub amount_captured: i64,
    /// All refunded so far (the event is sent after each refund).
    #[serde(default)]
    pub amount_refunded: i64,
    #[serde(default)]
    pub captured: bool,
    #[serde(default)]
    pub refunded: bool,
    pub currency: String,
    /// Unix seconds.
    pub created: i64,
    /// The intent the charge belongs to: how a charge names its payment.
    #[serde(default)]
    pub payment_intent: Option<String>,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub metadata: HashMap<String, String>,
}

impl IntentObject {
    /// What the intent holds: an authorization (held, taken or released), or `None` while it
    /// holds nothing. Events never expand `latest_charge`, so refunds are not seen here.
    pub fn authorization(&self) -> Result<Option<Authorization>, GatewayError> {
        let taken = Taken {
            captured_minor: self.amount_received,
            refunded_minor: 0,
        };
        wire::intent_authorization(&self.id, &self.status, self.amount, taken, self.created)
    }

    /// The decline, for an intent the card refused (waiting for another payment method).
    pub fn decline(&self) -> Option<GatewayError> {
        let error = self.last_payment_error.as_ref()?;
        (self.status == "requires_payment_method").then(|| wire::declined(error))
    }
}

impl ChargeObject {
    /// What the charge says about its intent's authorization: captured (with what was
    /// refunded), or released (an uncaptured charge refunded in full is a cancelled hold);
    /// `None` for a charge that is neither.
    pub fn authorization(&self) -> Result<Option<Authorization>, GatewayError> {
        let Some(reference) = &self.payment_intent else {
            return Ok(None);
        };
        let (status, captured_minor, refunded_minor) = match (self.captured, self.refunded) {
            (true, _) => (
                AuthorizationStatus::Captured,
                self.amount_captured,
                self.amount_refunded,
            ),
            (false, true) => (AuthorizationStatus::Voided, 0, 0),
            (false, false) => return Ok(None),
        };
        let taken = Taken {
            captured_minor,
            refunded_minor,
        };
        wire::authorization(reference, status, self.amount, taken, self.created).map(Some)
    }
}
