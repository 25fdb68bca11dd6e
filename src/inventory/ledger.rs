//! The append-only stock ledger: one row per change of a level, with the change of `on_hand` and
//! `reserved` and the on-hand quantity after it. Rows are only ever inserted, in the transaction
//! that changes the level, so for every variant the deltas sum to its level.
//!
//! Every level change passes through `record`, so it is also where stock changes are announced:
//! a movement of `on_hand` (a count, a sale, a restock, stock leaving with its variant) writes an
//! `inventory_levels/update` outbox row in the same transaction. Movements of `reserved` alone
//! (carts holding and releasing units) announce nothing: they are the hot path, and what they
//! change is a hold, not the stock.
//!
//! It is also where cached responses learn that a variant came into stock or sold out: when a
//! change (holds included) flips whether any unit is free (`on_hand - reserved > 0`), the variant,
//! its product and the product listings are purged (`cache::invalidation`). Only a flip costs
//! anything (one read of the variant's product, one row); the cart's usual hold costs nothing
//! more. A level being created or retired with its variant is left to the catalog write that
//! creates or deletes the variant, which purges the same and more.

use chrono::Utc;
use entities::{inventory_level, inventory_movement, prelude::*, product_variant};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set,
};
use serde_json::json;
use uuid::Uuid;

use crate::cache::invalidation;
use crate::error::Result;
use crate::ids::{self, GidKind};
use crate::outbox::{self, Topic};
use crate::stores::Store;

/// Why a level changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MovementKind {
    /// A merchant's count or correction (set, adjust, initial stock, removal with the variant).
    Adjust,
    /// Units held for a cart.
    Reserve,
    /// Held units given back (expiry, removal from the cart).
    Release,
    /// Held units sold by a completed checkout.
    Sell,
    /// Sold units returned to stock (cancellation, return).
    Restock,
}

impl MovementKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MovementKind::Adjust => "adjust",
            MovementKind::Reserve => "reserve",
            MovementKind::Release => "release",
            MovementKind::Sell => "sell",
            MovementKind::Restock => "restock",
        }
    }
}

/// One change of a level: what it was before and after.
#[derive(Debug, Clone)]
pub struct Movement<'a> {
    pub kind: MovementKind,
    pub before: &'a inventory_level::Model,
    pub after: &'a inventory_level::Model,
    pub reason: Option<&'a str>,
    pub reference: Option<&'a str>,
}

/// Appends a movement, and announces it when it moved `on_hand`; a change that moves nothing is
/// not recorded.
pub async fn record(
    db: &impl ConnectionTrait,
    store: &Store,
    movement: Movement<'_>,
) -> Result<()> {
    let on_hand_delta = movement.after.on_hand - movement.before.on_hand;
    let reserved_delta = movement.after.reserved - movement.before.reserved;
    if on_hand_delta == 0 && reserved_delta == 0 {
        return Ok(());
    }
    inventory_movement::ActiveModel {
        id: Set(Uuid::now_v7()),
        store_id: Set(store.id),
        variant_id: Set(movement.after.variant_id),
        kind: Set(movement.kind.as_str().into()),
        on_hand_delta: Set(on_hand_delta),
        reserved_delta: Set(reserved_delta),
        on_hand_after: Set(movement.after.on_hand),
        reason: Set(movement.reason.map(str::to_string)),
        reference: Set(movement.reference.map(str::to_string)),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    if on_hand_delta != 0 {
        announce(db, store, movement.after).await?;
    }
    if flips_availability(&movement) {
        purge_availability(db, store, movement.after.variant_id).await?;
    }
    Ok(())
}

/// Whether the movement sold a variant out or brought it back. Levels created or retired with
/// their variant (the only movements that leave `version` alone) do not count: the catalog
/// write that creates or deletes the variant purges it.
fn flips_availability(movement: &Movement<'_>) -> bool {
    let available = |level: &inventory_level::Model| level.on_hand - level.reserved > 0;
    movement.before.version != movement.after.version
        && available(movement.before) != available(movement.after)
}

/// Owes the purge of a variant whose availability flipped: it, its product, the listings.
async fn purge_availability(
    db: &impl ConnectionTrait,
    store: &Store,
    variant_id: Uuid,
) -> Result<()> {
    let product_id: Option<Uuid> = ProductVariant::find_by_id(variant_id)
        .select_only()
        .column(product_variant::Column::ProductId)
        .filter(product_variant::Column::StoreId.eq(store.id))
        .into_tuple()
        .one(db)
        .await?;
    let Some(product_id) = product_id else {
        return Ok(());
    };
    let purged = invalidation::availability_tags(store.id, product_id, variant_id);
    invalidation::record(db, store, purged).await
}

/// Writes `inventory_levels/update` for a level as the movement left it, shaped like Shopify's
/// inventory level webhook; the inventory item is the variant.
async fn announce(
    db: &impl ConnectionTrait,
    store: &Store,
    level: &inventory_level::Model,
) -> Result<()> {
    let variant_gid = ids::encode(GidKind::ProductVariant, level.variant_id);
    let payload = json!({
        "inventory_item_id": variant_gid,
        "available": level.on_hand - level.reserved,
        "on_hand": level.on_hand,
        "updated_at": level.updated_at,
    });
    outbox::record(
        db,
        store,
        Topic::InventoryLevelsUpdate,
        variant_gid,
        payload,
    )
    .await?;
    Ok(())
}

/// The sums of a variant's ledger: `(on_hand, reserved)` as the movements add up.
pub async fn totals(
    db: &impl ConnectionTrait,
    store: &Store,
    variant_id: Uuid,
) -> Result<(i64, i64)> {
    let movements = InventoryMovement::find()
        .filter(inventory_movement::Column::StoreId.eq(store.id))
        .filter(inventory_movement::Column::VariantId.eq(variant_id))
        .all(db)
        .await?;
    Ok(movements.iter().fold((0, 0), |(on_hand, reserved), m| {
        (on_hand + m.on_hand_delta, reserved + m.reserved_delta)
    }))
}
