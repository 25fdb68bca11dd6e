//! The completer: finishes what checkouts and payment follow-ups left half done, in every server
//! at once. Work is claimed with `FOR UPDATE SKIP LOCKED` and stamped, so two servers never work
//! on one item at the same moment; everything it does is idempotent at the gateway anyway.
//!
//! - A checkout stopped between phases (its key `authorizing`, its holder silent): the gateway
//!   is asked what it holds under the payment's key; an authorization confirms the order, nothing
//!   fails the payment and gives the cart back.
//! - An authorized payment that should be captured (the store captures at once, or the
//!   authorization lapses soon), voided (its order was cancelled) or refunded (cancelled after
//!   capture) and is not.
//! - Idempotency keys past their retention are forgotten.

use chrono::{Duration, Utc};
use entities::idempotency_key::{self, Entity as Keys};
use entities::order::{self, Entity as Orders};
use entities::payment::{self, Entity as Payments};
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType, Query};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use super::place::Attempt;
use super::settle::{self, Verdict};
use super::{Checkout, keys};
use crate::error::{AppError, Result};
use crate::orders::{self, Actor, Status};
use crate::payments::operations;
use crate::payments::records::{self as payments, Payment, PaymentStatus};
use crate::stores::{self, CapturePolicy, Store};

/// Items claimed per pass.
const BATCH: u64 = 50;
/// An authorization this close to lapsing is captured (or voided) now.
const EXPIRY_MARGIN: Duration = Duration::hours(24);

/// One pass over everything left half done; returns how many items it handled.
pub async fn pass(checkout: &Checkout, settle_after: Duration) -> Result<usize> {
    let stuck = finish_stuck_checkouts(checkout, settle_after).await?;
    let followed = follow_up_payments(checkout, settle_after).await?;
    let tx = checkout.db.begin().await?;
    keys::prune(&tx).await?;
    tx.commit().await?;
    Ok(stuck + followed)
}

/// Resolves checkouts whose key has been `authorizing` for `settle_after` with no live holder.
pub async fn finish_stuck_checkouts(checkout: &Checkout, settle_after: Duration) -> Result<usize> {
    let now = Utc::now();
    let tx = checkout.db.begin().await?;
    let silent = Condition::any()
        .add(idempotency_key::Column::LockedAt.is_null())
        .add(idempotency_key::Column::LockedAt.lt(now - checkout.lock_timeout));
    let stuck = Keys::find()
        .filter(idempotency_key::Column::RecoveryPoint.eq(keys::AUTHORIZING))
        .filter(idempotency_key::Column::UpdatedAt.lt(now - settle_after))
        .filter(silent)
        .limit(BATCH)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .all(&tx)
        .await?;
    Keys::update_many()
        .col_expr(idempotency_key::Column::LockedAt, Expr::value(now))
        .col_expr(idempotency_key::Column::UpdatedAt, Expr::value(now))
        .filter(idempotency_key::Column::Id.is_in(stuck.iter().map(|key| key.id)))
        .exec(&tx)
        .await?;
    tx.commit().await?;
    for key in &stuck {
        if let Err(err) = finish_one(checkout, key).await {
            tracing::warn!(key = %key.id, error = %err, "could not finish a stopped checkout");
        }
    }
    Ok(stuck.len())
}

async fn finish_one(checkout: &Checkout, key: &keys::Key) -> Result<()> {
    let store = store_of(checkout, key.store_id).await?;
    let attempt = attempt_of(checkout, &store, key).await?;
    let verdict = match checkout
        .gateway
        .find_authorization(&attempt.payment.idempotency_key)
        .await
    {
        Ok(Some(authorization)) => Verdict::Approved(authorization),
        Ok(None) => Verdict::NothingHeld,
        Err(err) => Verdict::Unknown(err.to_string()),
    };
    settle::settle(checkout, &store, &attempt, verdict, Actor::Completer).await?;
    Ok(())
}

/// What became of a payment reconciliation or a webhook asked to settle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Settling {
    Settled,
    /// The checkout had finished already: its answer stands.
    Finished,
    /// A live request holds the payment's checkout key: it settles the payment itself.
    Busy,
    /// No checkout key names the payment.
    NoKey,
}

/// Settles a `pending` payment on what reconciliation or a gateway webhook learned from the
/// gateway, the way a stopped checkout is settled (through its key, unless a live request holds
/// it); `actor` is recorded as who moved the order.
pub(crate) async fn settle_payment(
    checkout: &Checkout,
    store: &Store,
    payment: &Payment,
    verdict: Verdict,
    actor: Actor,
) -> Result<Settling> {
    let key = Keys::find()
        .filter(idempotency_key::Column::StoreId.eq(store.id))
        .filter(idempotency_key::Column::PaymentId.eq(payment.id))
        .one(checkout.db.reader())
        .await?;
    let Some(key) = key else {
        return Ok(Settling::NoKey);
    };
    if key.recovery_point == keys::FINISHED {
        return Ok(Settling::Finished);
    }
    if key
        .locked_at
        .is_some_and(|at| at >= Utc::now() - checkout.lock_timeout)
    {
        return Ok(Settling::Busy);
    }
    let attempt = attempt_of(checkout, store, &key).await?;
    settle::settle(checkout, store, &attempt, verdict, actor).await?;
    Ok(Settling::Settled)
}

/// The order, payment and cart a checkout key placed.
async fn attempt_of(checkout: &Checkout, store: &Store, key: &keys::Key) -> Result<Attempt> {
    let missing = || {
        AppError::Internal(anyhow::anyhow!(
            "stopped checkout {} lost its order",
            key.id
        ))
    };
    let db = checkout.db.reader();
    let order = orders::find(db, store, key.order_id.ok_or_else(missing)?)
        .await?
        .ok_or_else(missing)?;
    let payment = payments::find(db, store, key.payment_id.ok_or_else(missing)?)
        .await?
        .ok_or_else(missing)?;
    let cart = crate::cart::read::find_by_id(db, store, key.cart_id)
        .await?
        .ok_or_else(missing)?;
    Ok(Attempt {
        key: key.clone(),
        cart,
        order,
        payment,
    })
}

/// What a payment is owed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FollowUp {
    Capture,
    Void,
    Refund,
}

/// Captures, voids or refunds payments whose order calls for it and whose last change is at
/// least `settle_after` old (the request that should have done it had its chance).
pub async fn follow_up_payments(checkout: &Checkout, settle_after: Duration) -> Result<usize> {
    let now = Utc::now();
    let orders_where = |condition: Condition| {
        Query::select()
            .column(order::Column::Id)
            .from(Orders)
            .cond_where(condition)
            .to_owned()
    };
    let cancelled =
        || orders_where(Condition::all().add(order::Column::Status.eq(Status::Cancelled.as_str())));
    let capture_at_once = orders_where(
        Condition::all()
            .add(order::Column::CapturePolicy.eq(CapturePolicy::Immediate.as_str()))
            .add(order::Column::Status.ne(Status::Cancelled.as_str()))
            .add(order::Column::Status.ne(Status::Pending.as_str())),
    );
    let authorized = || payment::Column::Status.eq(PaymentStatus::Authorized.as_str());
    let due = Condition::any()
        .add(
            Condition::all().add(authorized()).add(
                Condition::any()
                    .add(payment::Column::OrderId.in_subquery(capture_at_once))
                    .add(payment::Column::AuthorizationExpiresAt.lt(now + EXPIRY_MARGIN))
                    .add(payment::Column::OrderId.in_subquery(cancelled())),
            ),
        )
        .add(
            Condition::all()
                .add(payment::Column::Status.eq(PaymentStatus::Captured.as_str()))
                .add(
                    Expr::col(payment::Column::RefundedMinor)
                        .lt(Expr::col(payment::Column::CapturedMinor)),
                )
                .add(payment::Column::OrderId.in_subquery(cancelled())),
        );
    let tx = checkout.db.begin().await?;
    let claimed = Payments::find()
        .filter(due)
        .filter(payment::Column::UpdatedAt.lt(now - settle_after))
        .limit(BATCH)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .all(&tx)
        .await?;
    Payments::update_many()
        .col_expr(payment::Column::UpdatedAt, Expr::value(now))
        .filter(payment::Column::Id.is_in(claimed.iter().map(|p| p.id)))
        .exec(&tx)
        .await?;
    tx.commit().await?;
    for payment in &claimed {
        if let Err(err) = follow_up(checkout, payment).await {
            tracing::warn!(payment = %payment.id, error = %err, "payment follow-up failed");
        }
    }
    Ok(claimed.len())
}

async fn follow_up(checkout: &Checkout, payment: &Payment) -> Result<()> {
    let store = store_of(checkout, payment.store_id).await?;
    let order = orders::find(checkout.db.reader(), &store, payment.order_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let cancelled = Status::of(&order) == Status::Cancelled;
    let action = match PaymentStatus::of(payment) {
        PaymentStatus::Authorized if cancelled => FollowUp::Void,
        PaymentStatus::Authorized => FollowUp::Capture,
        _ => FollowUp::Refund,
    };
    let gateway = checkout.gateway.as_ref();
    let db = &checkout.db;
    let answer = match action {
        FollowUp::Capture => operations::capture(db, gateway, &store, payment).await?,
        FollowUp::Void => operations::void(db, gateway, &store, payment).await?,
        FollowUp::Refund => operations::refund(db, gateway, &store, payment).await?,
    };
    if let Err(err) = answer {
        tracing::warn!(payment = %payment.id, ?action, error = %err, "the gateway refused a follow-up");
    }
    Ok(())
}

async fn store_of(checkout: &Checkout, store_id: Uuid) -> Result<Store> {
    stores::find_store(checkout.db.reader(), store_id)
        .await?
        .ok_or(AppError::NotFound)
}
