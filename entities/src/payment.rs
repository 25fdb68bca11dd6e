//! A payment of an order at a gateway: the idempotency key it was authorized under, the gateway's
//! reference, the authorized, captured and refunded amounts in minor units, and its status
//! (`pending`, `authorized`, `captured`, `voided`, `refunded`, `failed`).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "payments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub store_id: Uuid,
    pub order_id: Uuid,
    pub gateway: String,
    pub idempotency_key: String,
    pub gateway_reference: Option<String>,
    pub currency: String,
    pub amount_minor: i64,
    pub captured_minor: i64,
    pub refunded_minor: i64,
    pub status: String,
    pub decline_code: Option<String>,
    pub authorization_expires_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
