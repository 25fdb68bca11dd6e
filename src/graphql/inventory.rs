//! Stock on the GraphQL side: the admin-only `InventoryLevel` and the stock mutations.

pub mod admin;
pub mod level;

pub use admin::AdminInventoryMutation;
