//! The order state machine. `transition` is the only code that writes `orders.status`: it checks
//! the step is allowed, moves the row only if it still has the status the caller saw (a guarded
//! update), appends the step to the history and writes the outbox event for it.
//!
//! ```text
//! pending ──► confirmed ──► processing ──► shipped ──► delivered
//!    │            │  └──────────────────────►┘
//!    └────────────┴──────────┴──► cancelled
//! ```

use chrono::Utc;
use entities::order::Entity as Orders;
use entities::{order, order_event};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::{Order, payload};
use crate::error::{AppError, InputErrorCode, Result};
use crate::ids::{self, GidKind};
use crate::outbox::{self, Topic};
use crate::stores::Store;

/// Where an order stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Placed by checkout, payment not yet authorized.
    Pending,
    /// Paid for (authorized or captured): the merchant's to fulfil.
    Confirmed,
    /// The merchant is preparing it.
    Processing,
    /// Handed to the carrier.
    Shipped,
    Delivered,
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Pending,
        Status::Confirmed,
        Status::Processing,
        Status::Shipped,
        Status::Delivered,
        Status::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Confirmed => "confirmed",
            Status::Processing => "processing",
            Status::Shipped => "shipped",
            Status::Delivered => "delivered",
            Status::Cancelled => "cancelled",
        }
    }

    /// The status stored under `name` (`"confirmed"`); `Pending` for a name it does not know.
    pub fn named(name: &str) -> Status {
        Status::ALL
            .into_iter()
            .find(|status| status.as_str() == name)
            .unwrap_or(Status::Pending)
    }

    /// The status stored on an order row.
    pub fn of(order: &Order) -> Status {
        Status::named(&order.status)
    }

    /// Whether an order may move from `self` to `to`.
    pub fn can_become(self, to: Status) -> bool {
        use Status::*;
        matches!(
            (self, to),
            (Pending, Confirmed | Cancelled)
                | (Confirmed, Processing | Shipped | Cancelled)
                | (Processing, Shipped | Cancelled)
                | (Shipped, Delivered)
        )
    }

    /// The webhook topic announcing a move to this status.
    fn topic(self) -> Topic {
        match self {
            Status::Confirmed => Topic::OrdersCreate,
            Status::Shipped => Topic::OrdersFulfilled,
            Status::Cancelled => Topic::OrdersCancelled,
            _ => Topic::OrdersUpdated,
        }
    }
}

/// Who moved an order, as the history records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// The buyer's checkout request.
    Checkout,
    /// The background completer finishing a checkout left between phases.
    Completer,
    /// A merchant through the admin API.
    Merchant,
    /// The payment gateway, through a webhook event settling a checkout nobody else was
    /// finishing.
    Gateway,
}

impl Actor {
    pub fn as_str(self) -> &'static str {
        match self {
            Actor::Checkout => "checkout",
            Actor::Completer => "completer",
            Actor::Merchant => "merchant",
            Actor::Gateway => "gateway",
        }
    }
}

/// Moves `order` to `to`, recording who and why, and returns the order as it is now. An illegal
/// step is an input error on `id`; an order another request moved meanwhile is a conflict.
pub async fn transition(
    db: &impl ConnectionTrait,
    store: &Store,
    order: &Order,
    to: Status,
    actor: Actor,
    reason: Option<&str>,
) -> Result<Order> {
    let from = Status::of(order);
    if !from.can_become(to) {
        return Err(AppError::invalid(
            &["id"],
            InputErrorCode::IllegalTransition,
            format!(
                "an order that is {} can't become {}",
                from.as_str(),
                to.as_str()
            ),
        ));
    }
    let now = Utc::now();
    let mut update = Orders::update_many()
        .col_expr(order::Column::Status, Expr::value(to.as_str()))
        .col_expr(order::Column::UpdatedAt, Expr::value(now));
    match to {
        Status::Confirmed => update = update.col_expr(order::Column::ConfirmedAt, Expr::value(now)),
        Status::Cancelled => {
            update = update
                .col_expr(order::Column::CancelledAt, Expr::value(now))
                .col_expr(
                    order::Column::CancelReason,
                    Expr::value(reason.map(str::to_string)),
                );
        }
        _ => {}
    }
    let moved = update
        .filter(order::Column::StoreId.eq(store.id))
        .filter(order::Column::Id.eq(order.id))
        .filter(order::Column::Status.eq(from.as_str()))
        .exec_with_returning(db)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| {
            AppError::Conflict(format!(
                "order {} changed while it was being moved",
                order.id
            ))
        })?;
    order_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        store_id: Set(store.id),
        order_id: Set(order.id),
        from_status: Set(Some(from.as_str().into())),
        to_status: Set(to.as_str().into()),
        actor: Set(actor.as_str().into()),
        reason: Set(reason.map(str::to_string)),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    announce(db, store, &moved, to.topic()).await?;
    Ok(moved)
}

/// Records an order's first status (`pending`) in its history, when checkout creates it.
pub async fn record_placed(db: &impl ConnectionTrait, store: &Store, order: &Order) -> Result<()> {
    order_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        store_id: Set(store.id),
        order_id: Set(order.id),
        from_status: Set(None),
        to_status: Set(Status::Pending.as_str().into()),
        actor: Set(Actor::Checkout.as_str().into()),
        reason: Set(None),
        created_at: Set(order.created_at),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Writes the outbox event `topic` carrying the order as it is now.
pub async fn announce(
    db: &impl ConnectionTrait,
    store: &Store,
    order: &Order,
    topic: Topic,
) -> Result<()> {
    let lines = super::lines_of(db, store, order.id).await?;
    announce_with_lines(db, store, order, &lines, topic).await
}

/// `announce` for a caller that has the order's lines at hand.
pub async fn announce_with_lines(
    db: &impl ConnectionTrait,
    store: &Store,
    order: &Order,
    lines: &[super::OrderLine],
    topic: Topic,
) -> Result<()> {
    let body = payload::render(order, lines)?;
    let subject = ids::encode(GidKind::Order, order.id);
    outbox::record(db, store, topic, subject, body).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::Status::*;

    #[test]
    fn cancelling_is_possible_only_before_shipping() {
        for status in [Pending, Confirmed, Processing] {
            assert!(status.can_become(Cancelled), "{status:?}");
        }
        for status in [Shipped, Delivered, Cancelled] {
            assert!(!status.can_become(Cancelled), "{status:?}");
        }
    }

    #[test]
    fn orders_only_move_forward() {
        assert!(Pending.can_become(Confirmed));
        assert!(Confirmed.can_become(Shipped));
        assert!(Shipped.can_become(Delivered));
        assert!(!Delivered.can_become(Shipped));
        assert!(!Confirmed.can_become(Pending));
        assert!(!Pending.can_become(Shipped));
        assert!(!Cancelled.can_become(Confirmed));
    }
}
