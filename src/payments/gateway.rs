//! What Vitrine asks of a payment gateway. Every call that changes something carries an
//! idempotency key: the gateway answers a repeated key with the first answer (Stripe's
//! semantics), so a caller that lost a response can ask again without charging twice.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// A request to hold funds on the buyer's card (authorize now, capture later).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizeRequest {
    /// Minor units of `currency`.
    pub amount_minor: i64,
    /// ISO 4217 code, upper case (`USD`).
    pub currency: String,
    /// The card token from the storefront (`tok_visa`).
    pub payment_token: String,
    /// Same key, same authorization: derived from the payment attempt, never random per call.
    pub idempotency_key: String,
    /// Shown in the gateway's dashboard (`Order #1001`).
    pub description: String,
}

/// Where an authorization stands at the gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthorizationStatus {
    /// Funds held, nothing captured yet.
    Authorized,
    /// Funds (some or all of the authorized amount) taken.
    Captured,
    /// Released without capture.
    Voided,
}

/// An authorization as the gateway sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    /// The gateway's id for it (a PaymentIntent id on Stripe).
    pub reference: String,
    pub amount_minor: i64,
    pub captured_minor: i64,
    pub refunded_minor: i64,
    pub status: AuthorizationStatus,
    /// When an uncaptured authorization lapses at the gateway.
    pub expires_at: DateTime<Utc>,
}

/// An authorization with the `authorize` idempotency key it was created under: how
/// reconciliation ties the gateway's books to our payments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyedAuthorization {
    pub idempotency_key: String,
    pub authorization: Authorization,
}

/// A refund the gateway accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refund {
    pub reference: String,
    pub amount_minor: i64,
}

/// Why a gateway call did not succeed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GatewayError {
    /// The card was declined; nothing is held. `code` is the gateway's decline code
    /// (`generic_decline`, `insufficient_funds`).
    #[error("card declined ({code}): {message}")]
    Declined { code: String, message: String },
    /// The gateway refused the request itself (an unknown token, an amount above what was
    /// authorized, an idempotency key reused with other parameters). Nothing changed.
    #[error("the gateway refused the request: {0}")]
    Refused(String),
    /// No answer, or a server error: the outcome is unknown. Ask again with the same
    /// idempotency key, or look the key up, before deciding anything.
    #[error("the gateway's answer is unknown: {0}")]
    Unavailable(String),
}

/// A payment gateway. Implementations are cheap to clone behind an `Arc` and safe to call from
/// many tasks at once.
#[async_trait]
pub trait PaymentGateway: Send + Sync + 'static {
    /// The name stored on payments (`test`, `stripe`).
    fn name(&self) -> &'static str;

    /// Holds `amount_minor` on the card. Idempotent by `request.idempotency_key`.
    async fn authorize(&self, request: &AuthorizeRequest) -> Result<Authorization, GatewayError>;

    /// Takes `amount_minor` (at most what was authorized) of an authorization.
    async fn capture(
        &self,
        reference: &str,
        amount_minor: i64,
        idempotency_key: &str,
    ) -> Result<Authorization, GatewayError>;

    /// Releases an uncaptured authorization.
    async fn void(
        &self,
        reference: &str,
        idempotency_key: &str,
    ) -> Result<Authorization, GatewayError>;

    /// Returns `amount_minor` of a captured payment to the card.
    async fn refund(
        &self,
        reference: &str,
        amount_minor: i64,
        idempotency_key: &str,
    ) -> Result<Refund, GatewayError>;

    /// The authorization created under an `authorize` idempotency key, if any: how a caller
    /// that lost the answer learns whether the card was charged.
    async fn find_authorization(
        &self,
        idempotency_key: &str,
    ) -> Result<Option<Authorization>, GatewayError>;

    /// Every authorization created at or after `since`, as each stands now, with the key it was
    /// created under, in no particular order. Attempts that never held money (declined, awaiting
    /// an action) are left out, as are authorizations created without a key.
    async fn authorizations_since(
        &self,
        since: DateTime<Utc>,
    ) -> Result<Vec<KeyedAuthorization>, GatewayError>;
}
