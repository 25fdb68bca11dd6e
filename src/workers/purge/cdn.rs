//! The CDN step: rows purged at the origin but not at the CDN, whose attempt is due, are claimed
//! by moving their next attempt `CLAIM` ahead in one conditional update (only rows still due
//! match, so two instances never claim one row; a claimer that dies leaves it due again when the
//! claim runs out). Their tags, across stores (tags name their store or a globally unique id),
//! go to the CDN together; success marks the rows purged, failure schedules each row's next
//! attempt after the jittered backoff of its failure count and keeps the error (the last one
//! stays on the row after a success, as its history).

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::Utc;
use entities::cache_invalidation::{self, Column};
use entities::prelude::CacheInvalidation;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::Options;
use crate::cache::cdn::CdnPurge;
use crate::cache::invalidation;
use crate::db::Database;
use crate::error::Result;
use crate::workers::retry;

/// Rows sent to the CDN at a time.
pub const BATCH: usize = 50;

/// How long a claim lasts: longer than an attempt at a batch's requests.
const CLAIM: Duration = Duration::from_secs(120);

/// The longest error message kept on a row.
const ERROR_LENGTH: usize = 500;

/// Sends up to `BATCH` due rows to the CDN; returns how many it claimed.
pub async fn pass(db: &Database, target: &CdnPurge, options: &Options) -> Result<usize> {
    let claimed = claim_due(db).await?;
    if claimed.is_empty() {
        return Ok(0);
    }
    let mut tags: Vec<String> = claimed.iter().flat_map(invalidation::tags_of).collect();
    tags.sort_unstable();
    tags.dedup();
    match target.purge(&tags).await {
        Ok(()) => mark_purged(db, &claimed).await?,
        Err(err) => {
            tracing::warn!(error = %err, rows = claimed.len(), "CDN purge failed; retrying later");
            mark_failed(db, &claimed, &format!("{err:#}"), options).await?;
        }
    }
    Ok(claimed.len())
}

/// Claims the due rows: read on the reading pool, taken with a conditional update.
async fn claim_due(db: &Database) -> Result<Vec<cache_invalidation::Model>> {
    let now = Utc::now();
    let due = || {
        sea_orm::Condition::all()
            .add(Column::OriginPurgedAt.is_not_null())
            .add(Column::CdnPurgedAt.is_null())
            .add(Column::CdnNextAttemptAt.lte(now))
    };
    let ids: Vec<Uuid> = CacheInvalidation::find()
        .select_only()
        .column(Column::Id)
        .filter(due())
        .order_by_asc(Column::Id)
        .limit(BATCH as u64)
        .into_tuple()
        .all(db.reader())
        .await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let tx = db.begin().await?;
    let claimed = CacheInvalidation::update_many()
        .col_expr(
            Column::CdnNextAttemptAt,
            Expr::value(now + chrono_of(CLAIM)),
        )
        .filter(Column::Id.is_in(ids))
        .filter(due())
        .exec_with_returning(&tx)
        .await?;
    tx.commit().await?;
    Ok(claimed)
}

async fn mark_purged(db: &Database, rows: &[cache_invalidation::Model]) -> Result<()> {
    let tx = db.begin().await?;
    CacheInvalidation::update_many()
        .col_expr(Column::CdnPurgedAt, Expr::value(Utc::now()))
        .filter(Column::Id.is_in(rows.iter().map(|row| row.id)))
        .exec(&tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Counts the failure on every row and schedules its next attempt: one update per failure
/// count, since the wait grows with it.
async fn mark_failed(
    db: &Database,
    rows: &[cache_invalidation::Model],
    error: &str,
    options: &Options,
) -> Result<()> {
    let error: String = error.chars().take(ERROR_LENGTH).collect();
    let mut by_attempts: BTreeMap<i32, Vec<Uuid>> = BTreeMap::new();
    for row in rows {
        by_attempts
            .entry(row.cdn_attempts)
            .or_default()
            .push(row.id);
    }
    let tx = db.begin().await?;
    for (attempts, ids) in by_attempts {
        let failures = attempts.saturating_add(1);
        let wait = retry::delay(failures as u32, options.retry_base, options.retry_max);
        CacheInvalidation::update_many()
            .col_expr(Column::CdnAttempts, Expr::col(Column::CdnAttempts).add(1))
            .col_expr(
                Column::CdnNextAttemptAt,
                Expr::value(Utc::now() + chrono_of(wait)),
            )
            .col_expr(Column::CdnError, Expr::value(error.clone()))
            .filter(Column::Id.is_in(ids))
            .filter(Column::CdnPurgedAt.is_null())
            .exec(&tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

fn chrono_of(duration: Duration) -> chrono::Duration {
    chrono::Duration::from_std(duration).unwrap_or(chrono::Duration::MAX)
}
