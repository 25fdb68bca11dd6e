//! Draining one leased subscription: its pending deliveries, oldest first, one at a time, while
//! the oldest is due. Each outcome is recorded with the lease's renewal in one transaction.

use chrono::Utc;
use entities::prelude::{OutboxEvent, WebhookDelivery, WebhookSubscription};
use entities::{webhook_delivery, webhook_subscription};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::Relay;
use super::attempt::{self, Outcome};
use super::lease::{self, Lease};
use crate::error::{AppError, Result};
use crate::stores;
use crate::webhooks::{DeliveryStatus, secrets};
use crate::workers::retry;

/// Deliveries sent under one lease before it is given back.
const PER_LEASE: usize = 100;

/// Where a subscription's deliveries go and how they are signed.
struct Target {
    store_id: Uuid,
    callback_url: String,
    shop_domain: String,
    secret: String,
}

/// Sends the subscription's due deliveries in order until none is due, the lease is lost, the
/// relay stops, or `PER_LEASE` were sent.
pub async fn run(relay: &Relay, lease: &Lease, stop: &CancellationToken) -> Result<()> {
    let Some(target) = target(relay, lease).await? else {
        return Ok(());
    };
    for _ in 0..PER_LEASE {
        if stop.is_cancelled() {
            break;
        }
        let Some(head) = WebhookDelivery::find()
            .filter(webhook_delivery::Column::StoreId.eq(target.store_id))
            .filter(webhook_delivery::Column::SubscriptionId.eq(lease.subscription_id))
            .filter(webhook_delivery::Column::Status.eq(DeliveryStatus::Pending.as_str()))
            .order_by_asc(webhook_delivery::Column::Seq)
            .one(relay.db.reader())
            .await?
        else {
            break;
        };
        if head.next_attempt_at > Utc::now() {
            break;
        }
        let event = OutboxEvent::find_by_id(head.event_id)
            .one(relay.db.reader())
            .await?
            .ok_or_else(|| {
                AppError::Internal(anyhow::anyhow!("outbox event {} is gone", head.event_id))
            })?;
        let request = attempt::Request {
            callback_url: &target.callback_url,
            webhook_id: head.id,
            event_id: event.id,
            topic: &event.topic,
            shop_domain: &target.shop_domain,
            secret: &target.secret,
            triggered_at: event.created_at,
            payload: &event.payload,
        };
        let outcome = attempt::send(&relay.client, relay.options.private_networks, &request).await;
        if !record(relay, lease, &head, &outcome).await? {
            break;
        }
    }
    Ok(())
}

async fn target(relay: &Relay, lease: &Lease) -> Result<Option<Target>> {
    let Some(subscription) = WebhookSubscription::find_by_id(lease.subscription_id)
        .filter(webhook_subscription::Column::LeaseToken.eq(lease.token))
        .one(relay.db.reader())
        .await?
    else {
        return Ok(None);
    };
    let Some(store) = stores::find_store(relay.db.reader(), subscription.store_id).await? else {
        return Ok(None);
    };
    let secret = match secrets::find(relay.db.reader(), store.id).await? {
        Some(secret) => secret,
        None => {
            let tx = relay.db.begin().await?;
            let secret = secrets::of(&tx, store.id).await?;
            tx.commit().await?;
            secret
        }
    };
    Ok(Some(Target {
        store_id: store.id,
        callback_url: subscription.callback_url,
        shop_domain: store.domain,
        secret,
    }))
}

/// Records how the attempt at `head` went and renews the lease; false when the lease was lost.
/// The update counts on the attempts it read, so an attempt is recorded once even if a lapsed
/// lease let two instances send it. The lease is renewed first: locking the subscription before
/// its delivery is the order a subscription's deletion takes (its row, then the deliveries it
/// cascades to), so the two wait for each other instead of deadlocking.
async fn record(
    relay: &Relay,
    lease: &Lease,
    head: &webhook_delivery::Model,
    outcome: &Outcome,
) -> Result<bool> {
    let now = Utc::now();
    let attempts = head.attempts + 1;
    let options = &relay.options;
    let status = match outcome.taken() {
        true => DeliveryStatus::Delivered,
        false if attempts as u32 >= options.max_attempts => DeliveryStatus::Failed,
        false => DeliveryStatus::Pending,
    };
    let wait = retry::delay(attempts as u32, options.retry_base, options.retry_max);
    let next_attempt_at = now + chrono::Duration::from_std(wait).unwrap_or_default();
    let tx = relay.db.begin().await?;
    let kept = lease::renew(&tx, lease, options.lease()).await?;
    let mut update = WebhookDelivery::update_many()
        .col_expr(
            webhook_delivery::Column::Status,
            Expr::value(status.as_str()),
        )
        .col_expr(webhook_delivery::Column::Attempts, Expr::value(attempts))
        .col_expr(webhook_delivery::Column::LastAttemptAt, Expr::value(now))
        .col_expr(
            webhook_delivery::Column::ResponseStatus,
            Expr::value(outcome.status.map(i32::from)),
        )
        .col_expr(
            webhook_delivery::Column::Error,
            Expr::value(outcome.error.clone()),
        )
        .col_expr(
            webhook_delivery::Column::LatencyMs,
            Expr::value(i32::try_from(outcome.latency.as_millis()).unwrap_or(i32::MAX)),
        );
    update = match status {
        DeliveryStatus::Delivered => {
            update.col_expr(webhook_delivery::Column::DeliveredAt, Expr::value(now))
        }
        DeliveryStatus::Pending => update.col_expr(
            webhook_delivery::Column::NextAttemptAt,
            Expr::value(next_attempt_at),
        ),
        DeliveryStatus::Failed => update,
    };
    update
        .filter(webhook_delivery::Column::Id.eq(head.id))
        .filter(webhook_delivery::Column::Status.eq(DeliveryStatus::Pending.as_str()))
        .filter(webhook_delivery::Column::Attempts.eq(head.attempts))
        .exec(&tx)
        .await?;
    tx.commit().await?;
    if status == DeliveryStatus::Failed {
        tracing::warn!(
            delivery = %head.id,
            subscription = %lease.subscription_id,
            attempts,
            "webhook delivery failed for good; the subscription moves on"
        );
    }
    Ok(kept)
}
