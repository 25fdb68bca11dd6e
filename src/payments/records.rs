//! Our side of payments: one `payments` row per attempt to pay an order, moved by guarded
//! updates from the status the caller saw, and the append-only `payment_events` that record
//! every request sent to the gateway and every answer, in the transaction that acts on it.

use chrono::{DateTime, Utc};
use entities::payment::Entity as Payments;
use entities::payment_event::Entity as PaymentEvents;
use entities::{payment, payment_event};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::error::{AppError, Result};
use crate::stores::Store;

pub type Payment = payment::Model;

const AUTHORIZE_KEY_PREFIX: &str = "vitrine-authorize-";
pub type PaymentEvent = payment_event::Model;

/// Where a payment stands on our side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentStatus {
    /// Sent to the gateway (or about to be); the outcome is not known yet.
    Pending,
    Authorized,
    /// Some or all of the authorization taken (see `captured_minor`, `refunded_minor`).
    Captured,
    Voided,
    /// Everything captured was given back.
    Refunded,
    /// Declined, or never reached the gateway: nothing is held.
    Failed,
}

impl PaymentStatus {
    const ALL: [PaymentStatus; 6] = [
        PaymentStatus::Pending,
        PaymentStatus::Authorized,
        PaymentStatus::Captured,
        PaymentStatus::Voided,
        PaymentStatus::Refunded,
        PaymentStatus::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PaymentStatus::Pending => "pending",
            PaymentStatus::Authorized => "authorized",
            PaymentStatus::Captured => "captured",
            PaymentStatus::Voided => "voided",
            PaymentStatus::Refunded => "refunded",
            PaymentStatus::Failed => "failed",
        }
    }

    pub fn of(payment: &Payment) -> PaymentStatus {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == payment.status)
            .unwrap_or(PaymentStatus::Pending)
    }
}

/// A new attempt to pay `amount_minor` for an order: `pending`, with the idempotency key every
/// authorization request of this attempt will carry.
pub async fn start(
    db: &impl ConnectionTrait,
    store: &Store,
    order_id: Uuid,
    gateway: &str,
    amount_minor: i64,
    currency: &str,
) -> Result<Payment> {
    let id = Uuid::now_v7();
    let now = Utc::now();
    let payment = payment::ActiveModel {
        id: Set(id),
        store_id: Set(store.id),
        order_id: Set(order_id),
        gateway: Set(gateway.into()),
        idempotency_key: Set(authorize_key(id)),
        gateway_reference: Set(None),
        currency: Set(currency.into()),
        amount_minor: Set(amount_minor),
        captured_minor: Set(0),
        refunded_minor: Set(0),
        status: Set(PaymentStatus::Pending.as_str().into()),
        decline_code: Set(None),
        authorization_expires_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    record(
        db,
        store,
        &payment,
        "authorize_requested",
        amount_minor,
        json!({}),
    )
    .await?;
    Ok(payment)
}

/// The idempotency key of a follow-up request (`capture`, `void`, `refund-2`) of a payment.
pub fn operation_key(payment: &Payment, operation: &str) -> String {
    operation_key_of(payment.id, operation)
}

/// `operation_key` for a payment known only by its id (the gateway holds money under a key whose
/// payment row we do not have).
pub fn operation_key_of(payment_id: Uuid, operation: &str) -> String {
    format!("vitrine-{operation}-{payment_id}")
}

/// The key every authorization request of a payment carries.
fn authorize_key(payment_id: Uuid) -> String {
    format!("{AUTHORIZE_KEY_PREFIX}{payment_id}")
}

/// The payment an `authorize` idempotency key was made for; `None` for a key Vitrine never makes
/// (another spelling of the same uuid included).
pub fn payment_id_of(key: &str) -> Option<Uuid> {
    let id = key.strip_prefix(AUTHORIZE_KEY_PREFIX)?;
    let id = Uuid::try_parse(id).ok()?;
    (authorize_key(id) == key).then_some(id)
}

/// Appends an event to a payment's history.
pub async fn record(
    db: &impl ConnectionTrait,
    store: &Store,
    payment: &Payment,
    kind: &str,
    amount_minor: i64,
    detail: Value,
) -> Result<()> {
    payment_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        store_id: Set(store.id),
        payment_id: Set(payment.id),
        kind: Set(kind.into()),
        amount_minor: Set(amount_minor),
        gateway_reference: Set(payment.gateway_reference.clone()),
        detail: Set(detail),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// What a settled gateway answer changes on a payment row.
#[derive(Debug, Clone, Default)]
pub struct Change {
    pub status: Option<PaymentStatus>,
    pub reference: Option<String>,
    pub captured_minor: Option<i64>,
    pub refunded_minor: Option<i64>,
    pub decline_code: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// Applies `change` to the payment if it still has the status `from`; returns the payment as it
/// is now, or a conflict when another request moved it first.
pub async fn settle(
    db: &impl ConnectionTrait,
    store: &Store,
    payment: &Payment,
    from: PaymentStatus,
    change: Change,
) -> Result<Payment> {
    let mut update =
        Payments::update_many().col_expr(payment::Column::UpdatedAt, Expr::value(Utc::now()));
    if let Some(status) = change.status {
        update = update.col_expr(payment::Column::Status, Expr::value(status.as_str()));
    }
    if let Some(reference) = change.reference {
        update = update.col_expr(payment::Column::GatewayReference, Expr::value(reference));
    }
    if let Some(captured) = change.captured_minor {
        update = update.col_expr(payment::Column::CapturedMinor, Expr::value(captured));
    }
    if let Some(refunded) = change.refunded_minor {
        update = update.col_expr(payment::Column::RefundedMinor, Expr::value(refunded));
    }
    if let Some(code) = change.decline_code {
        update = update.col_expr(payment::Column::DeclineCode, Expr::value(code));
    }
    if let Some(expires_at) = change.expires_at {
        update = update.col_expr(
            payment::Column::AuthorizationExpiresAt,
            Expr::value(expires_at),
        );
    }
    let moved = update
        .filter(payment::Column::StoreId.eq(store.id))
        .filter(payment::Column::Id.eq(payment.id))
        .filter(payment::Column::Status.eq(from.as_str()))
        .exec_with_returning(db)
        .await?;
    moved.into_iter().next().ok_or_else(|| {
        AppError::Conflict(format!(
            "payment {} changed while it was being settled",
            payment.id
        ))
    })
}

pub async fn find(db: &impl ConnectionTrait, store: &Store, id: Uuid) -> Result<Option<Payment>> {
    Ok(Payments::find_by_id(id)
        .filter(payment::Column::StoreId.eq(store.id))
        .one(db)
        .await?)
}

/// The payment a gateway's notice is about, in whichever store: the one its authorize key names
/// (`payment_id`), else the one holding `reference`. Only for what the gateway tells us, which no
/// store scopes.
pub async fn named_by_gateway(
    db: &impl ConnectionTrait,
    payment_id: Option<Uuid>,
    reference: &str,
) -> Result<Option<Payment>> {
    let query = match payment_id {
        Some(id) => Payments::find_by_id(id),
        None => Payments::find().filter(payment::Column::GatewayReference.eq(reference)),
    };
    Ok(query.one(db).await?)
}

/// The payment with this id, locked for the rest of the caller's transaction.
pub async fn lock(db: &impl ConnectionTrait, store: &Store, id: Uuid) -> Result<Option<Payment>> {
    Ok(Payments::find_by_id(id)
        .filter(payment::Column::StoreId.eq(store.id))
        .lock_exclusive()
        .one(db)
        .await?)
}

/// An order's payments, oldest first.
pub async fn of_order(
    db: &impl ConnectionTrait,
    store: &Store,
    order_id: Uuid,
) -> Result<Vec<Payment>> {
    of_orders(db, store, &[order_id]).await
}

/// The payments of many orders, each order's oldest first.
pub async fn of_orders(
    db: &impl ConnectionTrait,
    store: &Store,
    order_ids: &[Uuid],
) -> Result<Vec<Payment>> {
    Ok(Payments::find()
        .filter(payment::Column::StoreId.eq(store.id))
        .filter(payment::Column::OrderId.is_in(order_ids.iter().copied()))
        .order_by_asc(payment::Column::CreatedAt)
        .order_by_asc(payment::Column::Id)
        .all(db)
        .await?)
}

/// A payment's history, oldest first.
pub async fn events_of(
    db: &impl ConnectionTrait,
    store: &Store,
    payment_id: Uuid,
) -> Result<Vec<PaymentEvent>> {
    events_of_payments(db, store, &[payment_id]).await
}

/// The histories of many payments, each oldest first.
pub async fn events_of_payments(
    db: &impl ConnectionTrait,
    store: &Store,
    payment_ids: &[Uuid],
) -> Result<Vec<PaymentEvent>> {
    Ok(PaymentEvents::find()
        .filter(payment_event::Column::StoreId.eq(store.id))
        .filter(payment_event::Column::PaymentId.is_in(payment_ids.iter().copied()))
        .order_by_asc(payment_event::Column::CreatedAt)
        .order_by_asc(payment_event::Column::Id)
        .all(db)
        .await?)
}
