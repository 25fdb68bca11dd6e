//! A shopper's cart: who is buying (buyer identity, customer), a note, attributes and discount
//! codes, its status (`open`, `completing`, `completed`) and when it expires if left alone.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "carts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub store_id: Uuid,
    pub token: String,
    pub customer_id: Option<Uuid>,
    pub buyer_identity: Json,
    pub note: String,
    pub attributes: Json,
    pub discount_codes: Json,
    pub status: String,
    pub expires_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
