//! Fan-out: new outbox rows become deliveries, one per subscription of their store and topic, and
//! are marked published, in one transaction. Instances take turns (a PostgreSQL advisory lock; on
//! SQLite the single writer), so `seq` numbers deliveries in the order fan-outs saw their events,
//! which follows commit order: an event that commits later is seen later.

use std::collections::HashMap;

use anyhow::Context;
use chrono::Utc;
use entities::prelude::{OutboxEvent, WebhookDelivery, WebhookSubscription};
use entities::{outbox_event, webhook_delivery, webhook_subscription};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, Statement,
};
use uuid::Uuid;

use crate::db::Database;
use crate::error::Result;
use crate::webhooks::DeliveryStatus;

/// Outbox rows one fan-out takes.
pub const BATCH: usize = 500;

/// The PostgreSQL advisory lock a fan-out holds (any constant shared by all instances).
const LOCK_KEY: i64 = 0x6f75_7462_6f78_666f; // "outboxfo" in ASCII

/// Fans out up to `BATCH` new events; returns how many it took (0 when another instance is
/// fanning out).
pub async fn pass(db: &Database) -> Result<usize> {
    // Most ticks find nothing: asking the reading pool first keeps them from taking the write
    // connection (on SQLite, the one writer every checkout waits for).
    let waiting = OutboxEvent::find()
        .filter(outbox_event::Column::PublishedAt.is_null())
        .one(db.reader())
        .await?;
    if waiting.is_none() {
        return Ok(0);
    }
    let tx = db.begin().await?;
    if !take_turn(&tx).await? {
        tx.rollback().await?;
        return Ok(0);
    }
    let events = OutboxEvent::find()
        .filter(outbox_event::Column::PublishedAt.is_null())
        .order_by_asc(outbox_event::Column::Id)
        .limit(BATCH as u64)
        .all(&tx)
        .await?;
    if events.is_empty() {
        tx.rollback().await?;
        return Ok(0);
    }
    let deliveries = deliveries_of(&tx, &events).await?;
    for chunk in deliveries.chunks(BATCH) {
        WebhookDelivery::insert_many(chunk.to_vec())
            .exec(&tx)
            .await?;
    }
    OutboxEvent::update_many()
        .col_expr(outbox_event::Column::PublishedAt, Expr::value(Utc::now()))
        .filter(outbox_event::Column::Id.is_in(events.iter().map(|event| event.id)))
        .exec(&tx)
        .await?;
    tx.commit().await?;
    Ok(events.len())
}

/// Whether this instance may fan out now; on PostgreSQL it then holds the lock until `tx` ends.
async fn take_turn(tx: &DatabaseTransaction) -> Result<bool> {
    if tx.get_database_backend() != DbBackend::Postgres {
        return Ok(true);
    }
    let sql = format!("SELECT pg_try_advisory_xact_lock({LOCK_KEY}) AS taken");
    let row = tx
        .query_one_raw(Statement::from_string(DbBackend::Postgres, sql))
        .await?
        .context("pg_try_advisory_xact_lock returned no row")?;
    Ok(row.try_get("", "taken")?)
}

/// A delivery per event per subscription of its store and topic, numbered after the last.
async fn deliveries_of(
    tx: &DatabaseTransaction,
    events: &[outbox_event::Model],
) -> Result<Vec<webhook_delivery::ActiveModel>> {
    let stores: Vec<Uuid> = events.iter().map(|event| event.store_id).collect();
    let mut subscribers: HashMap<(Uuid, String), Vec<Uuid>> = HashMap::new();
    for subscription in WebhookSubscription::find()
        .filter(webhook_subscription::Column::StoreId.is_in(stores))
        .order_by_asc(webhook_subscription::Column::Id)
        .all(tx)
        .await?
    {
        subscribers
            .entry((subscription.store_id, subscription.topic))
            .or_default()
            .push(subscription.id);
    }
    if subscribers.is_empty() {
        return Ok(Vec::new());
    }
    let mut seq = last_seq(tx).await?;
    let now = Utc::now();
    let mut deliveries = Vec::new();
    for event in events {
        let key = (event.store_id, event.topic.clone());
        for &subscription_id in subscribers.get(&key).into_iter().flatten() {
            seq += 1;
            deliveries.push(webhook_delivery::ActiveModel {
                id: Set(Uuid::now_v7()),
                seq: Set(seq),
                store_id: Set(event.store_id),
                subscription_id: Set(subscription_id),
                event_id: Set(event.id),
                topic: Set(event.topic.clone()),
                status: Set(DeliveryStatus::Pending.as_str().into()),
                attempts: Set(0),
                next_attempt_at: Set(now),
                last_attempt_at: Set(None),
                response_status: Set(None),
                error: Set(None),
                latency_ms: Set(None),
                delivered_at: Set(None),
                created_at: Set(now),
            });
        }
    }
    Ok(deliveries)
}

async fn last_seq(tx: &DatabaseTransaction) -> Result<i64> {
    let last: Option<Option<i64>> = WebhookDelivery::find()
        .select_only()
        .column_as(webhook_delivery::Column::Seq.max(), "last")
        .into_tuple()
        .one(tx)
        .await?;
    Ok(last.flatten().unwrap_or(0))
}
