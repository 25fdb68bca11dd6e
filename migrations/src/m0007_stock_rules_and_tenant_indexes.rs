//! Stock and tenancy rules found missing after the catalog landed:
//! - `inventory_levels` gets `CHECK (reserved <= on_hand)`, so no write can reserve or sell units
//!   that are not on hand, whatever the code above it does;
//! - deleting a variant removes it from carts: `cart_lines` and `inventory_reservations` follow
//!   the variant (`ON DELETE CASCADE`) instead of failing the delete;
//! - every foreign-key column of a tenant table is indexed behind `store_id`, and product lists
//!   get `(store_id, sort column, id)` indexes for keyset pages.
//!
//! PostgreSQL changes constraints in place. SQLite cannot add a CHECK or change a foreign key, so
//! it rebuilds the three tables: create the new shape, copy, drop, rename (the documented
//! procedure; no other table references them).

use crate::columns::*;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        match manager.get_database_backend() {
            sea_orm_migration::sea_orm::DbBackend::Sqlite => rebuild_on_sqlite(manager).await?,
            _ => alter_on_postgres(manager).await?,
        }
        for index in new_indexes() {
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, columns) in NEW_INDEXES {
            let name = format!("{table}_{}_idx", columns.join("_"));
            manager
                .drop_index(Index::drop().name(name).table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

/// Indexes added here, all `(store_id, …)`: foreign keys first, then the sort keys of lists.
const NEW_INDEXES: [(&str, &[&str]); 14] = [
    ("product_tags", &["store_id", "product_id"]),
    (
        "collection_products",
        &["store_id", "collection_id", "position"],
    ),
    ("cart_lines", &["store_id", "variant_id"]),
    ("inventory_reservations", &["store_id", "variant_id"]),
    ("carts", &["store_id", "customer_id"]),
    ("orders", &["store_id", "customer_id"]),
    ("products", &["store_id", "price_min_minor", "id"]),
    ("products", &["store_id", "units_sold", "id"]),
    ("products", &["store_id", "updated_at", "id"]),
    ("products", &["store_id", "created_at", "id"]),
    ("products", &["store_id", "vendor", "id"]),
    ("products", &["store_id", "product_type", "id"]),
    ("collections", &["store_id", "title", "id"]),
    ("pages", &["store_id", "title", "id"]),
];

fn new_indexes() -> Vec<IndexCreateStatement> {
    NEW_INDEXES
        .iter()
        .map(|&(table, columns)| index(table, columns, false))
        .collect()
}

const RESERVED_WITHIN_ON_HAND: &str = "inventory_levels_reserved_within_on_hand";

async fn alter_on_postgres(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    db.execute_unprepared(&format!(
        "ALTER TABLE inventory_levels ADD CONSTRAINT {RESERVED_WITHIN_ON_HAND} \
         CHECK (reserved <= on_hand)"
    ))
    .await?;
    for table in ["cart_lines", "inventory_reservations"] {
        db.execute_unprepared(&format!(
            "ALTER TABLE {table} DROP CONSTRAINT {table}_variant_id_fkey, \
             ADD CONSTRAINT {table}_variant_id_fkey FOREIGN KEY (variant_id) \
             REFERENCES product_variants (id) ON DELETE CASCADE"
        ))
        .await?;
    }
    Ok(())
}

async fn rebuild_on_sqlite(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    rebuild(
        manager,
        "inventory_levels",
        inventory_levels(),
        vec![index(
            "inventory_levels",
            &["store_id", "variant_id"],
            false,
        )],
    )
    .await?;
    rebuild(
        manager,
        "cart_lines",
        cart_lines(),
        vec![index("cart_lines", &["store_id", "cart_id"], false)],
    )
    .await?;
    rebuild(
        manager,
        "inventory_reservations",
        inventory_reservations(),
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

/// Replaces `table` by `definition` (created as `{table}_rebuilt`), keeping its rows.
async fn rebuild(
    manager: &SchemaManager<'_>,
    table: &'static str,
    definition: TableCreateStatement,
    indexes: Vec<IndexCreateStatement>,
) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let rebuilt = format!("{table}_rebuilt");
    manager
        .create_table(definition.clone().table(Alias::new(&rebuilt)).to_owned())
        .await?;
    db.execute_unprepared(&format!("INSERT INTO {rebuilt} SELECT * FROM {table}"))
        .await?;
    db.execute_unprepared(&format!("DROP TABLE {table}"))
        .await?;
    db.execute_unprepared(&format!("ALTER TABLE {rebuilt} RENAME TO {table}"))
        .await?;
    for index in indexes {
        manager.create_index(index).await?;
    }
    Ok(())
}

/// `inventory_levels` as m0003 made it, plus the reserved-within-on-hand check.
fn inventory_levels() -> TableCreateStatement {
    Table::create()
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
        .check((
            RESERVED_WITHIN_ON_HAND,
            Expr::col("reserved").lte(Expr::col("on_hand")),
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
        .to_owned()
}

/// `cart_lines` as m0004 made it, with lines following their variant on delete.
fn cart_lines() -> TableCreateStatement {
    let mut lines = tenant_table("cart_lines");
    lines
        .col(uuid("cart_id"))
        .col(uuid("variant_id"))
        .col(integer("quantity"))
        .col(json_binary("attributes"))
        .check(Expr::col("quantity").gt(0))
        .foreign_key(&mut owned_by("cart_lines", "cart_id", "carts"))
        .foreign_key(&mut owned_by(
            "cart_lines",
            "variant_id",
            "product_variants",
        ));
    with_timestamps(&mut lines);
    lines.to_owned()
}

/// `inventory_reservations` as m0004 made it, with holds following their variant on delete.
fn inventory_reservations() -> TableCreateStatement {
    let mut reservations = tenant_table("inventory_reservations");
    reservations
        .col(uuid("variant_id"))
        .col(uuid("cart_id"))
        .col(big_integer("quantity"))
        .col(timestamp_with_time_zone("expires_at"))
        .col(timestamp_with_time_zone("created_at"))
        .check(Expr::col("quantity").gt(0))
        .foreign_key(&mut owned_by(
            "inventory_reservations",
            "variant_id",
            "product_variants",
        ))
        .foreign_key(&mut owned_by("inventory_reservations", "cart_id", "carts"));
    reservations.to_owned()
}
