//! `reconciliation_events`: what each reconciliation repair did, append-only. Not a tenant table:
//! a repair may concern an authorization whose payment (and so whose store) we do not have, so
//! `store_id` is optional and `payment_id`, the id the gateway's key names, has no foreign key.

use crate::columns::*;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLE: &str = "reconciliation_events";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let table = Table::create()
            .table(TABLE)
            .col(pk_uuid("id"))
            .col(uuid_null("store_id"))
            .col(uuid("payment_id"))
            .col(string("mismatch"))
            .col(string("action"))
            .col(string("gateway_reference"))
            .col(big_integer("amount_minor"))
            .col(json_binary("detail"))
            .col(timestamp_with_time_zone("created_at"))
            .foreign_key(&mut references(TABLE, "store_id", "stores", "id"))
            .to_owned();
        create_with_indexes(
            manager,
            table,
            vec![
                index(TABLE, &["created_at"], false),
                index(TABLE, &["store_id", "created_at"], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &[TABLE]).await
    }
}
