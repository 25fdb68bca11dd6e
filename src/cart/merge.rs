//! When a signed-in customer's identity is put on a cart, the customer's other open cart moves
//! into it: its lines join this cart's (same variant and attributes: quantities summed) and what
//! it holds becomes this cart's hold, so no unit is released and re-reserved. The other cart is
//! marked merged. `Draft::save` then holds what the summed lines want, clamping with warnings.

use chrono::Utc;
use entities::{cart, cart_line, prelude::*};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::edit::Draft;
use super::{Status, holds, read};
use crate::error::Result;

pub(super) async fn absorb_customer_cart(
    db: &impl ConnectionTrait,
    draft: &mut Draft<'_>,
    customer_id: Uuid,
) -> Result<()> {
    let store = draft.store();
    let Some(other) = read::lock_open_of_customer(db, store, customer_id, draft.cart.id).await?
    else {
        return Ok(());
    };
    let lines = read::lines_of(db, store, other.id).await?;
    holds::transfer(db, store, &other, &draft.cart).await?;
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
    draft.take_lines(lines);
    Ok(())
}
