//! `gateway_events`: each event stored once by its id, as it came, and what applying it did.
//! Storing comes before applying, so an event whose application failed is still here (its
//! `processed_at` empty) and is applied again when the gateway delivers it again.

use chrono::{DateTime, Utc};
use entities::gateway_event::{self, Entity as GatewayEvents};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::Value;
use uuid::Uuid;

use super::Outcome;
use crate::db::Database;
use crate::error::Result;
use crate::payments::records::Payment;
use crate::payments::stripe::events::Event;

/// An event as it came.
pub(super) struct Received<'a> {
    pub event: &'a Event,
    /// The body as JSON, every field kept.
    pub payload: Value,
}

/// Whether the event was received and applied already.
pub(super) async fn processed(db: &impl ConnectionTrait, event_id: &str) -> Result<bool> {
    let applied = GatewayEvents::find()
        .filter(gateway_event::Column::EventId.eq(event_id))
        .filter(gateway_event::Column::ProcessedAt.is_not_null())
        .count(db)
        .await?;
    Ok(applied > 0)
}

/// Stores the event, about `payment` if it names one of ours, with its outcome when that is
/// known already; an event stored before is left as it is. Returns whether it stored it.
pub(super) async fn store(
    db: &Database,
    received: &Received<'_>,
    payment: Option<&Payment>,
    outcome: Option<Outcome>,
) -> Result<bool> {
    let event = received.event;
    let now = Utc::now();
    let row = gateway_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        event_id: Set(event.id.clone()),
        event_type: Set(event.kind.clone()),
        object_id: Set(event
            .data
            .object
            .get("id")
            .and_then(Value::as_str)
            .map(str::to_string)),
        store_id: Set(payment.map(|payment| payment.store_id)),
        payment_id: Set(payment.map(|payment| payment.id)),
        outcome: Set(outcome.map(|outcome| outcome.as_str().to_string())),
        payload: Set(received.payload.clone()),
        created_at: Set(DateTime::from_timestamp(event.created, 0).unwrap_or(now)),
        received_at: Set(now),
        processed_at: Set(outcome.map(|_| now)),
    };
    let tx = db.begin().await?;
    let inserted = GatewayEvents::insert(row)
        .on_conflict(
            OnConflict::column(gateway_event::Column::EventId)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(&tx)
        .await?;
    tx.commit().await?;
    Ok(inserted > 0)
}

/// Stores an event that needed nothing done, with its outcome; if it was stored before (by a
/// delivery that failed halfway, or one still running), records the outcome on that.
pub(super) async fn settled(
    db: &Database,
    received: &Received<'_>,
    payment: Option<&Payment>,
    outcome: Outcome,
) -> Result<Outcome> {
    if !store(db, received, payment, Some(outcome)).await? {
        finish(db, &received.event.id, outcome).await?;
    }
    Ok(outcome)
}

/// Records what applying the event did. `applied` wins over what a concurrent delivery of the
/// same event recorded (it found nothing left to do because this one did it); any other outcome
/// is recorded only on an event not processed yet.
pub(super) async fn finish(db: &Database, event_id: &str, outcome: Outcome) -> Result<()> {
    let mut update = GatewayEvents::update_many()
        .col_expr(
            gateway_event::Column::Outcome,
            Expr::value(outcome.as_str()),
        )
        .col_expr(gateway_event::Column::ProcessedAt, Expr::value(Utc::now()))
        .filter(gateway_event::Column::EventId.eq(event_id));
    if outcome != Outcome::Applied {
        update = update.filter(gateway_event::Column::ProcessedAt.is_null());
    }
    let tx = db.begin().await?;
    update.exec(&tx).await?;
    tx.commit().await?;
    Ok(())
}
