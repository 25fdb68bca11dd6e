//! Capturing, voiding and refunding a payment: the gateway is asked first, outside any
//! transaction, under an idempotency key derived from the payment (so asking twice never takes
//! money twice); then one transaction records the answer on the payment, if the payment is still
//! where the caller saw it, with its event and the order's outbox event.

use chrono::Utc;
use serde_json::json;

use super::records::{self, Change, Payment, PaymentStatus};
use super::{GatewayError, PaymentGateway};
use crate::db::Database;
use crate::error::{AppError, Result};
use crate::orders;
use crate::outbox::Topic;
use crate::stores::Store;

/// A follow-up request to the gateway about a payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Capture,
    Void,
    Refund,
}

impl Operation {
    /// The request (`capture`), as idempotency keys and reconciliation's audit name it.
    pub fn name(self) -> &'static str {
        match self {
            Operation::Capture => "capture",
            Operation::Void => "void",
            Operation::Refund => "refund",
        }
    }

    /// The payment event recorded when it succeeded (`captured`).
    pub fn done(self) -> &'static str {
        match self {
            Operation::Capture => "captured",
            Operation::Void => "voided",
            Operation::Refund => "refunded",
        }
    }
}

/// What the gateway said, once recorded.
pub type Settled = std::result::Result<Payment, GatewayError>;

/// Takes the whole authorized amount of an `authorized` payment.
pub async fn capture(
    db: &Database,
    gateway: &dyn PaymentGateway,
    store: &Store,
    payment: &Payment,
) -> Result<Settled> {
    let reference = reference_of(payment)?;
    let key = records::operation_key(payment, Operation::Capture.name());
    let answer = gateway.capture(reference, payment.amount_minor, &key).await;
    crate::crash::point("payments::after_capture", store);
    record(
        db,
        store,
        payment,
        PaymentStatus::Authorized,
        Operation::Capture,
        answer,
        |auth| {
            (
                Change {
                    status: Some(PaymentStatus::Captured),
                    captured_minor: Some(auth.captured_minor),
                    ..Change::default()
                },
                auth.captured_minor,
                Some(Topic::OrdersPaid),
            )
        },
    )
    .await
}

/// Releases the funds of an `authorized` payment.
pub async fn void(
    db: &Database,
    gateway: &dyn PaymentGateway,
    store: &Store,
    payment: &Payment,
) -> Result<Settled> {
    let reference = reference_of(payment)?;
    let key = records::operation_key(payment, Operation::Void.name());
    let answer = gateway.void(reference, &key).await;
    record(
        db,
        store,
        payment,
        PaymentStatus::Authorized,
        Operation::Void,
        answer,
        |_| {
            (
                Change {
                    status: Some(PaymentStatus::Voided),
                    ..Change::default()
                },
                0,
                Some(Topic::OrdersUpdated),
            )
        },
    )
    .await
}

/// Gives back everything captured and not yet refunded of a `captured` payment.
pub async fn refund(
    db: &Database,
    gateway: &dyn PaymentGateway,
    store: &Store,
    payment: &Payment,
) -> Result<Settled> {
    let reference = reference_of(payment)?;
    let amount = payment.captured_minor - payment.refunded_minor;
    let key = records::operation_key(payment, &format!("refund-{}", payment.refunded_minor));
    let answer = gateway
        .refund(reference, amount, &key)
        .await
        .map(|refund| refund.amount_minor);
    let refunded = payment.refunded_minor;
    let captured = payment.captured_minor;
    record(
        db,
        store,
        payment,
        PaymentStatus::Captured,
        Operation::Refund,
        answer,
        move |amount| {
            let total = refunded + amount;
            let status = (total >= captured).then_some(PaymentStatus::Refunded);
            (
                Change {
                    status,
                    refunded_minor: Some(total),
                    ..Change::default()
                },
                *amount,
                Some(Topic::OrdersUpdated),
            )
        },
    )
    .await
}

fn reference_of(payment: &Payment) -> Result<&str> {
    payment.gateway_reference.as_deref().ok_or_else(|| {
        AppError::Internal(anyhow::anyhow!(
            "payment {} has no gateway reference",
            payment.id
        ))
    })
}

/// Records the gateway's answer to `operation`: the change `apply` derives from a success (with
/// the amount moved and the order event to write), or a failed attempt.
async fn record<T>(
    db: &Database,
    store: &Store,
    payment: &Payment,
    from: PaymentStatus,
    operation: Operation,
    answer: std::result::Result<T, GatewayError>,
    apply: impl FnOnce(&T) -> (Change, i64, Option<Topic>),
) -> Result<Settled> {
    let tx = db.begin().await?;
    let Some(current) = records::lock(&tx, store, payment.id).await? else {
        return Err(AppError::NotFound);
    };
    let result = match answer {
        Ok(done) if PaymentStatus::of(&current) == from => {
            let (change, amount, topic) = apply(&done);
            let settled = records::settle(&tx, store, &current, from, change).await?;
            records::record(&tx, store, &settled, operation.done(), amount, json!({})).await?;
            if let Some(topic) = topic
                && let Some(order) = orders::find(&tx, store, settled.order_id).await?
            {
                orders::status::announce(&tx, store, &order, topic).await?;
            }
            Ok(settled)
        }
        // Someone recorded it first: the gateway answered them the same (same key).
        Ok(_) => Ok(current),
        Err(err) => {
            let detail = json!({"error": err.to_string(), "at": Utc::now()});
            records::record(
                &tx,
                store,
                &current,
                &format!("{}_failed", operation.name()),
                0,
                detail,
            )
            .await?;
            Err(err)
        }
    };
    tx.commit().await?;
    Ok(result)
}
