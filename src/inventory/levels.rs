//! Stock levels. Every change is one guarded `UPDATE … RETURNING`: the guard in its WHERE clause
//! keeps `0 <= reserved <= on_hand`, so a change that would break it matches no row and writes
//! nothing; the table's CHECK constraints back the guard up. Nothing reads a level and then writes
//! a value computed from that read without holding the row: a set reads the level `FOR UPDATE`
//! (SQLite's writer already holds the database) to know its delta, then applies the delta through
//! the same guarded update.
//!
//! A request that changes several variants changes them in ascending variant id order, so two
//! requests take row locks in the same order and never deadlock. Every change writes its ledger
//! row (and, when it moves `on_hand`, its outbox event) in the caller's transaction.

use chrono::Utc;
use entities::{inventory_level, prelude::*};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use uuid::Uuid;

use super::ledger::{self, Movement, MovementKind};
use crate::error::{AppError, InputErrorCode, Result};
use crate::stores::Store;

pub type Level = inventory_level::Model;

/// One requested change: an absolute quantity (set) or a delta (adjust).
#[derive(Debug, Clone)]
pub struct QuantityChange {
    pub variant_id: Uuid,
    pub quantity: i64,
}

/// Creates the stock level of a new variant and records its initial quantity.
pub async fn create_level(
    db: &impl ConnectionTrait,
    store: &Store,
    variant_id: Uuid,
    on_hand: i64,
) -> Result<Level> {
    let now = Utc::now();
    let empty = Level {
        variant_id,
        store_id: store.id,
        on_hand: 0,
        reserved: 0,
        version: 0,
        updated_at: now,
    };
    let level = inventory_level::ActiveModel {
        on_hand: Set(on_hand),
        ..inventory_level::ActiveModel::from(empty.clone())
    }
    .insert(db)
    .await?;
    let movement = Movement {
        kind: MovementKind::Adjust,
        before: &empty,
        after: &level,
        reason: Some("initial"),
        reference: None,
    };
    ledger::record(db, store, movement).await?;
    Ok(level)
}

/// Sets absolute on-hand quantities (a stock count). A quantity below the units reserved, or
/// below zero, refuses the whole request.
pub async fn set_quantities(
    db: &impl ConnectionTrait,
    store: &Store,
    changes: &[QuantityChange],
    reason: &str,
) -> Result<Vec<Level>> {
    apply(db, store, changes, reason, Mode::Set).await
}

/// Adds deltas to on-hand quantities; a change that would leave fewer units on hand than are
/// reserved (or fewer than zero) refuses the whole request.
pub async fn adjust_quantities(
    db: &impl ConnectionTrait,
    store: &Store,
    changes: &[QuantityChange],
    reason: &str,
) -> Result<Vec<Level>> {
    apply(db, store, changes, reason, Mode::Adjust).await
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Set,
    Adjust,
}

impl Mode {
    /// The input list an error points into.
    fn input_name(self) -> &'static str {
        match self {
            Mode::Set => "quantities",
            Mode::Adjust => "changes",
        }
    }
}

async fn apply(
    db: &impl ConnectionTrait,
    store: &Store,
    changes: &[QuantityChange],
    reason: &str,
    mode: Mode,
) -> Result<Vec<Level>> {
    let invalid = |index: usize, code, message: &str| {
        AppError::invalid(
            &[mode.input_name(), &index.to_string(), "quantity"],
            code,
            message,
        )
    };
    if mode == Mode::Set
        && let Some(index) = changes.iter().position(|change| change.quantity < 0)
    {
        return Err(invalid(
            index,
            InputErrorCode::GreaterThanOrEqualTo,
            "quantity must be greater than or equal to 0",
        ));
    }
    let mut order: Vec<usize> = (0..changes.len()).collect();
    order.sort_by_key(|&index| changes[index].variant_id);
    let mut levels: Vec<Option<Level>> = vec![None; changes.len()];
    for index in order {
        let change = &changes[index];
        let delta = match mode {
            Mode::Adjust => change.quantity,
            Mode::Set => match locked(db, store, change.variant_id).await? {
                Some(level) => change.quantity - level.on_hand,
                None => return Err(not_found(mode, index)),
            },
        };
        let Some((before, after)) = shift(db, store, change.variant_id, delta, 0).await? else {
            return Err(match find(db, store, change.variant_id).await? {
                None => not_found(mode, index),
                Some(level) => invalid(
                    index,
                    InputErrorCode::GreaterThanOrEqualTo,
                    &format!(
                        "the change would leave fewer units on hand than the {} reserved",
                        level.reserved
                    ),
                ),
            });
        };
        let movement = Movement {
            kind: MovementKind::Adjust,
            before: &before,
            after: &after,
            reason: Some(reason),
            reference: None,
        };
        ledger::record(db, store, movement).await?;
        levels[index] = Some(after);
    }
    Ok(levels.into_iter().flatten().collect())
}

fn not_found(mode: Mode, index: usize) -> AppError {
    AppError::invalid(
        &[mode.input_name(), &index.to_string(), "variantId"],
        InputErrorCode::NotFound,
        "no variant with this id in the store",
    )
}

/// Holds `quantity` units for a cart if they are free; `None` when they are not. One guarded
/// update: `reserved + quantity <= on_hand`.
pub async fn reserve(
    db: &impl ConnectionTrait,
    store: &Store,
    variant_id: Uuid,
    quantity: i64,
    reference: &str,
) -> Result<Option<Level>> {
    move_reserved(
        db,
        store,
        variant_id,
        quantity,
        MovementKind::Reserve,
        reference,
    )
    .await
}

/// Gives back `quantity` held units; `None` when fewer are held.
pub async fn release(
    db: &impl ConnectionTrait,
    store: &Store,
    variant_id: Uuid,
    quantity: i64,
    reference: &str,
) -> Result<Option<Level>> {
    move_reserved(
        db,
        store,
        variant_id,
        -quantity,
        MovementKind::Release,
        reference,
    )
    .await
}

async fn move_reserved(
    db: &impl ConnectionTrait,
    store: &Store,
    variant_id: Uuid,
    delta: i64,
    kind: MovementKind,
    reference: &str,
) -> Result<Option<Level>> {
    move_units(db, store, variant_id, (0, delta), kind, reference).await
}

/// Shifts a level by `(on_hand, reserved)` deltas and records the movement.
async fn move_units(
    db: &impl ConnectionTrait,
    store: &Store,
    variant_id: Uuid,
    (on_hand_delta, reserved_delta): (i64, i64),
    kind: MovementKind,
    reference: &str,
) -> Result<Option<Level>> {
    let Some((before, after)) = shift(db, store, variant_id, on_hand_delta, reserved_delta).await?
    else {
        return Ok(None);
    };
    let movement = Movement {
        kind,
        before: &before,
        after: &after,
        reason: None,
        reference: Some(reference),
    };
    ledger::record(db, store, movement).await?;
    Ok(Some(after))
}

/// Sells `quantity` held units: they leave `on_hand` and `reserved` together. `None` when fewer
/// are held.
pub async fn sell(
    db: &impl ConnectionTrait,
    store: &Store,
    variant_id: Uuid,
    quantity: i64,
    reference: &str,
) -> Result<Option<Level>> {
    move_units(
        db,
        store,
        variant_id,
        (-quantity, -quantity),
        MovementKind::Sell,
        reference,
    )
    .await
}

/// Puts `quantity` sold units back on hand (a cancelled order).
pub async fn restock(
    db: &impl ConnectionTrait,
    store: &Store,
    variant_id: Uuid,
    quantity: i64,
    reference: &str,
) -> Result<Option<Level>> {
    move_units(
        db,
        store,
        variant_id,
        (quantity, 0),
        MovementKind::Restock,
        reference,
    )
    .await
}

/// Records that the stock of variants about to be deleted leaves with them: their levels are
/// locked in id order and the ledger takes each to zero, so it still sums to the (now absent)
/// level. Call before deleting the variants, in the same transaction.
pub async fn retire(
    db: &impl ConnectionTrait,
    store: &Store,
    variant_ids: &[Uuid],
    reason: &str,
) -> Result<()> {
    for level in lock_all(db, store, variant_ids).await? {
        let gone = Level {
            on_hand: 0,
            reserved: 0,
            updated_at: Utc::now(),
            ..level.clone()
        };
        let movement = Movement {
            kind: MovementKind::Adjust,
            before: &level,
            after: &gone,
            reason: Some(reason),
            reference: None,
        };
        ledger::record(db, store, movement).await?;
    }
    Ok(())
}

/// The one way a level changes: `on_hand += on_hand_delta, reserved += reserved_delta` in a
/// single UPDATE whose WHERE clause keeps `0 <= reserved <= on_hand`. Returns the level before
/// and after, or `None` when the guard (or the store, or the variant) matched no row.
async fn shift(
    db: &impl ConnectionTrait,
    store: &Store,
    variant_id: Uuid,
    on_hand_delta: i64,
    reserved_delta: i64,
) -> Result<Option<(Level, Level)>> {
    use inventory_level::Column;
    let on_hand = Expr::col(Column::OnHand).add(on_hand_delta);
    let reserved = Expr::col(Column::Reserved).add(reserved_delta);
    let updated = InventoryLevel::update_many()
        .col_expr(Column::OnHand, on_hand.clone())
        .col_expr(Column::Reserved, reserved.clone())
        .col_expr(Column::Version, Expr::col(Column::Version).add(1))
        .col_expr(Column::UpdatedAt, Expr::val(Utc::now()))
        .filter(Column::StoreId.eq(store.id))
        .filter(Column::VariantId.eq(variant_id))
        .filter(reserved.clone().gte(0))
        .filter(reserved.lte(on_hand))
        .exec_with_returning(db)
        .await?;
    Ok(updated.into_iter().next().map(|after| {
        let before = Level {
            on_hand: after.on_hand - on_hand_delta,
            reserved: after.reserved - reserved_delta,
            version: after.version - 1,
            ..after.clone()
        };
        (before, after)
    }))
}

/// The level of a variant of this store, locked for the rest of the transaction on PostgreSQL
/// (on SQLite the writer's IMMEDIATE transaction already excludes other writers).
pub async fn locked(
    db: &impl ConnectionTrait,
    store: &Store,
    variant_id: Uuid,
) -> Result<Option<Level>> {
    Ok(level_of(store, variant_id).lock_exclusive().one(db).await?)
}

/// The level of a variant of this store, as last committed.
pub async fn find(
    db: &impl ConnectionTrait,
    store: &Store,
    variant_id: Uuid,
) -> Result<Option<Level>> {
    Ok(level_of(store, variant_id).one(db).await?)
}

fn level_of(store: &Store, variant_id: Uuid) -> sea_orm::Select<InventoryLevel> {
    InventoryLevel::find_by_id(variant_id).filter(inventory_level::Column::StoreId.eq(store.id))
}

/// Locks the levels of these variants, in ascending variant id order, for the rest of the
/// transaction: for a caller about to write rows that a variant's deletion would cascade to.
pub async fn lock_all(
    db: &impl ConnectionTrait,
    store: &Store,
    variant_ids: &[Uuid],
) -> Result<Vec<Level>> {
    Ok(InventoryLevel::find()
        .filter(inventory_level::Column::StoreId.eq(store.id))
        .filter(inventory_level::Column::VariantId.is_in(variant_ids.iter().copied()))
        .order_by_asc(inventory_level::Column::VariantId)
        .lock_exclusive()
        .all(db)
        .await?)
}

/// Stock levels of many variants of a store, for batched reads.
pub async fn levels_of(
    db: &impl ConnectionTrait,
    store: &Store,
    variant_ids: &[Uuid],
) -> Result<Vec<Level>> {
    Ok(InventoryLevel::find()
        .filter(inventory_level::Column::StoreId.eq(store.id))
        .filter(inventory_level::Column::VariantId.is_in(variant_ids.iter().copied()))
        .all(db)
        .await?)
}
