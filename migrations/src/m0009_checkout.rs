//! The purchase path's tables in the shape checkout needs. The order, payment, idempotency and
//! outbox tables of m0005 and m0006 were created ahead of any code writing them and have never
//! held a row, so they are dropped and created again rather than altered column by column:
//! - `orders` gain a discount total, whether taxes are included, the buyer's access token (its
//!   hash), the capture policy taken at checkout, a tracking number and timestamps of the steps;
//! - `order_lines` keep their position and the discount and tax allocated to them;
//! - `payments` carry the idempotency key sent to the gateway, the captured and refunded amounts
//!   and when the authorization lapses; `payment_events` stay append-only;
//! - `idempotency_keys` remember the cart, order and payment a key worked on and expire;
//! - `outbox` rows name the entity they are about, so events of one order keep their order;
//! - order numbers come from `order_counters`, one row per store taken like a sequence, instead
//!   of `stores.next_order_number`: catalog writes share-lock the store row for their whole
//!   transaction, and checkouts must not queue behind them (or each other) for a number.

use crate::columns::*;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: [&str; 7] = [
    "payment_events",
    "payments",
    "order_events",
    "order_lines",
    "orders",
    "idempotency_keys",
    "outbox",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &TABLES).await?;
        create_orders(manager).await?;
        create_order_lines(manager).await?;
        create_order_events(manager).await?;
        create_payments(manager).await?;
        create_idempotency_keys(manager).await?;
        create_outbox(manager).await?;
        create_order_counters(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["order_counters"]).await?;
        manager
            .alter_table(
                Table::alter()
                    .table("stores")
                    .add_column(big_integer("next_order_number").default(1001))
                    .to_owned(),
            )
            .await?;
        drop_tables(manager, &TABLES).await
    }
}

async fn create_orders(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let mut orders = tenant_table("orders");
    orders
        .col(big_integer("number"))
        .col(uuid("cart_id"))
        .col(uuid_null("customer_id"))
        .col(string("email"))
        .col(string("status"))
        .col(string_len("currency", 3))
        .col(big_integer("subtotal_minor"))
        .col(big_integer("discount_minor"))
        .col(big_integer("shipping_minor"))
        .col(big_integer("tax_minor"))
        .col(boolean("taxes_included"))
        .col(big_integer("total_minor"))
        .col(json_binary("shipping_address"))
        .col(json_binary("billing_address"))
        .col(string("access_token_hash"))
        .col(string("capture_policy"))
        .col(string_null("payment_reference"))
        .col(string_null("tracking_number"))
        .col(text_null("cancel_reason"))
        .col(timestamp_with_time_zone_null("confirmed_at"))
        .col(timestamp_with_time_zone_null("cancelled_at"))
        .foreign_key(&mut references("orders", "customer_id", "customers", "id"))
        .foreign_key(&mut references("orders", "cart_id", "carts", "id"));
    with_timestamps(&mut orders);
    create_with_indexes(
        manager,
        orders.to_owned(),
        vec![
            index("orders", &["store_id", "number"], true),
            index("orders", &["store_id", "cart_id"], true),
            index("orders", &["access_token_hash"], true),
            index("orders", &["store_id", "status", "number"], false),
            index("orders", &["store_id", "customer_id", "number"], false),
            index("orders", &["status", "updated_at"], false),
        ],
    )
    .await
}

async fn create_order_lines(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let mut lines = tenant_table("order_lines");
    lines
        .col(uuid("order_id"))
        .col(integer("position"))
        .col(uuid_null("variant_id"))
        .col(uuid_null("product_id"))
        .col(string("title"))
        .col(string("variant_title"))
        .col(string_null("sku"))
        .col(big_integer("quantity"))
        .col(big_integer("unit_price_minor"))
        .col(big_integer("subtotal_minor"))
        .col(big_integer("discount_minor"))
        .col(big_integer("tax_minor"))
        .col(big_integer("total_minor"))
        .foreign_key(&mut owned_by("order_lines", "order_id", "orders"));
    create_with_indexes(
        manager,
        lines.to_owned(),
        vec![index(
            "order_lines",
            &["store_id", "order_id", "position"],
            false,
        )],
    )
    .await
}

async fn create_order_events(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let mut events = tenant_table("order_events");
    events
        .col(uuid("order_id"))
        .col(string_null("from_status"))
        .col(string("to_status"))
        .col(string("actor"))
        .col(text_null("reason"))
        .col(timestamp_with_time_zone("created_at"))
        .foreign_key(&mut references("order_events", "order_id", "orders", "id"));
    create_with_indexes(
        manager,
        events.to_owned(),
        vec![index(
            "order_events",
            &["store_id", "order_id", "created_at"],
            false,
        )],
    )
    .await
}

async fn create_payments(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let mut payments = tenant_table("payments");
    payments
        .col(uuid("order_id"))
        .col(string("gateway"))
        .col(string("idempotency_key"))
        .col(string_null("gateway_reference"))
        .col(string_len("currency", 3))
        .col(big_integer("amount_minor"))
        .col(big_integer("captured_minor"))
        .col(big_integer("refunded_minor"))
        .col(string("status"))
        .col(string_null("decline_code"))
        .col(timestamp_with_time_zone_null("authorization_expires_at"))
        .foreign_key(&mut references("payments", "order_id", "orders", "id"));
    with_timestamps(&mut payments);
    create_with_indexes(
        manager,
        payments.to_owned(),
        vec![
            index("payments", &["store_id", "order_id"], false),
            index("payments", &["store_id", "idempotency_key"], true),
            index("payments", &["status", "updated_at"], false),
        ],
    )
    .await?;

    let mut events = tenant_table("payment_events");
    events
        .col(uuid("payment_id"))
        .col(string("kind"))
        .col(big_integer("amount_minor"))
        .col(string_null("gateway_reference"))
        .col(json_binary("detail"))
        .col(timestamp_with_time_zone("created_at"))
        .foreign_key(&mut references(
            "payment_events",
            "payment_id",
            "payments",
            "id",
        ));
    create_with_indexes(
        manager,
        events.to_owned(),
        vec![index(
            "payment_events",
            &["store_id", "payment_id", "created_at"],
            false,
        )],
    )
    .await
}

async fn create_idempotency_keys(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let mut keys = tenant_table("idempotency_keys");
    keys.col(string("key"))
        .col(string("request_hash"))
        .col(uuid("cart_id"))
        .col(uuid_null("order_id"))
        .col(uuid_null("payment_id"))
        .col(string("recovery_point"))
        .col(json_binary_null("response"))
        .col(timestamp_with_time_zone_null("locked_at"))
        .col(timestamp_with_time_zone("created_at"))
        .col(timestamp_with_time_zone("updated_at"));
    create_with_indexes(
        manager,
        keys.to_owned(),
        vec![
            index("idempotency_keys", &["store_id", "key"], true),
            index("idempotency_keys", &["store_id", "payment_id"], false),
            index("idempotency_keys", &["created_at"], false),
        ],
    )
    .await
}

async fn create_outbox(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let mut outbox = tenant_table("outbox");
    outbox
        .col(string("topic"))
        .col(string("subject_gid"))
        .col(json_binary("payload"))
        .col(timestamp_with_time_zone("created_at"))
        .col(timestamp_with_time_zone_null("published_at"));
    create_with_indexes(
        manager,
        outbox.to_owned(),
        vec![
            index("outbox", &["published_at", "id"], false),
            index("outbox", &["store_id", "id"], false),
        ],
    )
    .await
}

async fn create_order_counters(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table("order_counters")
                .col(uuid("store_id").primary_key())
                .col(big_integer("last_number"))
                .foreign_key(&mut owned_by("order_counters", "store_id", "stores"))
                .to_owned(),
        )
        .await?;
    manager
        .alter_table(
            Table::alter()
                .table("stores")
                .drop_column("next_order_number")
                .to_owned(),
        )
        .await
}
