//! What checkout does to a cart: it takes the cart out of shoppers' hands (`completing`) while
//! the payment runs, then either sells what the cart holds and closes it (`completed`), or gives
//! it back (`open`) with its holds refreshed so the shopper can retry with another card. A
//! `completing` cart cannot be edited and its holds are left alone by the expiry sweep.

use std::collections::BTreeMap;

use chrono::Utc;
use entities::cart::Entity as Carts;
use entities::{cart, inventory_reservation, prelude::InventoryReservation};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use super::{Cart, Lifetimes, Line, Status, holds, ledger_reference, read};
use crate::error::{AppError, Result};
use crate::inventory::levels;
use crate::stores::Store;

/// The cart with this id whatever its status, locked for the rest of the transaction.
pub async fn lock_by_id(
    db: &impl ConnectionTrait,
    store: &Store,
    id: Uuid,
) -> Result<Option<Cart>> {
    Ok(Carts::find_by_id(id)
        .filter(cart::Column::StoreId.eq(store.id))
        .lock_exclusive()
        .one(db)
        .await?)
}

/// The status a cart row has.
pub fn status_of(cart: &Cart) -> Status {
    [
        Status::Open,
        Status::Completing,
        Status::Completed,
        Status::Merged,
    ]
    .into_iter()
    .find(|status| status.as_str() == cart.status)
    .unwrap_or(Status::Open)
}

/// What `lines` want of each variant.
fn wanted_by(lines: &[Line]) -> BTreeMap<Uuid, i64> {
    let mut wanted: BTreeMap<Uuid, i64> = BTreeMap::new();
    for line in lines {
        *wanted.entry(line.variant_id).or_default() += i64::from(line.quantity);
    }
    wanted
}

/// Whether the cart holds exactly what its `lines` want (expired holds not swept yet count: their
/// units were never given back). One read; the usual case at checkout.
pub async fn holds_everything(
    db: &impl ConnectionTrait,
    store: &Store,
    cart: &Cart,
    lines: &[Line],
) -> Result<bool> {
    let held: BTreeMap<Uuid, i64> = read::reservations_of(db, store, cart.id)
        .await?
        .into_iter()
        .map(|hold| (hold.variant_id, hold.quantity))
        .collect();
    Ok(held == wanted_by(lines))
}

/// Makes `cart` hold what its `lines` want, reserving again what a lapsed hold gave back;
/// returns the variants it could not fully hold. Call inside a savepoint: on a shortfall the
/// caller rolls the partial holds back.
pub async fn hold_everything(
    db: &impl ConnectionTrait,
    store: &Store,
    cart: &Cart,
    lines: &[Line],
) -> Result<Vec<Uuid>> {
    let wanted = wanted_by(lines);
    let expires_at = Lifetimes::of(store).hold_expiry(Utc::now(), cart.expires_at);
    let held = holds::reconcile(db, store, cart, &wanted, expires_at).await?;
    Ok(wanted
        .into_iter()
        .filter(|(variant, want)| held.get(variant).copied().unwrap_or(0) < *want)
        .map(|(variant, _)| variant)
        .collect())
}

/// Moves a locked cart from `from` to `to`.
pub async fn set_status(
    db: &impl ConnectionTrait,
    store: &Store,
    cart: &Cart,
    from: Status,
    to: Status,
) -> Result<()> {
    let moved = Carts::update_many()
        .col_expr(cart::Column::Status, Expr::value(to.as_str()))
        .col_expr(cart::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(cart::Column::StoreId.eq(store.id))
        .filter(cart::Column::Id.eq(cart.id))
        .filter(cart::Column::Status.eq(from.as_str()))
        .exec(db)
        .await?;
    if moved.rows_affected != 1 {
        return Err(AppError::Conflict(format!(
            "cart {} is not {} any more",
            cart.id,
            from.as_str()
        )));
    }
    Ok(())
}

/// Gives a `completing` cart back to its shopper: open again, holds refreshed from now.
pub async fn reopen(db: &impl ConnectionTrait, store: &Store, cart: &Cart) -> Result<()> {
    set_status(db, store, cart, Status::Completing, Status::Open).await?;
    let expires_at = Lifetimes::of(store).hold_expiry(Utc::now(), cart.expires_at);
    holds::refresh_expiry(db, store, cart.id, expires_at).await
}

/// Sells everything a `completing` cart holds (its units leave stock, in ascending variant
/// order), deletes its reservations and marks it `completed`. Returns what was sold per variant.
pub async fn sell_holds(
    db: &impl ConnectionTrait,
    store: &Store,
    cart: &Cart,
) -> Result<Vec<(Uuid, i64)>> {
    // The cart row is already locked: closing it first keeps the levels (hot rows every checkout
    // of the variant needs) locked for as few statements as possible.
    set_status(db, store, cart, Status::Completing, Status::Completed).await?;
    let reference = ledger_reference(cart.id);
    let mut sold = Vec::new();
    for hold in read::reservations_of(db, store, cart.id).await? {
        levels::sell(db, store, hold.variant_id, hold.quantity, &reference)
            .await?
            .ok_or_else(|| {
                AppError::Internal(anyhow::anyhow!(
                    "the units cart {} holds of {} are not reserved",
                    cart.id,
                    hold.variant_id
                ))
            })?;
        sold.push((hold.variant_id, hold.quantity));
    }
    InventoryReservation::delete_many()
        .filter(inventory_reservation::Column::StoreId.eq(store.id))
        .filter(inventory_reservation::Column::CartId.eq(cart.id))
        .exec(db)
        .await?;
    Ok(sold)
}
