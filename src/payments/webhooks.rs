//! The payment gateway's webhooks (Stripe's events; RELIABILITY.md T12): what the gateway did,
//! told at least once per event, in no order, sometimes days late. Every event is stored once by
//! its id (`gateway_events`), whatever it is, then applied to the payment it names:
//!
//! - The payment is the one the intent's `metadata.idempotency_key` names (the key checkout
//!   authorizes under, committed before the gateway is asked), else the one holding the intent's
//!   id (a charge names only its intent). An event naming neither is stored `unmatched` and never
//!   replayed: every payment of ours is written before its intent exists, so none can turn up
//!   later, and money held for nobody is reconciliation's to give back.
//! - An event only moves a payment forward (authorized, then captured or voided, then refunded)
//!   and takes nothing back: a late `amount_capturable_updated` after the capture, a duplicate, an
//!   older snapshot delivered after a newer one are `stale`.
//! - A `pending` payment is settled through checkout's own settle path, as the completer settles
//!   a stopped checkout (the order confirmed once, its held units sold once). While a live request
//!   holds the checkout's key the event is `deferred` to it: that request settles the payment.
//! - Nothing here calls the gateway. A capture event records the capture the gateway made; it
//!   never captures, so it cannot race the buyer's own checkout into a second capture.
//!
//! Other event types are stored `ignored`. The caller checks the signature first
//! (`stripe::signature`); this module must not be reachable with an unverified body.

mod apply;
mod inbox;
mod notice;

use serde_json::Value;

use crate::checkout::Checkout;
use crate::error::{AppError, Result};
use crate::payments::stripe::events::Event;

/// What receiving one event did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// It moved its payment forward, or settled its checkout.
    Applied,
    /// Its payment is already where the event would take it, or beyond.
    Stale,
    /// A live checkout request is settling its payment and keeps that to itself.
    Deferred,
    /// Not an event Vitrine acts on.
    Ignored,
    /// It names no payment of ours (or an intent other than the payment's own).
    Unmatched,
    /// Already received and applied: nothing was done again.
    Duplicate,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Applied => "applied",
            Outcome::Stale => "stale",
            Outcome::Deferred => "deferred",
            Outcome::Ignored => "ignored",
            Outcome::Unmatched => "unmatched",
            Outcome::Duplicate => "duplicate",
        }
    }
}

/// Stores and applies one event whose signature the caller verified. A body that is not an
/// event is `BadRequest` and stores nothing; a failure to store or apply is an error, and the
/// gateway delivers the event again.
pub async fn receive(checkout: &Checkout, body: &[u8]) -> Result<Outcome> {
    let payload: Value = serde_json::from_slice(body)
        .map_err(|err| AppError::BadRequest(format!("the body is not JSON: {err}")))?;
    let event: Event = serde_json::from_value(payload.clone())
        .map_err(|err| AppError::BadRequest(format!("the body is not a Stripe event: {err}")))?;
    let db = &checkout.db;
    if inbox::processed(db.reader(), &event.id).await? {
        return Ok(Outcome::Duplicate);
    }
    let received = inbox::Received {
        event: &event,
        payload,
    };
    let Some(notice) = notice::read(&event) else {
        return inbox::settled(db, &received, None, Outcome::Ignored).await;
    };
    let Some(target) = apply::locate(db.reader(), &notice).await? else {
        return inbox::settled(db, &received, None, Outcome::Unmatched).await;
    };
    let payment = Some(&target.payment);
    let plan = match apply::plan(&target.payment, &notice) {
        apply::Plan::Skip(outcome) => return inbox::settled(db, &received, payment, outcome).await,
        plan => plan,
    };
    inbox::store(db, &received, payment, None).await?;
    let outcome = apply::carry_out(checkout, &target, &notice, plan).await?;
    inbox::finish(db, &event.id, outcome).await?;
    Ok(outcome)
}
