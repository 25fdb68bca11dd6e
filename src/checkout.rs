//! Checkout: a cart becomes an order, paid once, in three phases that never hold a database lock
//! across the gateway call (DESIGN.md §5).
//!
//! 1. `place` (one transaction): claim the idempotency key, lock the cart (`completing`), hold
//!    every unit its lines want, price it, write the order `pending` with its line snapshots and
//!    a `pending` payment, and record the recovery point `authorizing`.
//! 2. Ask the gateway to authorize the total, under the payment's own idempotency key.
//! 3. `settle` (one transaction): on approval, sell the held units, confirm the order (its
//!    `orders/create` event), mark the payment authorized, close the cart; on a decline, fail the
//!    payment and give the cart back. The key stores the response either way.
//!
//! A checkout that stops between phases (a crash, a lost gateway answer) is finished by the same
//! request retried with its key, or by the completer, which asks the gateway what happened.

#![deny(clippy::float_arithmetic, clippy::float_cmp)]

pub mod completer;
pub mod input;
mod keys;
mod place;
pub mod settle;

use std::sync::Arc;

use chrono::Duration;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use input::{Address, CheckoutInput};
pub use keys::RETENTION as KEY_RETENTION;

use crate::crash;
use crate::db::Database;
use crate::error::{AppError, Result};
use crate::payments::records::{self, PaymentStatus};
use crate::payments::{PaymentGateway, operations};
use crate::stores::{CapturePolicy, Store};

/// A checkout request.
#[derive(Debug, Clone)]
pub struct Request {
    /// The cart's token (the secret part of its id).
    pub cart_token: String,
    /// Chosen by the client; the same key always gets the same answer.
    pub idempotency_key: String,
    pub input: CheckoutInput,
}

/// What checkout needs besides the request.
#[derive(Clone)]
pub struct Checkout {
    pub db: Database,
    pub gateway: Arc<dyn PaymentGateway>,
    /// How long a key's holder may stay silent before it is presumed dead.
    pub lock_timeout: Duration,
}

/// Why a checkout did not (or not yet) make an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RefusalCode {
    /// A missing or malformed input part (see `field`).
    Invalid,
    /// The card was declined; the cart is open again and keeps its holds.
    PaymentDeclined,
    /// The payment could not be made (the gateway never took it); nothing was charged.
    PaymentFailed,
    /// The gateway's answer is not known yet; retry with the same key.
    PaymentPending,
    /// Some lines can no longer be held (see `line_ids`).
    MerchandiseOutOfStock,
    CartExpired,
    /// The cart already became an order (see `order_id`).
    CartAlreadyCompleted,
    /// The key came with a different request.
    IdempotencyKeyReused,
    /// Another request with this key, or another checkout of this cart, is running.
    CheckoutInProgress,
}

/// One reason, with the path of the input at fault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub code: RefusalCode,
    pub field: Vec<String>,
    pub message: String,
    /// The cart lines concerned (`MerchandiseOutOfStock`).
    #[serde(default)]
    pub line_ids: Vec<Uuid>,
}

impl Refusal {
    pub fn new(code: RefusalCode, field: Vec<String>, message: &str) -> Refusal {
        Refusal {
            code,
            field,
            message: message.into(),
            line_ids: Vec::new(),
        }
    }
}

/// A checkout's answer, stored under its key once final.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub order_id: Option<Uuid>,
    /// The buyer's secret to read the order; given only with the order it opens.
    pub order_token: Option<String>,
    pub refusals: Vec<Refusal>,
}

impl Outcome {
    pub fn refused(refusal: Refusal) -> Outcome {
        Outcome {
            refusals: vec![refusal],
            ..Outcome::default()
        }
    }
}

impl Checkout {
    /// `complete` in a task of its own, so that it runs to its end even if the caller is
    /// dropped (a shopper's browser or client that hangs up mid-request): the checkout is then
    /// finished at once, not left between phases for the completer.
    pub async fn complete_detached(&self, store: &Store, request: Request) -> Result<Outcome> {
        let (checkout, store) = (self.clone(), store.clone());
        match tokio::spawn(async move { checkout.complete(&store, request).await }).await {
            Ok(outcome) => outcome,
            // A checkout that panicked takes its caller down with it, as it did in place.
            Err(failed) if failed.is_panic() => std::panic::resume_unwind(failed.into_panic()),
            Err(failed) => Err(AppError::Internal(anyhow::anyhow!(
                "the checkout task failed: {failed}"
            ))),
        }
    }

    /// Runs a checkout to its end, or as far as the gateway lets it.
    pub async fn complete(&self, store: &Store, request: Request) -> Result<Outcome> {
        let input = match input::validate(&request.input) {
            Ok(input) => input,
            Err(refusals) => {
                return Ok(Outcome {
                    refusals,
                    ..Outcome::default()
                });
            }
        };
        let request = Request { input, ..request };
        let attempt = match place::place(self, store, &request).await? {
            place::Placed::Answered(outcome) => return Ok(outcome),
            place::Placed::Authorize(attempt) => attempt,
        };
        crash::point("checkout::after_place", store);
        let answer = settle::authorize(self.gateway.as_ref(), &attempt, &request.input).await;
        crash::point("checkout::after_authorize", store);
        let outcome = settle::settle(
            self,
            store,
            &attempt,
            answer,
            crate::orders::Actor::Checkout,
        )
        .await?;
        if outcome.order_token.is_some()
            && let Err(err) = self.capture_at_once(store, &attempt).await
        {
            tracing::warn!(order = %attempt.order.id, error = %err, "capture at checkout failed; the completer retries");
        }
        Ok(outcome)
    }

    /// Takes the money of a just-confirmed order if the store captures at once. A capture that
    /// fails is left to the completer, which captures every such payment later.
    async fn capture_at_once(&self, store: &Store, attempt: &place::Attempt) -> Result<()> {
        if attempt.order.capture_policy != CapturePolicy::Immediate.as_str() {
            return Ok(());
        }
        let Some(payment) = records::find(self.db.reader(), store, attempt.payment.id).await?
        else {
            return Ok(());
        };
        if PaymentStatus::of(&payment) != PaymentStatus::Authorized {
            return Ok(());
        }
        operations::capture(&self.db, self.gateway.as_ref(), store, &payment)
            .await?
            .map(|_| ())
            .map_err(|err| AppError::Internal(err.into()))
    }
}
