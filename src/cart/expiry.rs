//! Giving back units whose hold expired. Each server's worker (`workers`) wakes every tick and
//! releases expired reservations in batches, each batch one transaction: it locks the carts
//! that hold expired units, skipping carts another server (or an edit) has locked, releases their
//! expired units in ascending variant order and deletes those reservation rows. Servers never
//! release the same hold twice, and a cart being edited is left to its edit, which refreshes it.
//! A cart whose checkout is running (`completing`) keeps its holds: checkout sells them or gives
//! the cart back with fresh ones.

use std::collections::HashMap;

use chrono::Utc;
use entities::{cart, inventory_reservation, prelude::*, store};
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType, Query};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::ledger_reference;
use crate::db::Database;
use crate::error::{AppError, Result};
use crate::inventory::levels;

/// Carts handled per transaction.
const BATCH: u64 = 100;

/// Releases every expired hold, a batch at a time; returns how many carts it handled.
pub async fn release_all_expired(db: &Database) -> Result<usize> {
    let mut handled = 0;
    loop {
        let carts = release_expired(db).await?;
        handled += carts;
        if (carts as u64) < BATCH {
            return Ok(handled);
        }
    }
}

/// Releases the expired holds of up to `BATCH` carts in one transaction; returns how many carts
/// it handled.
pub async fn release_expired(db: &Database) -> Result<usize> {
    let tx = db.begin().await?;
    let now = Utc::now();
    let with_expired_holds = Query::select()
        .column(inventory_reservation::Column::CartId)
        .from(InventoryReservation)
        .and_where(Expr::col(inventory_reservation::Column::ExpiresAt).lte(now))
        .to_owned();
    let carts = Cart::find()
        .select_only()
        .column(cart::Column::Id)
        .filter(cart::Column::Id.in_subquery(with_expired_holds))
        .filter(cart::Column::Status.ne(super::Status::Completing.as_str()))
        .limit(BATCH)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .into_tuple::<Uuid>()
        .all(&tx)
        .await?;
    if carts.is_empty() {
        tx.commit().await?;
        return Ok(0);
    }
    let expired = InventoryReservation::find()
        .filter(inventory_reservation::Column::CartId.is_in(carts.iter().copied()))
        .filter(inventory_reservation::Column::ExpiresAt.lte(now))
        .order_by_asc(inventory_reservation::Column::VariantId)
        .order_by_asc(inventory_reservation::Column::CartId)
        .all(&tx)
        .await?;
    let stores: HashMap<Uuid, store::Model> = Store::find()
        .filter(store::Column::Id.is_in(expired.iter().map(|r| r.store_id)))
        .all(&tx)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    for hold in &expired {
        let store = stores.get(&hold.store_id).ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!(
                "a hold of a missing store {}",
                hold.store_id
            ))
        })?;
        let reference = ledger_reference(hold.cart_id);
        levels::release(&tx, store, hold.variant_id, hold.quantity, &reference)
            .await?
            .ok_or_else(|| {
                AppError::Internal(anyhow::anyhow!(
                    "an expired hold of {} is not counted in its level",
                    hold.variant_id
                ))
            })?;
    }
    InventoryReservation::delete_many()
        .filter(inventory_reservation::Column::Id.is_in(expired.iter().map(|r| r.id)))
        .exec(&tx)
        .await?;
    tx.commit().await?;
    Ok(carts.len())
}
