//! The stock a cart holds: one reservation row per variant, whose quantities the levels'
//! `reserved` count. `reconcile` makes a cart hold what its lines want, as far as stock allows:
//! it reserves the missing units (or as many as are free) and releases the surplus, variant by
//! variant in ascending id order, then writes the cart's reservation rows and pushes back their
//! expiry. Expired rows the sweep has not reached yet still count as held: their units were never
//! given back.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use entities::{inventory_reservation, prelude::*};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::read::{self, Reservation};
use super::{Cart, ledger_reference};
use crate::error::{AppError, Result};
use crate::inventory::levels;
use crate::stores::Store;

/// Makes `cart` hold `wanted` units of each variant (variants absent from `wanted` are released)
/// and returns what it holds afterwards, which is less than wanted where stock ran short.
pub async fn reconcile(
    db: &impl ConnectionTrait,
    store: &Store,
    cart: &Cart,
    wanted: &BTreeMap<Uuid, i64>,
    expires_at: DateTime<Utc>,
) -> Result<BTreeMap<Uuid, i64>> {
    let current: BTreeMap<Uuid, Reservation> = read::reservations_of(db, store, cart.id)
        .await?
        .into_iter()
        .map(|r| (r.variant_id, r))
        .collect();
    let reference = ledger_reference(cart.id);
    let variants: BTreeSet<Uuid> = wanted.keys().chain(current.keys()).copied().collect();
    let mut held = BTreeMap::new();
    let mut rewritten = 0;
    for variant_id in variants {
        let want = wanted.get(&variant_id).copied().unwrap_or(0);
        let existing = current.get(&variant_id);
        let had = existing.map_or(0, |r| r.quantity);
        let now_held = if want > had {
            had + reserve_up_to(db, store, variant_id, want - had, &reference).await?
        } else if want < had {
            let released = levels::release(db, store, variant_id, had - want, &reference).await?;
            if released.is_none() {
                if levels::find(db, store, variant_id).await?.is_some() {
                    return Err(held_units_missing(variant_id));
                }
                // The variant was deleted since the cart was read: its level, reservation
                // rows and lines went with it, and its lines are clamped to nothing.
                continue;
            }
            want
        } else {
            had
        };
        if write_row(db, store, cart, variant_id, existing, now_held, expires_at).await? {
            rewritten += 1;
        }
        if now_held > 0 {
            held.insert(variant_id, now_held);
        }
    }
    if rewritten < current.len() {
        refresh_expiry(db, store, cart.id, expires_at).await?;
    }
    Ok(held)
}

/// Reserves `wanted` units, or as many as are free when fewer are. The guarded update is tried
/// first; when it falls short the level is locked (in the same ascending order as every change)
/// and what is free then is reserved, so a shopper is never told "out of stock" while units are
/// free.
async fn reserve_up_to(
    db: &impl ConnectionTrait,
    store: &Store,
    variant_id: Uuid,
    wanted: i64,
    reference: &str,
) -> Result<i64> {
    if levels::reserve(db, store, variant_id, wanted, reference)
        .await?
        .is_some()
    {
        return Ok(wanted);
    }
    let free = match levels::locked(db, store, variant_id).await? {
        Some(level) => std::cmp::min(wanted, level.on_hand - level.reserved),
        None => 0,
    };
    if free <= 0 {
        return Ok(0);
    }
    levels::reserve(db, store, variant_id, free, reference)
        .await?
        .ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!(
                "units of {variant_id} free under a row lock could not be reserved"
            ))
        })?;
    Ok(free)
}

/// Writes the cart's reservation row of a variant; returns whether an existing row was written
/// (with the new expiry) or deleted, so that it needs no refresh.
async fn write_row(
    db: &impl ConnectionTrait,
    store: &Store,
    cart: &Cart,
    variant_id: Uuid,
    existing: Option<&Reservation>,
    quantity: i64,
    expires_at: DateTime<Utc>,
) -> Result<bool> {
    match existing {
        Some(row) if quantity == 0 => {
            InventoryReservation::delete_by_id(row.id).exec(db).await?;
            Ok(true)
        }
        Some(row) if quantity != row.quantity => {
            inventory_reservation::ActiveModel {
                id: Set(row.id),
                quantity: Set(quantity),
                expires_at: Set(expires_at),
                ..Default::default()
            }
            .update(db)
            .await?;
            Ok(true)
        }
        Some(_) => Ok(false),
        None if quantity == 0 => Ok(false),
        None => {
            inventory_reservation::ActiveModel {
                id: Set(Uuid::now_v7()),
                store_id: Set(store.id),
                variant_id: Set(variant_id),
                cart_id: Set(cart.id),
                quantity: Set(quantity),
                expires_at: Set(expires_at),
                created_at: Set(Utc::now()),
            }
            .insert(db)
            .await?;
            Ok(false)
        }
    }
}

/// Pushes back the expiry of everything the cart holds: the cart was touched.
pub(super) async fn refresh_expiry(
    db: &impl ConnectionTrait,
    store: &Store,
    cart_id: Uuid,
    expires_at: DateTime<Utc>,
) -> Result<()> {
    InventoryReservation::update_many()
        .col_expr(
            inventory_reservation::Column::ExpiresAt,
            Expr::val(expires_at),
        )
        .filter(inventory_reservation::Column::StoreId.eq(store.id))
        .filter(inventory_reservation::Column::CartId.eq(cart_id))
        .filter(inventory_reservation::Column::ExpiresAt.ne(expires_at))
        .exec(db)
        .await?;
    Ok(())
}

/// Moves what `from` holds to `into` without touching the levels: the units stay reserved, for
/// another cart of the same buyer. Both carts must be locked.
pub async fn transfer(
    db: &impl ConnectionTrait,
    store: &Store,
    from: &Cart,
    into: &Cart,
) -> Result<()> {
    let theirs = read::reservations_of(db, store, from.id).await?;
    if theirs.is_empty() {
        return Ok(());
    }
    let ours: BTreeMap<Uuid, Reservation> = read::reservations_of(db, store, into.id)
        .await?
        .into_iter()
        .map(|r| (r.variant_id, r))
        .collect();
    for row in theirs {
        match ours.get(&row.variant_id) {
            Some(mine) => {
                inventory_reservation::ActiveModel {
                    id: Set(mine.id),
                    quantity: Set(mine.quantity + row.quantity),
                    ..Default::default()
                }
                .update(db)
                .await?;
                InventoryReservation::delete_by_id(row.id).exec(db).await?;
            }
            None => {
                inventory_reservation::ActiveModel {
                    id: Set(row.id),
                    cart_id: Set(into.id),
                    ..Default::default()
                }
                .update(db)
                .await?;
            }
        }
    }
    Ok(())
}

fn held_units_missing(variant_id: Uuid) -> AppError {
    AppError::Internal(anyhow::anyhow!(
        "a cart's reservation of {variant_id} is not counted in its level"
    ))
}
