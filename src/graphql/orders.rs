//! Orders on the GraphQL side: the `Order` type in the shape Shopify's Storefront API gives it
//! (plus its status and history), the buyer's `order(id:, accessToken:)`, and the admin's
//! `orders` listing and fulfilment and cancellation mutations, with payments and their events.

pub mod admin;
pub mod loaders;
pub mod order;
pub mod parts;
pub mod payments;
pub mod storefront;

pub use admin::{AdminOrderMutation, AdminOrderQuery};
pub use order::Order;
pub use storefront::OrderQuery;
