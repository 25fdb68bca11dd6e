//! Merchant webhooks: a store subscribes a callback URL to a topic (`orders/create`, ...), and
//! the outbox relay (`workers::relay`) delivers every event of that topic to it, signed with the
//! store's webhook secret as Shopify signs its webhooks, in order, retried until it is taken.
//! This module holds what the admin API and the relay share: subscriptions, secrets, signing and
//! the delivery log.

pub mod deliveries;
pub mod secrets;
pub mod signing;
pub mod subscriptions;

pub use deliveries::{Delivery, DeliveryStatus};
pub use subscriptions::{Subscription, SubscriptionInput};

/// The Admin API version deliveries are shaped after, sent as `X-Shopify-API-Version`.
pub const API_VERSION: &str = "2025-01";
