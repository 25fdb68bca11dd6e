//! A line of an order as it was sold: a snapshot of the product and variant titles, the unit price
//! and the discount and tax allocated to it. The variant may be gone since.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "order_lines")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub store_id: Uuid,
    pub order_id: Uuid,
    pub position: i32,
    pub variant_id: Option<Uuid>,
    pub product_id: Option<Uuid>,
    pub title: String,
    pub variant_title: String,
    pub sku: Option<String>,
    pub quantity: i64,
    pub unit_price_minor: i64,
    pub subtotal_minor: i64,
    pub discount_minor: i64,
    pub tax_minor: i64,
    pub total_minor: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
