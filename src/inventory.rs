//! Stock levels and the append-only movement ledger. Every change of `on_hand` or `reserved` is one
//! conditional UPDATE plus one ledger row in the same transaction; nothing reads then writes.

use chrono::Utc;
use entities::{inventory_level, inventory_movement, prelude::*};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set,
    TransactionSession, TransactionTrait,
};
use uuid::Uuid;

use crate::error::{AppError, InputErrorCode, Result};
use crate::stores::Store;

/// One requested change: an absolute quantity (set) or a delta (adjust).
#[derive(Debug, Clone)]
pub struct QuantityChange {
    pub variant_id: Uuid,
    pub quantity: i64,
}

/// Stock of a variant as the API shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stock {
    pub on_hand: i64,
    pub reserved: i64,
}

impl Stock {
    /// Units that can still be sold or reserved.
    pub fn available(&self) -> i64 {
        std::cmp::max(self.on_hand - self.reserved, 0)
    }
}

impl From<&inventory_level::Model> for Stock {
    fn from(level: &inventory_level::Model) -> Self {
        Stock {
            on_hand: level.on_hand,
            reserved: level.reserved,
        }
    }
}

/// Creates the stock level of a new variant and records its initial quantity.
pub async fn create_level(
    db: &impl ConnectionTrait,
    store: &Store,
    variant_id: Uuid,
    on_hand: i64,
) -> Result<()> {
    inventory_level::ActiveModel {
        variant_id: Set(variant_id),
        store_id: Set(store.id),
        on_hand: Set(on_hand),
        reserved: Set(0),
        version: Set(0),
        updated_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    if on_hand != 0 {
        record(
            db,
            store,
            variant_id,
            "adjust",
            on_hand,
            on_hand,
            Some("initial"),
        )
        .await?;
    }
    Ok(())
}

/// Sets absolute on-hand quantities (a stock count), recording each change in the ledger.
pub async fn set_quantities(
    db: &impl TransactionTrait,
    store: &Store,
    changes: &[QuantityChange],
    reason: &str,
) -> Result<Vec<inventory_level::Model>> {
    apply(db, store, changes, reason, Mode::Set).await
}

/// Adds deltas to on-hand quantities; a change that would go below zero refuses the whole request.
pub async fn adjust_quantities(
    db: &impl TransactionTrait,
    store: &Store,
    changes: &[QuantityChange],
    reason: &str,
) -> Result<Vec<inventory_level::Model>> {
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
    db: &impl TransactionTrait,
    store: &Store,
    changes: &[QuantityChange],
    reason: &str,
    mode: Mode,
) -> Result<Vec<inventory_level::Model>> {
    let tx = db.begin().await?;
    let mut levels = Vec::with_capacity(changes.len());
    for (index, change) in changes.iter().enumerate() {
        let at = index.to_string();
        if mode == Mode::Set && change.quantity < 0 {
            return Err(AppError::invalid(
                &[mode.input_name(), &at, "quantity"],
                InputErrorCode::GreaterThanOrEqualTo,
                "quantity must be greater than or equal to 0",
            ));
        }
        let level = level_for_update(&tx, store, change.variant_id)
            .await?
            .ok_or_else(|| {
                AppError::invalid(
                    &[mode.input_name(), &at, "variantId"],
                    InputErrorCode::NotFound,
                    "no variant with this id in the store",
                )
            })?;
        let delta = match mode {
            Mode::Set => change.quantity - level.on_hand,
            Mode::Adjust => change.quantity,
        };
        let updated = InventoryLevel::update_many()
            .col_expr(
                inventory_level::Column::OnHand,
                Expr::col(inventory_level::Column::OnHand).add(delta),
            )
            .col_expr(
                inventory_level::Column::Version,
                Expr::col(inventory_level::Column::Version).add(1),
            )
            .col_expr(inventory_level::Column::UpdatedAt, Expr::val(Utc::now()))
            .filter(inventory_level::Column::VariantId.eq(change.variant_id))
            .filter(inventory_level::Column::StoreId.eq(store.id))
            .filter(Expr::col(inventory_level::Column::OnHand).add(delta).gte(0))
            .exec(&tx)
            .await?;
        if updated.rows_affected == 0 {
            return Err(AppError::invalid(
                &[mode.input_name(), &at, "delta"],
                InputErrorCode::GreaterThanOrEqualTo,
                "the change would leave less than 0 on hand",
            ));
        }
        let after = level.on_hand + delta;
        if delta != 0 {
            record(
                &tx,
                store,
                change.variant_id,
                "adjust",
                delta,
                after,
                Some(reason),
            )
            .await?;
        }
        levels.push(inventory_level::Model {
            on_hand: after,
            version: level.version + 1,
            ..level
        });
    }
    tx.commit().await?;
    Ok(levels)
}

/// The level of a variant of this store (locked for the rest of the transaction on PostgreSQL).
async fn level_for_update(
    db: &impl ConnectionTrait,
    store: &Store,
    variant_id: Uuid,
) -> Result<Option<inventory_level::Model>> {
    let mut query = InventoryLevel::find_by_id(variant_id)
        .filter(inventory_level::Column::StoreId.eq(store.id));
    if db.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        query = sea_orm::QuerySelect::lock_exclusive(query);
    }
    Ok(query.one(db).await?)
}

/// Stock levels of many variants of a store, for batched reads.
pub async fn levels_of(
    db: &impl ConnectionTrait,
    store: &Store,
    variant_ids: &[Uuid],
) -> Result<Vec<inventory_level::Model>> {
    Ok(InventoryLevel::find()
        .filter(inventory_level::Column::StoreId.eq(store.id))
        .filter(inventory_level::Column::VariantId.is_in(variant_ids.iter().copied()))
        .all(db)
        .await?)
}

async fn record(
    db: &impl ConnectionTrait,
    store: &Store,
    variant_id: Uuid,
    kind: &str,
    on_hand_delta: i64,
    on_hand_after: i64,
    reason: Option<&str>,
) -> Result<()> {
    inventory_movement::ActiveModel {
        id: Set(Uuid::now_v7()),
        store_id: Set(store.id),
        variant_id: Set(variant_id),
        kind: Set(kind.into()),
        on_hand_delta: Set(on_hand_delta),
        reserved_delta: Set(0),
        on_hand_after: Set(on_hand_after),
        reason: Set(reason.map(str::to_string)),
        reference: Set(None),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(())
}
