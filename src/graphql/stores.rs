//! The store on the GraphQL side: the storefront `shop` query and the `storeUpdate` mutation.

pub mod admin;
pub mod shop;

pub use admin::AdminStoreMutation;
pub use shop::ShopQuery;
