//! Orders with their line snapshots and append-only status history; payments and their
//! append-only gateway events.

use crate::columns::*;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_orders(manager).await?;
        create_payments(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "payment_events",
                "payments",
                "order_events",
                "order_lines",
                "orders",
            ],
        )
        .await
    }
}

async fn create_orders(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let mut orders = tenant_table("orders");
    orders
        .col(big_integer("number"))
        .col(uuid_null("customer_id"))
        .col(string("email"))
        .col(string("status"))
        .col(big_integer("subtotal_minor"))
        .col(big_integer("tax_minor"))
        .col(big_integer("shipping_minor"))
        .col(big_integer("total_minor"))
        .col(string_len("currency", 3))
        .col(json_binary_null("shipping_address"))
        .col(json_binary_null("billing_address"))
        .col(string_null("payment_reference"))
        .col(uuid_null("cart_id"))
        .foreign_key(&mut references("orders", "customer_id", "customers", "id"))
        .foreign_key(&mut references("orders", "cart_id", "carts", "id"));
    with_timestamps(&mut orders);
    create_with_indexes(
        manager,
        orders.to_owned(),
        vec![
            index("orders", &["store_id", "number"], true),
            index("orders", &["store_id", "cart_id"], true),
            index("orders", &["store_id", "status", "created_at"], false),
        ],
    )
    .await?;

    let mut lines = tenant_table("order_lines");
    lines
        .col(uuid("order_id"))
        .col(uuid_null("variant_id"))
        .col(uuid_null("product_id"))
        .col(string("title"))
        .col(string("variant_title"))
        .col(string_null("sku"))
        .col(integer("quantity"))
        .col(big_integer("unit_price_minor"))
        .col(big_integer("total_minor"))
        .foreign_key(&mut owned_by("order_lines", "order_id", "orders"));
    create_with_indexes(
        manager,
        lines.to_owned(),
        vec![index("order_lines", &["store_id", "order_id"], false)],
    )
    .await?;

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
        .col(string_null("gateway_reference"))
        .col(big_integer("amount_minor"))
        .col(string_len("currency", 3))
        .col(string("status"))
        .foreign_key(&mut references("payments", "order_id", "orders", "id"));
    with_timestamps(&mut payments);
    create_with_indexes(
        manager,
        payments.to_owned(),
        vec![index("payments", &["store_id", "order_id"], false)],
    )
    .await?;

    let mut events = tenant_table("payment_events");
    events
        .col(uuid("payment_id"))
        .col(string("kind"))
        .col(big_integer("amount_minor"))
        .col(string_null("gateway_reference"))
        .col(json_binary("payload"))
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
