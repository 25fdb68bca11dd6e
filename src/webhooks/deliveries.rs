//! The delivery log: one row per event per subscription, with how its attempts went. The relay
//! writes it (`workers::relay`); admins read it here.

use chrono::{DateTime, Utc};
use entities::prelude::WebhookDelivery;
use entities::webhook_delivery;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use crate::error::{AppError, InputErrorCode, Result};

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStatus {
    /// Not taken yet: waiting for its turn or for its next attempt.
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// Every attempt failed; the subscription moved on (the dead-letter state).
    Failed,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
        }
    }

    fn parse(name: &str) -> Option<DeliveryStatus> {
        [
            DeliveryStatus::Pending,
            DeliveryStatus::Delivered,
            DeliveryStatus::Failed,
        ]
        .into_iter()
        .find(|status| status.as_str() == name)
    }
}

/// One delivery as the admin sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    /// The `X-Shopify-Webhook-Id`, the same on every attempt.
    pub id: Uuid,
    /// The `X-Shopify-Event-Id`: the outbox event delivered.
    pub event_id: Uuid,
    pub topic: String,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub response_status: Option<i32>,
    pub error: Option<String>,
    pub latency_ms: Option<i32>,
    /// When the next attempt is due, while the delivery is pending.
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl Delivery {
    fn of(row: webhook_delivery::Model) -> Result<Delivery> {
        let status = DeliveryStatus::parse(&row.status).ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!(
                "webhook delivery {} has an unknown status {:?}",
                row.id,
                row.status
            ))
        })?;
        Ok(Delivery {
            id: row.id,
            event_id: row.event_id,
            topic: row.topic,
            status,
            attempts: row.attempts,
            last_attempt_at: row.last_attempt_at,
            response_status: row.response_status,
            error: row.error,
            latency_ms: row.latency_ms,
            next_attempt_at: (status == DeliveryStatus::Pending).then_some(row.next_attempt_at),
            delivered_at: row.delivered_at,
            created_at: row.created_at,
        })
    }
}

/// Sends a failed delivery again: it becomes pending with a fresh count of attempts and, being
/// older than anything pending, goes out next. Only a `failed` delivery of the store can be.
pub async fn retry(db: &impl ConnectionTrait, store_id: Uuid, id: Uuid) -> Result<Delivery> {
    let row = WebhookDelivery::find_by_id(id)
        .filter(webhook_delivery::Column::StoreId.eq(store_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if row.status != DeliveryStatus::Failed.as_str() {
        return Err(AppError::invalid(
            &["id"],
            InputErrorCode::IllegalTransition,
            "Only a failed delivery can be retried",
        ));
    }
    let mut active = row.into_active_model();
    active.status = Set(DeliveryStatus::Pending.as_str().into());
    active.attempts = Set(0);
    active.next_attempt_at = Set(Utc::now());
    Delivery::of(active.update(db).await?)
}

/// How many deliveries a subscription has, optionally of one status.
pub async fn count_of_subscription(
    db: &impl ConnectionTrait,
    store_id: Uuid,
    subscription_id: Uuid,
    status: Option<DeliveryStatus>,
) -> Result<u64> {
    let mut query = WebhookDelivery::find()
        .filter(webhook_delivery::Column::StoreId.eq(store_id))
        .filter(webhook_delivery::Column::SubscriptionId.eq(subscription_id));
    if let Some(status) = status {
        query = query.filter(webhook_delivery::Column::Status.eq(status.as_str()));
    }
    Ok(query.count(db).await?)
}

/// A subscription's deliveries, newest first, optionally of one status, from `offset`, at
/// most `limit`.
pub async fn of_subscription(
    db: &impl ConnectionTrait,
    store_id: Uuid,
    subscription_id: Uuid,
    status: Option<DeliveryStatus>,
    offset: u64,
    limit: u64,
) -> Result<Vec<Delivery>> {
    let mut query = WebhookDelivery::find()
        .filter(webhook_delivery::Column::StoreId.eq(store_id))
        .filter(webhook_delivery::Column::SubscriptionId.eq(subscription_id))
        .order_by_desc(webhook_delivery::Column::Seq)
        .offset(offset)
        .limit(limit);
    if let Some(status) = status {
        query = query.filter(webhook_delivery::Column::Status.eq(status.as_str()));
    }
    query.all(db).await?.into_iter().map(Delivery::of).collect()
}
