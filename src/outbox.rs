//! The transactional outbox: every change that someone outside must hear about (an order placed
//! or moved, a payment taken, a product, collection or stock level changed) writes an event row
//! here, in the same transaction as the change, so an event exists exactly when its change
//! committed. The row's id (a UUIDv7, ordered by creation) is the event's stable id; the relay
//! delivers rows of a store in id order.

use chrono::Utc;
use entities::outbox_event;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use serde_json::Value;
use uuid::Uuid;

use crate::error::Result;
use crate::stores::Store;

/// What an event reports, spelled as Shopify's webhook topics are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    /// A checkout placed its order and is paying for it (the order is `pending`).
    CheckoutsCreate,
    /// A pending checkout changed: its payment was declined or failed, or it was placed again.
    CheckoutsUpdate,
    OrdersCreate,
    OrdersUpdated,
    OrdersPaid,
    OrdersFulfilled,
    OrdersCancelled,
    ProductsCreate,
    ProductsUpdate,
    ProductsDelete,
    InventoryLevelsUpdate,
    CollectionsCreate,
    CollectionsUpdate,
    CollectionsDelete,
}

impl Topic {
    /// Every topic, in the order the admin lists them.
    pub const ALL: [Topic; 14] = [
        Topic::CheckoutsCreate,
        Topic::CheckoutsUpdate,
        Topic::OrdersCreate,
        Topic::OrdersUpdated,
        Topic::OrdersPaid,
        Topic::OrdersFulfilled,
        Topic::OrdersCancelled,
        Topic::ProductsCreate,
        Topic::ProductsUpdate,
        Topic::ProductsDelete,
        Topic::InventoryLevelsUpdate,
        Topic::CollectionsCreate,
        Topic::CollectionsUpdate,
        Topic::CollectionsDelete,
    ];

    /// The topic spelled `name` (`orders/create`), if there is one.
    pub fn parse(name: &str) -> Option<Topic> {
        Topic::ALL.into_iter().find(|topic| topic.as_str() == name)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Topic::CheckoutsCreate => "checkouts/create",
            Topic::CheckoutsUpdate => "checkouts/update",
            Topic::OrdersCreate => "orders/create",
            Topic::OrdersUpdated => "orders/updated",
            Topic::OrdersPaid => "orders/paid",
            Topic::OrdersFulfilled => "orders/fulfilled",
            Topic::OrdersCancelled => "orders/cancelled",
            Topic::ProductsCreate => "products/create",
            Topic::ProductsUpdate => "products/update",
            Topic::ProductsDelete => "products/delete",
            Topic::InventoryLevelsUpdate => "inventory_levels/update",
            Topic::CollectionsCreate => "collections/create",
            Topic::CollectionsUpdate => "collections/update",
            Topic::CollectionsDelete => "collections/delete",
        }
    }
}

/// Appends an event about `subject_gid` (the global id of the order, product, collection or
/// variant) and returns its id. Call inside the transaction of the change.
pub async fn record(
    db: &impl ConnectionTrait,
    store: &Store,
    topic: Topic,
    subject_gid: String,
    payload: Value,
) -> Result<Uuid> {
    let id = Uuid::now_v7();
    outbox_event::ActiveModel {
        id: Set(id),
        store_id: Set(store.id),
        topic: Set(topic.as_str().into()),
        subject_gid: Set(subject_gid),
        payload: Set(payload),
        created_at: Set(Utc::now()),
        published_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(id)
}
