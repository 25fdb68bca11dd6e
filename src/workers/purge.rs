//! The purge worker: turns the purge outbox (`cache_invalidations`, written by
//! `cache::invalidation` in the writes' transactions) into purges. Each tick it
//!
//! 1. drops the tagged responses from the origin response cache (`origin`), which reaches every
//!    instance and the shared tier, and marks the rows origin-purged;
//! 2. then, when a CDN is configured, sends the CDN the tags of rows purged at the origin but not
//!    yet at the CDN whose attempt is due (`cdn`), retrying failures after a growing, jittered
//!    wait, with the error kept on the row. The origin goes first so that a CDN refetching right
//!    after its purge does not find the stale answer at the origin.
//!
//! A row is marked only after its purge succeeded, so a server dying midway purges again, never
//! less: purges are idempotent. Any number of instances run the worker together; CDN attempts are
//! claimed with a conditional update, as the relay's leases are, so a CDN rarely hears twice.
//! Rows fully purged are deleted after `RETENTION`.

mod cdn;
mod origin;

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use entities::cache_invalidation::Column;
use entities::prelude::CacheInvalidation;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::cache::cdn::CdnPurge;
use crate::cache::responses::ResponseCache;
use crate::db::Database;
use crate::error::Result;

/// How long purged rows are kept, for operators looking at what was purged.
const RETENTION: Duration = Duration::from_secs(3600);

/// How often purged rows past `RETENTION` are deleted.
pub const CLEAN_UP_TICK: Duration = Duration::from_secs(60);

/// How the worker purges.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// How often it looks for new rows and due retries.
    pub tick: Duration,
    /// The wait before the first retry of a failed CDN purge; doubled after each failure, up to
    /// `retry_max`.
    pub retry_base: Duration,
    pub retry_max: Duration,
}

/// One purge worker.
#[derive(Clone)]
pub struct Purger {
    db: Database,
    responses: Arc<ResponseCache>,
    cdn: Option<CdnPurge>,
    options: Options,
}

impl Purger {
    pub fn new(
        db: Database,
        responses: Arc<ResponseCache>,
        cdn: Option<CdnPurge>,
        options: Options,
    ) -> Purger {
        Purger {
            db,
            responses,
            cdn,
            options,
        }
    }

    pub fn tick(&self) -> Duration {
        self.options.tick
    }

    /// Purges what is owed at the origin, then what is due at the CDN; returns how many rows it
    /// purged at either.
    pub async fn pass(&self) -> Result<usize> {
        let mut purged = 0;
        loop {
            let batch = origin::pass(&self.db, &self.responses).await?;
            purged += batch;
            if batch < origin::BATCH {
                break;
            }
        }
        if let Some(target) = &self.cdn {
            loop {
                let batch = cdn::pass(&self.db, target, &self.options).await?;
                purged += batch;
                if batch < cdn::BATCH {
                    break;
                }
            }
        }
        Ok(purged)
    }

    /// Deletes rows purged everywhere they had to be, longer than `RETENTION` ago.
    pub async fn clean_up(&self) -> Result<usize> {
        let before = Utc::now() - chrono::Duration::from_std(RETENTION).unwrap_or_default();
        let mut done = sea_orm::Condition::all().add(Column::OriginPurgedAt.lt(before));
        if self.cdn.is_some() {
            done = done.add(Column::CdnPurgedAt.is_not_null());
        }
        let tx = self.db.begin().await?;
        let deleted = CacheInvalidation::delete_many()
            .filter(done)
            .exec(&tx)
            .await?;
        tx.commit().await?;
        Ok(deleted.rows_affected as usize)
    }
}
