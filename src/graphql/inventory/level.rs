//! `InventoryLevel`: a variant's stock as the merchant sees it (admin only).

use async_graphql::SimpleObject;

use crate::inventory::Stock;

/// Stock of a variant (admin).
#[derive(SimpleObject)]
pub struct InventoryLevel {
    /// Units physically in stock.
    pub on_hand: i32,
    /// Units held by open carts.
    pub reserved: i32,
    /// Units that can still be sold: on hand minus reserved.
    pub available: i32,
}

impl From<Stock> for InventoryLevel {
    fn from(stock: Stock) -> Self {
        InventoryLevel {
            on_hand: clamp(stock.on_hand),
            reserved: clamp(stock.reserved),
            available: clamp(stock.available()),
        }
    }
}

/// A count for an `Int` field: GraphQL integers are 32-bit.
pub fn clamp(value: i64) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}
