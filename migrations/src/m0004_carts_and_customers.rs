//! Customers and their access tokens, carts and their lines, and the stock reservations carts hold.

use crate::columns::*;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_customers(manager).await?;
        create_carts(manager).await?;
        create_reservations(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "inventory_reservations",
                "cart_lines",
                "carts",
                "customer_access_tokens",
                "customers",
            ],
        )
        .await
    }
}

async fn create_customers(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let mut customers = tenant_table("customers");
    customers
        .col(string("email"))
        .col(string_null("first_name"))
        .col(string_null("last_name"))
        .col(string_null("phone"))
        .col(string_null("password_hash"))
        .col(boolean("accepts_marketing").default(false));
    with_timestamps(&mut customers);
    create_with_indexes(
        manager,
        customers.to_owned(),
        vec![index("customers", &["store_id", "email"], true)],
    )
    .await?;

    let mut tokens = tenant_table("customer_access_tokens");
    tokens
        .col(uuid("customer_id"))
        .col(string_uniq("token_hash"))
        .col(timestamp_with_time_zone("expires_at"))
        .col(timestamp_with_time_zone("created_at"))
        .foreign_key(&mut owned_by(
            "customer_access_tokens",
            "customer_id",
            "customers",
        ));
    create_with_indexes(
        manager,
        tokens.to_owned(),
        vec![index(
            "customer_access_tokens",
            &["store_id", "customer_id"],
            false,
        )],
    )
    .await
}

async fn create_carts(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let mut carts = tenant_table("carts");
    carts
        .col(string("token"))
        .col(uuid_null("customer_id"))
        .col(json_binary("buyer_identity"))
        .col(text("note").default(""))
        .col(json_binary("attributes"))
        .col(json_binary("discount_codes"))
        .col(string("status"))
        .col(timestamp_with_time_zone("expires_at"))
        .foreign_key(&mut references("carts", "customer_id", "customers", "id"));
    with_timestamps(&mut carts);
    create_with_indexes(
        manager,
        carts.to_owned(),
        vec![
            index("carts", &["store_id", "token"], true),
            index("carts", &["store_id", "status", "expires_at"], false),
        ],
    )
    .await?;

    let mut lines = tenant_table("cart_lines");
    lines
        .col(uuid("cart_id"))
        .col(uuid("variant_id"))
        .col(integer("quantity"))
        .col(json_binary("attributes"))
        .check(Expr::col("quantity").gt(0))
        .foreign_key(&mut owned_by("cart_lines", "cart_id", "carts"))
        .foreign_key(&mut references(
            "cart_lines",
            "variant_id",
            "product_variants",
            "id",
        ));
    with_timestamps(&mut lines);
    create_with_indexes(
        manager,
        lines.to_owned(),
        vec![index("cart_lines", &["store_id", "cart_id"], false)],
    )
    .await
}

async fn create_reservations(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let mut reservations = tenant_table("inventory_reservations");
    reservations
        .col(uuid("variant_id"))
        .col(uuid("cart_id"))
        .col(big_integer("quantity"))
        .col(timestamp_with_time_zone("expires_at"))
        .col(timestamp_with_time_zone("created_at"))
        .check(Expr::col("quantity").gt(0))
        .foreign_key(&mut references(
            "inventory_reservations",
            "variant_id",
            "product_variants",
            "id",
        ))
        .foreign_key(&mut owned_by("inventory_reservations", "cart_id", "carts"));
    create_with_indexes(
        manager,
        reservations.to_owned(),
        vec![
            index("inventory_reservations", &["store_id", "expires_at"], false),
            index(
                "inventory_reservations",
                &["store_id", "cart_id", "variant_id"],
                true,
            ),
        ],
    )
    .await
}
