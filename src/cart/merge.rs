//! When a signed-in customer's identity is put on a cart, the customer's other open carts move
//! into it: their lines join this cart's (same variant and attributes: quantities summed, capped
//! at a line's maximum with a warning) and what they hold becomes this cart's hold, so no unit is
//! released and re-reserved. They are marked merged. `Draft::save` then holds what the summed
//! lines want, clamping with warnings.
//!
//! The levels of every variant involved are locked (ascending) before any reservation or line
//! row moves: a variant's deletion locks its level before its cascade reaches those rows, so the
//! two wait on each other in one order only.

use chrono::Utc;
use entities::{cart, cart_line, prelude::*};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::draft::Draft;
use super::{Status, holds, read};
use crate::error::Result;
use crate::inventory::levels;

pub(super) async fn absorb_customer_carts(
    db: &impl ConnectionTrait,
    draft: &mut Draft<'_>,
    customer_id: Uuid,
) -> Result<()> {
    let store = draft.store();
    let others = read::lock_open_of_customer(db, store, customer_id, draft.cart.id).await?;
    if others.is_empty() {
        return Ok(());
    }
    let mut lines = Vec::new();
    for other in &others {
        lines.extend(read::lines_of(db, store, other.id).await?);
    }
    let mut variants: Vec<Uuid> = lines.iter().map(|line| line.variant_id).collect();
    variants.extend(draft.lines.iter().map(|line| line.variant_id));
    variants.sort();
    variants.dedup();
    levels::lock_all(db, store, &variants).await?;
    for other in &others {
        holds::transfer(db, store, other, &draft.cart).await?;
        CartLine::delete_many()
            .filter(cart_line::Column::StoreId.eq(store.id))
            .filter(cart_line::Column::CartId.eq(other.id))
            .exec(db)
            .await?;
        cart::ActiveModel {
            id: Set(other.id),
            status: Set(Status::Merged.as_str().into()),
            updated_at: Set(Utc::now()),
            ..Default::default()
        }
        .update(db)
        .await?;
    }
    draft.take_lines(lines);
    Ok(())
}
