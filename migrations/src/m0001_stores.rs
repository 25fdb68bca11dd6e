//! Stores (the tenants) and their API tokens.

use crate::columns::*;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut stores = Table::create()
            .table("stores")
            .col(pk_uuid("id"))
            .col(string("name"))
            .col(string_uniq("domain"))
            .col(string_len("currency", 3))
            .col(text("description").default(""))
            .col(json_binary("settings"))
            .col(string("status"))
            .col(big_integer("next_order_number").default(1001))
            .to_owned();
        manager
            .create_table(with_timestamps(&mut stores).to_owned())
            .await?;

        let tokens = Table::create()
            .table("api_tokens")
            .col(pk_uuid("id"))
            .col(uuid("store_id"))
            .col(string("kind"))
            .col(string_uniq("secret_hash"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone_null("revoked_at"))
            .foreign_key(&mut owned_by("api_tokens", "store_id", "stores"))
            .to_owned();
        create_with_indexes(
            manager,
            tokens,
            vec![index("api_tokens", &["store_id", "kind"], false)],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["api_tokens", "stores"]).await
    }
}
