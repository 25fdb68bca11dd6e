//! Idempotency keys (request fingerprint, recovery point, stored response) and the transactional
//! outbox that carries events to search, caches and webhooks.

use crate::columns::*;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut keys = tenant_table("idempotency_keys");
        keys.col(string("key"))
            .col(string("request_hash"))
            .col(string("recovery_point"))
            .col(json_binary_null("response"))
            .col(timestamp_with_time_zone_null("locked_at"))
            .col(timestamp_with_time_zone("created_at"));
        create_with_indexes(
            manager,
            keys.to_owned(),
            vec![index("idempotency_keys", &["store_id", "key"], true)],
        )
        .await?;

        let mut outbox = tenant_table("outbox");
        outbox
            .col(string("topic"))
            .col(json_binary("payload"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone_null("published_at"));
        create_with_indexes(
            manager,
            outbox.to_owned(),
            vec![
                index("outbox", &["published_at", "created_at"], false),
                index("outbox", &["store_id", "created_at"], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["outbox", "idempotency_keys"]).await
    }
}
