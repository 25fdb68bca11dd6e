//! One outbox event for one webhook subscription, with its delivery log. The id is the
//! `X-Shopify-Webhook-Id`, the same on every attempt; `seq` is the delivery order.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "webhook_deliveries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub seq: i64,
    pub store_id: Uuid,
    pub subscription_id: Uuid,
    /// The outbox row: the `X-Shopify-Event-Id`.
    pub event_id: Uuid,
    pub topic: String,
    /// `pending`, `delivered` or `failed` (given up after the last attempt).
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub last_attempt_at: Option<DateTimeUtc>,
    /// The HTTP status of the last answer, if there was one.
    pub response_status: Option<i32>,
    /// Why the last attempt failed, when it did.
    pub error: Option<String>,
    pub latency_ms: Option<i32>,
    pub delivered_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
