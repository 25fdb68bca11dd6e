//! Which instance delivers to a subscription: the one whose lease on it has not lapsed. Claims
//! and renewals are conditional updates, so two instances never hold one subscription at once,
//! on PostgreSQL and on SQLite alike.

use std::time::Duration;

use chrono::Utc;
use entities::prelude::{WebhookDelivery, WebhookSubscription};
use entities::{webhook_delivery, webhook_subscription};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait, Value,
};
use uuid::Uuid;

use crate::db::Database;
use crate::error::Result;
use crate::webhooks::DeliveryStatus;

/// A subscription this instance holds.
#[derive(Debug, Clone, Copy)]
pub struct Lease {
    pub subscription_id: Uuid,
    pub token: Uuid,
}

/// Up to `limit` subscriptions nobody holds whose oldest pending delivery is due.
pub async fn due(db: &Database, limit: usize) -> Result<Vec<Uuid>> {
    let now = Utc::now();
    let pending = DeliveryStatus::Pending.as_str();
    let head = Alias::new("head");
    let oldest_pending = Query::select()
        .expr(Expr::col((head.clone(), webhook_delivery::Column::Seq)).min())
        .from_as(WebhookDelivery, head.clone())
        .and_where(
            Expr::col((head.clone(), webhook_delivery::Column::StoreId))
                .equals((WebhookDelivery, webhook_delivery::Column::StoreId)),
        )
        .and_where(
            Expr::col((head.clone(), webhook_delivery::Column::SubscriptionId))
                .equals((WebhookDelivery, webhook_delivery::Column::SubscriptionId)),
        )
        .and_where(Expr::col((head, webhook_delivery::Column::Status)).eq(pending))
        .to_owned();
    let due_heads = WebhookDelivery::find()
        .select_only()
        .column(webhook_delivery::Column::SubscriptionId)
        .filter(webhook_delivery::Column::Status.eq(pending))
        .filter(webhook_delivery::Column::NextAttemptAt.lte(now))
        .filter(
            Expr::col((WebhookDelivery, webhook_delivery::Column::Seq)).in_subquery(oldest_pending),
        )
        .into_query();
    let ids: Vec<Uuid> = WebhookSubscription::find()
        .select_only()
        .column(webhook_subscription::Column::Id)
        .filter(unleased(now))
        .filter(webhook_subscription::Column::Id.in_subquery(due_heads))
        .limit(limit as u64)
        .into_tuple()
        .all(db.reader())
        .await?;
    Ok(ids)
}

/// Takes the subscription for `length` if nobody holds it; whether it was taken.
pub async fn claim(
    db: &Database,
    subscription_id: Uuid,
    token: Uuid,
    length: Duration,
) -> Result<bool> {
    let now = Utc::now();
    let tx = db.begin().await?;
    let taken = WebhookSubscription::update_many()
        .col_expr(webhook_subscription::Column::LeasedUntil, until(length))
        .col_expr(webhook_subscription::Column::LeaseToken, Expr::value(token))
        .filter(webhook_subscription::Column::Id.eq(subscription_id))
        .filter(unleased(now))
        .exec(&tx)
        .await?;
    tx.commit().await?;
    Ok(taken.rows_affected == 1)
}

/// Extends the lease by `length` from now, inside the caller's transaction; false when it was
/// lost (it lapsed and another instance took it).
pub async fn renew(db: &impl ConnectionTrait, lease: &Lease, length: Duration) -> Result<bool> {
    let renewed = WebhookSubscription::update_many()
        .col_expr(webhook_subscription::Column::LeasedUntil, until(length))
        .filter(webhook_subscription::Column::Id.eq(lease.subscription_id))
        .filter(webhook_subscription::Column::LeaseToken.eq(lease.token))
        .exec(db)
        .await?;
    Ok(renewed.rows_affected == 1)
}

/// Gives the subscription back so that any instance may take it at once.
pub async fn release(db: &Database, lease: &Lease) -> Result<()> {
    let tx = db.begin().await?;
    WebhookSubscription::update_many()
        .col_expr(
            webhook_subscription::Column::LeasedUntil,
            Expr::value(Value::ChronoDateTimeUtc(None)),
        )
        .col_expr(
            webhook_subscription::Column::LeaseToken,
            Expr::value(Value::Uuid(None)),
        )
        .filter(webhook_subscription::Column::Id.eq(lease.subscription_id))
        .filter(webhook_subscription::Column::LeaseToken.eq(lease.token))
        .exec(&tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

fn until(length: Duration) -> Expr {
    let length = chrono::Duration::from_std(length).unwrap_or(chrono::Duration::MAX);
    Expr::value(Utc::now() + length)
}

fn unleased(now: chrono::DateTime<Utc>) -> sea_orm::sea_query::Condition {
    sea_orm::sea_query::Condition::any()
        .add(webhook_subscription::Column::LeasedUntil.is_null())
        .add(webhook_subscription::Column::LeasedUntil.lt(now))
}
