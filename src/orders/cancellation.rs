//! Cancelling an order before it ships: in one transaction the order becomes `cancelled` (its
//! `orders/cancelled` event) and its sold units go back on hand through the ledger; then, outside
//! the transaction, its payment is voided (not captured yet) or refunded (captured). A gateway
//! that fails then is retried by the completer, which voids or refunds the payments of every
//! cancelled order.
//!
//! A `pending` order is checkout's to settle (its payment may be in flight), not the merchant's.

use uuid::Uuid;

use super::fulfilment::illegal_transition;
use super::{Actor, Order, Status, lines_of, lock, transition};
use crate::db::Database;
use crate::error::{AppError, Result};
use crate::inventory::levels;
use crate::payments::PaymentGateway;
use crate::payments::operations;
use crate::payments::records::{self as payments, PaymentStatus};
use crate::stores::Store;

/// What the ledger records as the reason units came back from an order.
pub fn ledger_reference(order_id: Uuid) -> String {
    format!("order/{order_id}")
}

/// Cancels an order, restocks it, and gives the buyer's money back.
pub async fn cancel(
    db: &Database,
    gateway: &dyn PaymentGateway,
    store: &Store,
    order_id: Uuid,
    reason: &str,
) -> Result<Order> {
    let tx = db.begin().await?;
    let order = lock(&tx, store, order_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if Status::of(&order) == Status::Pending {
        return Err(illegal_transition(&order, Status::Cancelled));
    }
    let reason = Some(reason.trim()).filter(|r| !r.is_empty());
    let cancelled = transition(
        &tx,
        store,
        &order,
        Status::Cancelled,
        Actor::Merchant,
        reason,
    )
    .await?;
    let reference = ledger_reference(order.id);
    let mut lines = lines_of(&tx, store, order.id).await?;
    lines.sort_by_key(|line| line.variant_id);
    for line in lines {
        // A variant deleted since the sale has no stock to return to.
        if let Some(variant_id) = line.variant_id {
            levels::restock(&tx, store, variant_id, line.quantity, &reference).await?;
        }
    }
    tx.commit().await?;
    for payment in payments::of_order(db.reader(), store, order.id).await? {
        let answer = match PaymentStatus::of(&payment) {
            PaymentStatus::Authorized => operations::void(db, gateway, store, &payment).await?,
            PaymentStatus::Captured => operations::refund(db, gateway, store, &payment).await?,
            _ => continue,
        };
        if let Err(err) = answer {
            tracing::warn!(payment = %payment.id, error = %err, "giving back a cancelled order's payment failed; the completer retries");
        }
    }
    Ok(cancelled)
}
