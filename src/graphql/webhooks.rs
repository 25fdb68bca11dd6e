//! Webhook subscriptions in the admin API, spelled as Shopify's Admin API spells them
//! (`webhookSubscriptionCreate(topic:, webhookSubscription: {callbackUrl})`, ...), with each
//! subscription's delivery log and the rotation of the store's webhook secret.

mod admin;
mod types;

pub use admin::{AdminWebhookMutation, AdminWebhookQuery};
pub use types::{WebhookDelivery, WebhookSubscription, WebhookSubscriptionTopic};
