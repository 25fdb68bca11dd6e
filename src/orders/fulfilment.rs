//! What a merchant does with a confirmed order: start preparing it, ship it (capturing the
//! payment first when the store captures on fulfilment: nothing ships unpaid) and mark it
//! delivered. Each step is one call of the state machine.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, Set};
use uuid::Uuid;

use super::{Actor, Order, Status, lock, transition};
use crate::db::Database;
use crate::error::{AppError, InputErrorCode, Result};
use crate::payments::PaymentGateway;
use crate::payments::operations;
use crate::payments::records::{self as payments, PaymentStatus};
use crate::stores::Store;

/// `confirmed → processing`.
pub async fn start_processing(db: &Database, store: &Store, order_id: Uuid) -> Result<Order> {
    move_to(db, store, order_id, Status::Processing, None).await
}

/// `shipped → delivered`.
pub async fn mark_delivered(db: &Database, store: &Store, order_id: Uuid) -> Result<Order> {
    move_to(db, store, order_id, Status::Delivered, None).await
}

/// Ships an order: captures its authorized payment first (outside any transaction) if it is
/// not captured yet, then records the tracking number and moves it to `shipped`.
pub async fn fulfil(
    db: &Database,
    gateway: &dyn PaymentGateway,
    store: &Store,
    order_id: Uuid,
    tracking_number: Option<String>,
) -> Result<Order> {
    let order = super::find(db.reader(), store, order_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !Status::of(&order).can_become(Status::Shipped) {
        return Err(illegal_transition(&order, Status::Shipped));
    }
    for payment in payments::of_order(db.reader(), store, order.id).await? {
        if PaymentStatus::of(&payment) == PaymentStatus::Authorized
            && let Err(err) = operations::capture(db, gateway, store, &payment).await?
        {
            return Err(AppError::invalid(
                &["id"],
                InputErrorCode::Invalid,
                format!("the payment could not be captured, so the order was not shipped: {err}"),
            ));
        }
    }
    move_to(db, store, order_id, Status::Shipped, tracking_number).await
}

async fn move_to(
    db: &Database,
    store: &Store,
    order_id: Uuid,
    to: Status,
    tracking_number: Option<String>,
) -> Result<Order> {
    let tx = db.begin().await?;
    let mut order = lock(&tx, store, order_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if let Some(tracking) = tracking_number.filter(|t| !t.trim().is_empty()) {
        let mut active: entities::order::ActiveModel = order.into();
        active.tracking_number = Set(Some(tracking.trim().to_string()));
        active.updated_at = Set(Utc::now());
        order = active.update(&tx).await?;
    }
    let moved = transition(&tx, store, &order, to, Actor::Merchant, None).await?;
    tx.commit().await?;
    Ok(moved)
}

pub(super) fn illegal_transition(order: &Order, to: Status) -> AppError {
    AppError::invalid(
        &["id"],
        InputErrorCode::IllegalTransition,
        format!(
            "an order that is {} can't become {}",
            Status::of(order).as_str(),
            to.as_str()
        ),
    )
}
