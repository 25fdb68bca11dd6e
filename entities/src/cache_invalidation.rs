//! A purge owed to the caches: the tags a committed write made stale, and how far their purge
//! has got (origin response cache first, then the CDN, retried with backoff).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "cache_invalidations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub store_id: Uuid,
    /// Cache tags, separated by single spaces.
    pub tags: String,
    pub created_at: DateTimeUtc,
    /// When the worker purges it at the origin: at once, or a few seconds on when the request
    /// that wrote it purges it itself (`cache::own_writes`) and may not live to.
    pub origin_due_at: DateTimeUtc,
    pub origin_purged_at: Option<DateTimeUtc>,
    pub cdn_attempts: i32,
    pub cdn_next_attempt_at: DateTimeUtc,
    pub cdn_purged_at: Option<DateTimeUtc>,
    pub cdn_error: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
