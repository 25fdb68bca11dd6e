//! A store's callback URL for one webhook topic, and which relay instance delivers to it now.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "webhook_subscriptions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub store_id: Uuid,
    /// The outbox topic, as Shopify spells it in a webhook (`orders/create`).
    pub topic: String,
    pub callback_url: String,
    /// `JSON`, the only format deliveries are sent in.
    pub format: String,
    /// Until when a relay instance holds the subscription; past it, another may take it.
    pub leased_until: Option<DateTimeUtc>,
    pub lease_token: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
