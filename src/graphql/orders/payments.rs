//! Payments as admins read them: where each stands at the gateway and its append-only history.

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};

use crate::graphql::context;
use crate::graphql::money::MoneyV2;
use crate::money::{CurrencyCode, Money};
use crate::payments::records;

/// A payment of an order at a gateway.
pub struct Payment(pub records::Payment);

/// Where a payment stands.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::payments::records::PaymentStatus")]
pub enum PaymentStatus {
    /// Sent to the gateway; the outcome is not known yet.
    Pending,
    Authorized,
    /// Taken, in part or in full.
    Captured,
    Voided,
    /// Everything captured was given back.
    Refunded,
    /// Declined or never taken: nothing is held.
    Failed,
}

/// What happened to a payment.
#[derive(SimpleObject)]
pub struct PaymentEvent {
    /// `authorize_requested`, `authorized`, `failed`, `captured`, `voided`, `refunded`, ...
    pub kind: String,
    pub amount: MoneyV2,
    /// The gateway's reference at the time.
    pub gateway_reference: Option<String>,
    /// What the gateway said, as JSON.
    pub detail: String,
    pub created_at: DateTime<Utc>,
}

impl Payment {
    fn money(&self, minor: i64) -> MoneyV2 {
        let currency = CurrencyCode::parse(&self.0.currency).unwrap_or(CurrencyCode::USD);
        MoneyV2::new(Money::new(minor, currency))
    }
}

#[Object]
impl Payment {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// The gateway (`test`, `stripe`).
    async fn gateway(&self) -> &str {
        &self.0.gateway
    }
    /// The gateway's id for the payment (a PaymentIntent id on Stripe).
    async fn gateway_reference(&self) -> Option<&str> {
        self.0.gateway_reference.as_deref()
    }
    /// The idempotency key the authorization was requested under.
    async fn idempotency_key(&self) -> &str {
        &self.0.idempotency_key
    }
    /// Where the payment stands.
    async fn status(&self) -> PaymentStatus {
        records::PaymentStatus::of(&self.0).into()
    }
    async fn amount(&self) -> MoneyV2 {
        self.money(self.0.amount_minor)
    }
    async fn captured(&self) -> MoneyV2 {
        self.money(self.0.captured_minor)
    }
    async fn refunded(&self) -> MoneyV2 {
        self.money(self.0.refunded_minor)
    }
    /// The gateway's decline code, when declined.
    async fn decline_code(&self) -> Option<&str> {
        self.0.decline_code.as_deref()
    }
    /// When an uncaptured authorization lapses.
    async fn authorization_expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.authorization_expires_at
    }
    /// Everything that happened to the payment, oldest first.
    async fn events(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<PaymentEvent>> {
        context::admin_store(ctx)?;
        let events = context::loaders(ctx)
            .events_by_payment
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(events
            .into_iter()
            .map(|event| PaymentEvent {
                kind: event.kind,
                amount: self.money(event.amount_minor),
                gateway_reference: event.gateway_reference,
                detail: event.detail.to_string(),
                created_at: event.created_at,
            })
            .collect())
    }
}
