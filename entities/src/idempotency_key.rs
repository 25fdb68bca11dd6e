//! A checkout's idempotency key: the fingerprint of the request it came with, how far the checkout
//! got (`recovery_point`), the stored response once finished, and who holds it now (`locked_at`).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "idempotency_keys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub store_id: Uuid,
    pub key: String,
    pub request_hash: String,
    pub cart_id: Uuid,
    pub order_id: Option<Uuid>,
    pub payment_id: Option<Uuid>,
    pub recovery_point: String,
    pub response: Option<Json>,
    pub locked_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
