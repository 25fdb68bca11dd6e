//! Merchant webhooks:
//! - `webhook_subscriptions`: a store's callback URL for one topic. The relay delivers a
//!   subscription's events one at a time, in order; `leased_until` and `lease_token` say which
//!   relay instance holds it now (a lease that lapses passes to another instance).
//! - `webhook_deliveries`: one event for one subscription, with its delivery log. Its `id` is the
//!   `X-Shopify-Webhook-Id`, the same on every attempt. `seq` orders deliveries: it is assigned
//!   when the relay fans an outbox row out, one fan-out at a time, so it follows the order in
//!   which events became visible, which is the order in which their changes committed.
//! - `webhook_secrets`: the key each store's deliveries are signed with (HMAC-SHA256).

use crate::columns::*;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const SUBSCRIPTIONS: &str = "webhook_subscriptions";
const DELIVERIES: &str = "webhook_deliveries";
const SECRETS: &str = "webhook_secrets";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_subscriptions(manager).await?;
        create_deliveries(manager).await?;
        create_secrets(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &[SECRETS, DELIVERIES, SUBSCRIPTIONS]).await
    }
}

async fn create_subscriptions(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let mut table = tenant_table(SUBSCRIPTIONS);
    with_timestamps(
        table
            .col(string("topic"))
            .col(text("callback_url"))
            .col(string("format"))
            .col(timestamp_with_time_zone_null("leased_until"))
            .col(uuid_null("lease_token")),
    );
    create_with_indexes(
        manager,
        table,
        vec![
            index(SUBSCRIPTIONS, &["store_id", "topic", "callback_url"], true),
            index(SUBSCRIPTIONS, &["store_id", "id"], false),
        ],
    )
    .await
}

async fn create_deliveries(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let table = Table::create()
        .table(DELIVERIES)
        .col(pk_uuid("id"))
        .col(big_integer("seq"))
        .col(uuid("store_id"))
        .col(uuid("subscription_id"))
        .col(uuid("event_id"))
        .col(string("topic"))
        .col(string("status"))
        .col(integer("attempts"))
        .col(timestamp_with_time_zone("next_attempt_at"))
        .col(timestamp_with_time_zone_null("last_attempt_at"))
        .col(integer_null("response_status"))
        .col(text_null("error"))
        .col(integer_null("latency_ms"))
        .col(timestamp_with_time_zone_null("delivered_at"))
        .col(timestamp_with_time_zone("created_at"))
        .foreign_key(&mut references(DELIVERIES, "store_id", "stores", "id"))
        .foreign_key(&mut owned_by(DELIVERIES, "subscription_id", SUBSCRIPTIONS))
        .foreign_key(&mut references(DELIVERIES, "event_id", "outbox", "id"))
        .to_owned();
    create_with_indexes(
        manager,
        table,
        vec![
            index(DELIVERIES, &["seq"], true),
            index(
                DELIVERIES,
                &["store_id", "subscription_id", "event_id"],
                true,
            ),
            index(
                DELIVERIES,
                &["store_id", "subscription_id", "status", "seq"],
                false,
            ),
            index(DELIVERIES, &["store_id", "event_id"], false),
            index(DELIVERIES, &["status", "subscription_id", "seq"], false),
        ],
    )
    .await
}

async fn create_secrets(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(SECRETS)
                .col(uuid("store_id").primary_key())
                .col(string("secret"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut owned_by(SECRETS, "store_id", "stores"))
                .to_owned(),
        )
        .await
}
