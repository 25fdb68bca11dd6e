//! `trusted_documents`: the GraphQL documents a store registered (by `trustedDocumentRegister` or
//! `vitrine documents register`) for its trusted-documents mode, each under the lowercase hex
//! SHA-256 of its exact text, once per store. The documents every store trusts (the storefront
//! operations built into the binary) are not stored here.

use crate::columns::*;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLE: &str = "trusted_documents";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut table = tenant_table(TABLE);
        table
            .col(string("hash"))
            .col(text("document"))
            .col(json_binary("operation_names"))
            .col(timestamp_with_time_zone("created_at"));
        create_with_indexes(
            manager,
            table,
            vec![
                index(TABLE, &["store_id", "hash"], true),
                index(TABLE, &["store_id", "id"], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &[TABLE]).await
    }
}
