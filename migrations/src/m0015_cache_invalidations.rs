//! `cache_invalidations`: the purge outbox. A write that changes what a cached response says
//! inserts one row naming the cache tags to purge, in its own transaction, so a purge is owed
//! exactly when the change committed. The purge worker drops the tagged responses from the origin
//! response cache (`origin_purged_at`; a request that purges its own writes marks them itself,
//! and the worker waits until `origin_due_at` in case it does not), then, when a CDN is configured, asks the CDN to purge
//! them, retrying with backoff (`cdn_attempts`, `cdn_next_attempt_at`, `cdn_error`) until it
//! answers (`cdn_purged_at`).
//!
//! The worker's scans go across stores, so besides the tenant index `(store_id, created_at)` the
//! table has one index per scan: rows not yet purged at the origin, and rows due at the CDN.

use crate::columns::*;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLE: &str = "cache_invalidations";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut table = tenant_table(TABLE);
        table
            .col(text("tags"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("origin_due_at"))
            .col(timestamp_with_time_zone_null("origin_purged_at"))
            .col(integer("cdn_attempts").default(0))
            .col(timestamp_with_time_zone("cdn_next_attempt_at"))
            .col(timestamp_with_time_zone_null("cdn_purged_at"))
            .col(text_null("cdn_error"));
        create_with_indexes(
            manager,
            table,
            vec![
                index(TABLE, &["store_id", "created_at"], false),
                index(TABLE, &["origin_purged_at", "origin_due_at"], false),
                index(TABLE, &["cdn_purged_at", "cdn_next_attempt_at"], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &[TABLE]).await
    }
}
