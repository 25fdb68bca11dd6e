//! The origin step: rows not yet purged at the origin have their tags dropped from the response
//! cache, one call per store, and are then marked. Marking is conditional (`origin_purged_at IS
//! NULL`), so two instances that took the same rows both purge (harmless) and one marks.

use std::collections::BTreeMap;

use chrono::Utc;
use entities::cache_invalidation::Column;
use entities::prelude::CacheInvalidation;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::cache::invalidation;
use crate::cache::responses::ResponseCache;
use crate::db::Database;
use crate::error::Result;

/// Rows taken at a time.
pub const BATCH: usize = 500;

/// Purges up to `BATCH` rows at the origin; returns how many it took.
pub async fn pass(db: &Database, responses: &ResponseCache) -> Result<usize> {
    let rows = CacheInvalidation::find()
        .filter(Column::OriginPurgedAt.is_null())
        .filter(Column::OriginDueAt.lte(Utc::now()))
        .order_by_asc(Column::Id)
        .limit(BATCH as u64)
        .all(db.reader())
        .await?;
    if rows.is_empty() {
        return Ok(0);
    }
    let mut by_store: BTreeMap<Uuid, Vec<String>> = BTreeMap::new();
    for row in &rows {
        by_store
            .entry(row.store_id)
            .or_default()
            .extend(invalidation::tags_of(row));
    }
    for (store_id, mut tags) in by_store {
        tags.sort_unstable();
        tags.dedup();
        responses.invalidate(store_id, &tags).await?;
    }
    let tx = db.begin().await?;
    CacheInvalidation::update_many()
        .col_expr(Column::OriginPurgedAt, Expr::value(Utc::now()))
        .filter(Column::Id.is_in(rows.iter().map(|row| row.id)))
        .filter(Column::OriginPurgedAt.is_null())
        .exec(&tx)
        .await?;
    tx.commit().await?;
    Ok(rows.len())
}
