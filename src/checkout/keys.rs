//! Checkout idempotency keys (Stripe's semantics, Brandur Leach's recovery points). A key is
//! claimed in the transaction that places the order, so a key exists exactly when its first
//! phase committed. A claimed key records how far its checkout got (`authorizing`, then
//! `finished` with the response); whoever holds `locked_at` is driving it. The same key with the
//! same request returns the stored response; with another request it is refused; while another
//! request holds it, it is "in progress". Keys older than the retention window are forgotten.

use chrono::{DateTime, Duration, Utc};
use entities::idempotency_key::{self, Entity as Keys};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set,
};
use serde_json::Value as Json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::Outcome;
use crate::error::{AppError, Result};
use crate::stores::Store;

pub type Key = idempotency_key::Model;

/// How long a key is remembered (Stripe keeps them at least 24 hours).
pub const RETENTION: Duration = Duration::hours(24);

/// How far a checkout got.
pub const AUTHORIZING: &str = "authorizing";
pub const FINISHED: &str = "finished";
const STARTED: &str = "started";

/// What the key says about a request.
#[derive(Debug)]
pub enum Claim {
    /// A new key, now held by this request.
    Fresh(Key),
    /// A key whose checkout stopped between phases, now held by this request.
    Resume(Key),
    /// The stored response of a finished checkout.
    Replay(Outcome),
    /// The key came with another request.
    Reused,
    /// Another request holds the key right now.
    InUse,
}

/// The fingerprint of a request: everything that, changed, makes it another request.
pub fn fingerprint(parts: &[&str]) -> String {
    let mut hash = Sha256::new();
    for part in parts {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part.as_bytes());
    }
    format!("{:x}", hash.finalize())
}

/// Claims `key` for a request with fingerprint `request_hash` about `cart_id`. A holder that
/// has not been heard of for `lock_timeout` is presumed dead and its key taken over.
pub async fn claim(
    db: &impl ConnectionTrait,
    store: &Store,
    key: &str,
    request_hash: &str,
    cart_id: Uuid,
    lock_timeout: Duration,
) -> Result<Claim> {
    let now = Utc::now();
    if let Some(fresh) = insert(db, store, key, request_hash, cart_id, now).await? {
        return Ok(Claim::Fresh(fresh));
    }
    let existing = lock(db, store, key).await?.ok_or_else(|| {
        AppError::Internal(anyhow::anyhow!(
            "idempotency key {key} vanished under its lock"
        ))
    })?;
    if existing.created_at < now - RETENTION && existing.recovery_point == FINISHED {
        Keys::delete_by_id(existing.id).exec(db).await?;
        let fresh = insert(db, store, key, request_hash, cart_id, now).await?;
        return fresh.map(Claim::Fresh).ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!(
                "an expired idempotency key could not be renewed"
            ))
        });
    }
    if existing.request_hash != request_hash {
        return Ok(Claim::Reused);
    }
    if let Some(response) = &existing.response {
        let outcome = serde_json::from_value(response.clone())
            .map_err(|err| AppError::Internal(err.into()))?;
        return Ok(Claim::Replay(outcome));
    }
    if existing.locked_at.is_some_and(|at| at > now - lock_timeout) {
        return Ok(Claim::InUse);
    }
    Ok(Claim::Resume(hold(db, &existing, now).await?))
}

async fn insert(
    db: &impl ConnectionTrait,
    store: &Store,
    key: &str,
    request_hash: &str,
    cart_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<Key>> {
    let row = idempotency_key::ActiveModel {
        id: Set(Uuid::now_v7()),
        store_id: Set(store.id),
        key: Set(key.into()),
        request_hash: Set(request_hash.into()),
        cart_id: Set(cart_id),
        order_id: Set(None),
        payment_id: Set(None),
        recovery_point: Set(STARTED.into()),
        response: Set(None),
        locked_at: Set(Some(now)),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let inserted = Keys::insert(row)
        .on_conflict(
            OnConflict::columns([
                idempotency_key::Column::StoreId,
                idempotency_key::Column::Key,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    if inserted == 0 {
        return Ok(None);
    }
    lock(db, store, key).await
}

/// The key row, locked for the rest of the caller's transaction.
pub async fn lock(db: &impl ConnectionTrait, store: &Store, key: &str) -> Result<Option<Key>> {
    Ok(Keys::find()
        .filter(idempotency_key::Column::StoreId.eq(store.id))
        .filter(idempotency_key::Column::Key.eq(key))
        .lock_exclusive()
        .one(db)
        .await?)
}

/// Marks the key as held by the caller from `now`.
async fn hold(db: &impl ConnectionTrait, key: &Key, now: DateTime<Utc>) -> Result<Key> {
    let mut active: idempotency_key::ActiveModel = key.clone().into();
    active.locked_at = Set(Some(now));
    active.updated_at = Set(now);
    Ok(active.update(db).await?)
}

/// Records that the checkout placed its order and is asking the gateway.
pub async fn authorizing(
    db: &impl ConnectionTrait,
    key: &Key,
    order_id: Uuid,
    payment_id: Uuid,
) -> Result<()> {
    let mut active: idempotency_key::ActiveModel = key.clone().into();
    active.recovery_point = Set(AUTHORIZING.into());
    active.order_id = Set(Some(order_id));
    active.payment_id = Set(Some(payment_id));
    active.updated_at = Set(Utc::now());
    active.update(db).await?;
    Ok(())
}

/// Stores the final response and lets the key go.
pub async fn finish(db: &impl ConnectionTrait, key: &Key, outcome: &Outcome) -> Result<()> {
    let response = serde_json::to_value(outcome).map_err(|err| AppError::Internal(err.into()))?;
    let_go(db, key, Some(response)).await
}

/// Lets the key go without a response: the next request with it (or the completer) resumes.
pub async fn release(db: &impl ConnectionTrait, key: &Key) -> Result<()> {
    let_go(db, key, None).await
}

/// Unlocks the key, storing the response (and the recovery point `finished`) when there is one.
async fn let_go(db: &impl ConnectionTrait, key: &Key, response: Option<Json>) -> Result<()> {
    let mut update = Keys::update_many()
        .col_expr(
            idempotency_key::Column::LockedAt,
            Expr::value(None::<DateTime<Utc>>),
        )
        .col_expr(idempotency_key::Column::UpdatedAt, Expr::value(Utc::now()));
    if let Some(response) = response {
        update = update
            .col_expr(
                idempotency_key::Column::RecoveryPoint,
                Expr::value(FINISHED),
            )
            .col_expr(idempotency_key::Column::Response, Expr::value(response));
    }
    update
        .filter(idempotency_key::Column::Id.eq(key.id))
        .exec(db)
        .await?;
    Ok(())
}

/// Drops a key claimed by this transaction whose request ended without storing anything.
pub async fn forget(db: &impl ConnectionTrait, key: &Key) -> Result<()> {
    Keys::delete_by_id(key.id).exec(db).await?;
    Ok(())
}

/// Forgets keys past the retention window; returns how many.
pub async fn prune(db: &impl ConnectionTrait) -> Result<u64> {
    let pruned = Keys::delete_many()
        .filter(idempotency_key::Column::CreatedAt.lt(Utc::now() - RETENTION))
        .filter(idempotency_key::Column::RecoveryPoint.eq(FINISHED))
        .exec(db)
        .await?;
    Ok(pruned.rows_affected)
}
