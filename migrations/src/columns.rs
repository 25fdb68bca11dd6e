//! Shared building blocks for tenant-owned tables: the id, the `store_id` foreign key, timestamps,
//! and indexes whose leading column is always `store_id`.

use sea_orm_migration::{prelude::*, schema::*};

/// A new table with a UUID primary key `id` and a `store_id` referencing `stores`.
pub fn tenant_table(name: &'static str) -> TableCreateStatement {
    Table::create()
        .table(name)
        .col(pk_uuid("id"))
        .col(uuid("store_id"))
        .foreign_key(&mut references(name, "store_id", "stores", "id"))
        .to_owned()
}

/// `created_at` and `updated_at`, both required.
pub fn with_timestamps(table: &mut TableCreateStatement) -> &mut TableCreateStatement {
    table
        .col(timestamp_with_time_zone("created_at"))
        .col(timestamp_with_time_zone("updated_at"))
}

/// A foreign key from `table.column` to `target.target_column`, deleting nothing on its own.
pub fn references(
    table: &'static str,
    column: &'static str,
    target: &'static str,
    target_column: &'static str,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(target, target_column)
        .to_owned()
}

/// A foreign key to a parent whose deletion removes this row with it.
pub fn owned_by(
    table: &'static str,
    column: &'static str,
    parent: &'static str,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(parent, "id")
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

/// An index named `{table}_{columns}_idx` (or `_key` when unique) on the given columns.
pub fn index(table: &'static str, columns: &[&'static str], unique: bool) -> IndexCreateStatement {
    let suffix = if unique { "key" } else { "idx" };
    let mut index = Index::create();
    index
        .name(format!("{table}_{}_{suffix}", columns.join("_")))
        .table(table);
    for column in columns {
        index.col(*column);
    }
    if unique {
        index.unique();
    }
    index.to_owned()
}

/// Creates a table and then its indexes.
pub async fn create_with_indexes(
    manager: &SchemaManager<'_>,
    table: TableCreateStatement,
    indexes: Vec<IndexCreateStatement>,
) -> Result<(), DbErr> {
    manager.create_table(table).await?;
    for index in indexes {
        manager.create_index(index).await?;
    }
    Ok(())
}

/// Drops tables in the given order.
pub async fn drop_tables(
    manager: &SchemaManager<'_>,
    tables: &[&'static str],
) -> Result<(), DbErr> {
    for table in tables {
        manager
            .drop_table(Table::drop().table(*table).if_exists().to_owned())
            .await?;
    }
    Ok(())
}
