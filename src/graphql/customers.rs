//! Customer accounts on the GraphQL side, as Shopify's Storefront API has them: the `Customer`
//! type, `CustomerUserError`, the `customer` query and the `customerCreate`,
//! `customerAccessTokenCreate` and `customerAccessTokenDelete` mutations.

pub mod customer;
pub mod errors;
pub mod storefront;

pub use customer::Customer;
pub use storefront::{CustomerMutation, CustomerQuery};
