//! The cart's GraphQL side, as Shopify's Storefront API shapes it: the `Cart` with its lines (a
//! connection of the `BaseCartLine` interface), the `cart` query and the cart mutations, whose
//! payloads carry `userErrors` for refused input and `warnings` for lines clamped to the stock.

pub mod inputs;
pub mod line;
pub mod outcome;
pub mod storefront;
pub mod view;

pub use storefront::{CartMutation, CartQuery};
