//! SeaORM entities: one module per table of Vitrine's data model. Plain data, no GraphQL, no HTTP;
//! the domain modules of the `vitrine` crate give them meaning.

pub mod prelude;

pub mod api_token;
pub mod cache_invalidation;
pub mod cart;
pub mod cart_line;
pub mod collection;
pub mod collection_product;
pub mod customer;
pub mod customer_access_token;
pub mod gateway_event;
pub mod idempotency_key;
pub mod inventory_level;
pub mod inventory_movement;
pub mod inventory_reservation;
pub mod menu;
pub mod order;
pub mod order_counter;
pub mod order_event;
pub mod order_line;
pub mod outbox_event;
pub mod page;
pub mod payment;
pub mod payment_event;
pub mod product;
pub mod product_image;
pub mod product_option;
pub mod product_option_value;
pub mod product_tag;
pub mod product_variant;
pub mod reconciliation_event;
pub mod store;
pub mod trusted_document;
pub mod webhook_delivery;
pub mod webhook_secret;
pub mod webhook_subscription;
