//! Stock: one level per variant, reservations held by carts, and the append-only movement ledger.
//! Carts are created in a later migration, so the reservation's cart reference is added there.

use crate::columns::*;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let levels = Table::create()
            .table("inventory_levels")
            .col(uuid("variant_id").primary_key())
            .col(uuid("store_id"))
            .col(big_integer("on_hand"))
            .col(big_integer("reserved").default(0))
            .col(big_integer("version").default(0))
            .col(timestamp_with_time_zone("updated_at"))
            .check((
                "inventory_levels_on_hand_check",
                Expr::col("on_hand").gte(0),
            ))
            .check((
                "inventory_levels_reserved_check",
                Expr::col("reserved").gte(0),
            ))
            .foreign_key(&mut owned_by(
                "inventory_levels",
                "variant_id",
                "product_variants",
            ))
            .foreign_key(&mut references(
                "inventory_levels",
                "store_id",
                "stores",
                "id",
            ))
            .to_owned();
        create_with_indexes(
            manager,
            levels,
            vec![index(
                "inventory_levels",
                &["store_id", "variant_id"],
                false,
            )],
        )
        .await?;

        let mut movements = tenant_table("inventory_movements");
        movements
            .col(uuid("variant_id"))
            .col(string("kind"))
            .col(big_integer("on_hand_delta"))
            .col(big_integer("reserved_delta"))
            .col(big_integer("on_hand_after"))
            .col(string_null("reason"))
            .col(string_null("reference"))
            .col(timestamp_with_time_zone("created_at"));
        create_with_indexes(
            manager,
            movements.to_owned(),
            vec![index(
                "inventory_movements",
                &["store_id", "variant_id", "created_at"],
                false,
            )],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["inventory_movements", "inventory_levels"]).await
    }
}
