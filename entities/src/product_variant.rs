//! A purchasable variant of a product; option1..3 hold its option values by option position ('' when unused).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "product_variants")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub store_id: Uuid,
    pub product_id: Uuid,
    pub sku: Option<String>,
    pub title: String,
    pub price_minor: i64,
    pub compare_at_minor: Option<i64>,
    pub position: i32,
    pub option1: String,
    pub option2: String,
    pub option3: String,
    pub requires_shipping: bool,
    pub image_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
