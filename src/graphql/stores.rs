//! The store on the GraphQL side: the storefront `shop` query, and the admin `storeUpdate`
//! mutation and `storeSettings` query.

pub mod admin;
pub mod brand;
pub mod edge;
pub mod policies;
pub mod settings;
pub mod shop;

pub use admin::AdminStoreMutation;
pub use settings::AdminStoreQuery;
pub use shop::ShopQuery;
