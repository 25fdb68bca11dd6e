//! A repair made by payment reconciliation: which mismatch it found (`unclaimed`, `unsettled`,
//! `captured_while_pending`, `amounts`, `lapsed`), what it did, to which gateway authorization, and
//! the state before and after. `payment_id` is the payment the gateway's key names; when we have no
//! such payment, it names nothing and the store is absent.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "reconciliation_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub store_id: Option<Uuid>,
    pub payment_id: Uuid,
    pub mismatch: String,
    pub action: String,
    pub gateway_reference: String,
    pub amount_minor: i64,
    pub detail: Json,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
