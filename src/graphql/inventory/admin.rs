//! Admin stock mutations: absolute counts and deltas, both written to the stock ledger. Every
//! field starts with `admin_store`, so without the store's admin token nothing here runs.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

use super::level::clamp;
use crate::error::Result;
use crate::graphql::context;
use crate::graphql::errors::{UserError, with_user_errors};
use crate::graphql::inputs::decode_id;
use crate::ids::{self, GidKind};
use crate::inventory::Stock;
use crate::inventory::levels::{self, Level, QuantityChange};

#[derive(Default)]
pub struct AdminInventoryMutation;

/// A variant and a quantity (absolute for set, a delta for adjust).
#[derive(InputObject)]
pub struct InventoryQuantityInput {
    /// The variant whose stock changes.
    pub variant_id: ID,
    /// The quantity: units on hand (set) or units to add, negative to remove (adjust).
    pub quantity: i32,
}

/// A stock level after a change.
#[derive(SimpleObject)]
pub struct InventoryChange {
    /// The variant.
    pub variant_id: ID,
    /// Units on hand after the change.
    pub on_hand: i32,
    /// Units reserved by carts.
    pub reserved: i32,
    /// Units available to sell.
    pub available: i32,
}

/// The result of a stock mutation.
#[derive(SimpleObject)]
pub struct InventoryPayload {
    /// The levels after the change.
    pub inventory_levels: Option<Vec<InventoryChange>>,
    /// Why the input was refused (nothing changed then); empty on success.
    pub user_errors: Vec<UserError>,
}

const DEFAULT_REASON: &str = "correction";

#[Object]
impl AdminInventoryMutation {
    /// Sets units on hand (a stock count); every change is written to the stock ledger.
    async fn inventory_set_quantities(
        &self,
        ctx: &Context<'_>,
        quantities: Vec<InventoryQuantityInput>,
        reason: Option<String>,
    ) -> async_graphql::Result<InventoryPayload> {
        let store = context::admin_store(ctx)?;
        let reason = reason.unwrap_or_else(|| DEFAULT_REASON.into());
        let result = async {
            let changes = quantity_changes(&quantities, "quantities")?;
            context::write(ctx, async |tx| {
                levels::set_quantities(tx, store, &changes, &reason).await
            })
            .await
        };
        inventory_payload(result.await)
    }

    /// Adds or removes units on hand; a change below zero refuses the whole request.
    async fn inventory_adjust_quantities(
        &self,
        ctx: &Context<'_>,
        changes: Vec<InventoryQuantityInput>,
        reason: Option<String>,
    ) -> async_graphql::Result<InventoryPayload> {
        let store = context::admin_store(ctx)?;
        let reason = reason.unwrap_or_else(|| DEFAULT_REASON.into());
        let result = async {
            let changes = quantity_changes(&changes, "changes")?;
            context::write(ctx, async |tx| {
                levels::adjust_quantities(tx, store, &changes, &reason).await
            })
            .await
        };
        inventory_payload(result.await)
    }
}

fn quantity_changes(inputs: &[InventoryQuantityInput], field: &str) -> Result<Vec<QuantityChange>> {
    inputs
        .iter()
        .enumerate()
        .map(|(index, input)| {
            let path = [field, &index.to_string(), "variantId"];
            Ok(QuantityChange {
                variant_id: decode_id(GidKind::ProductVariant, &input.variant_id, &path)?,
                quantity: i64::from(input.quantity),
            })
        })
        .collect()
}

fn inventory_payload(result: Result<Vec<Level>>) -> async_graphql::Result<InventoryPayload> {
    let (levels, user_errors) = with_user_errors(result)?;
    let change = |level: Level| {
        let stock = Stock::from(&level);
        InventoryChange {
            variant_id: ID(ids::encode(GidKind::ProductVariant, level.variant_id)),
            on_hand: clamp(stock.on_hand),
            reserved: clamp(stock.reserved),
            available: clamp(stock.available()),
        }
    };
    Ok(InventoryPayload {
        inventory_levels: levels.map(|levels| levels.into_iter().map(change).collect()),
        user_errors,
    })
}
