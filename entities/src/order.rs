//! An order: what was bought (line snapshots), by whom, where it goes, what it costs in minor
//! units, and where it stands (`pending`, `confirmed`, `processing`, `shipped`, `delivered`,
//! `cancelled`). Only `orders::transition` writes `status`.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "orders")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub store_id: Uuid,
    pub number: i64,
    pub cart_id: Uuid,
    pub customer_id: Option<Uuid>,
    pub email: String,
    pub status: String,
    pub currency: String,
    pub subtotal_minor: i64,
    pub discount_minor: i64,
    pub shipping_minor: i64,
    pub tax_minor: i64,
    pub taxes_included: bool,
    pub total_minor: i64,
    pub shipping_address: Json,
    pub billing_address: Json,
    pub access_token_hash: String,
    pub capture_policy: String,
    pub payment_reference: Option<String>,
    pub tracking_number: Option<String>,
    pub cancel_reason: Option<String>,
    pub confirmed_at: Option<DateTimeUtc>,
    pub cancelled_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
