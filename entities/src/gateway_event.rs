//! A webhook event the payment gateway sent, stored as it came, once per event id (`event_id`,
//! unique), and what applying it did (`outcome`: `applied`, `stale`, `deferred`, `ignored`,
//! `unmatched`; null until it was applied). `store_id` and `payment_id` name the payment the event
//! is about, once matched; an event about nothing of ours has neither.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "gateway_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The gateway's id for the event (`evt_…`).
    pub event_id: String,
    /// `payment_intent.succeeded`, `charge.refunded`, …
    pub event_type: String,
    /// The id of the object the event carries (`pi_…`, `ch_…`).
    pub object_id: Option<String>,
    pub store_id: Option<Uuid>,
    pub payment_id: Option<Uuid>,
    pub outcome: Option<String>,
    /// The event as received.
    pub payload: Json,
    /// When the gateway created the event.
    pub created_at: DateTimeUtc,
    pub received_at: DateTimeUtc,
    pub processed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
