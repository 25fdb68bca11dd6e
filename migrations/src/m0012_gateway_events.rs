//! `gateway_events`: every webhook event the payment gateway sent, stored as it came, once per
//! event id (the gateway delivers each event at least once, in no order), with what applying it
//! did. Not a tenant table: an event may name no payment of ours, so `store_id` and `payment_id`
//! are optional and set once the event is matched.
//!
//! Also indexes `payments.gateway_reference`: charge events name their payment only by the
//! PaymentIntent's id, across stores.

use crate::columns::*;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLE: &str = "gateway_events";

fn payments_by_reference() -> IndexCreateStatement {
    index("payments", &["gateway_reference"], false)
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let table = Table::create()
            .table(TABLE)
            .col(pk_uuid("id"))
            .col(string("event_id"))
            .col(string("event_type"))
            .col(string_null("object_id"))
            .col(uuid_null("store_id"))
            .col(uuid_null("payment_id"))
            .col(string_null("outcome"))
            .col(json_binary("payload"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("received_at"))
            .col(timestamp_with_time_zone_null("processed_at"))
            .foreign_key(&mut references(TABLE, "store_id", "stores", "id"))
            .to_owned();
        create_with_indexes(
            manager,
            table,
            vec![
                index(TABLE, &["event_id"], true),
                index(TABLE, &["store_id", "payment_id"], false),
                payments_by_reference(),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("payments_gateway_reference_idx")
                    .table("payments")
                    .to_owned(),
            )
            .await?;
        drop_tables(manager, &[TABLE]).await
    }
}
