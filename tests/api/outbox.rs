//! Catalog and stock changes leave through the outbox: every committed product, variant,
//! collection and on-hand change writes its event rows in the same transaction, in creation order
//! per store, and a refused or rolled-back change writes none. Holding stock for a cart (the hot
//! path) writes no event. Shared here: reading a store's events back from the database.

pub mod catalog;
mod stock;

use entities::outbox_event;
use entities::prelude::OutboxEvent;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::Value;
use uuid::Uuid;

use crate::helpers::TestApp;

/// One outbox row as the tests look at it.
#[derive(Debug, Clone)]
pub struct Event {
    pub topic: String,
    pub subject: String,
    pub payload: Value,
}

/// Every event of a store, in creation (id) order.
pub async fn events_of_store(app: &TestApp, store_id: Uuid) -> Vec<Event> {
    OutboxEvent::find()
        .filter(outbox_event::Column::StoreId.eq(store_id))
        .order_by_asc(outbox_event::Column::Id)
        .all(app.db())
        .await
        .unwrap()
        .into_iter()
        .map(|row| Event {
            topic: row.topic,
            subject: row.subject_gid,
            payload: row.payload,
        })
        .collect()
}

/// How many events the test store has so far: a mark to read the next ones from.
pub async fn mark(app: &TestApp) -> usize {
    events_of_store(app, app.store.store_id).await.len()
}

/// The test store's events written since `mark`, in order.
pub async fn since(app: &TestApp, mark: usize) -> Vec<Event> {
    events_of_store(app, app.store.store_id)
        .await
        .split_off(mark)
}

/// `(topic, subject)` of each event, for comparing sequences.
pub fn topics(events: &[Event]) -> Vec<(&str, &str)> {
    events
        .iter()
        .map(|event| (event.topic.as_str(), event.subject.as_str()))
        .collect()
}
