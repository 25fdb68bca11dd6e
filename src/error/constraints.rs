//! The one place where database constraint violations become domain errors. Uniqueness is
//! enforced by the database (indexes named `{table}_{columns}_key`), never by a prior SELECT; a
//! violated index is mapped back to the input field it protects. Anything else is internal.

use sea_orm::{DbErr, SqlErr};

use super::{AppError, InputErrorCode};

/// Unique indexes whose violation an input can cause: the field they protect, the code and the
/// message of the input error.
const UNIQUE_INPUTS: [(&str, &str, InputErrorCode, &str); 8] = [
    (
        "products_store_id_handle_key",
        "handle",
        InputErrorCode::Taken,
        "a product with this handle already exists",
    ),
    (
        "collections_store_id_handle_key",
        "handle",
        InputErrorCode::Taken,
        "a collection with this handle already exists",
    ),
    (
        "pages_store_id_handle_key",
        "handle",
        InputErrorCode::Taken,
        "a page with this handle already exists",
    ),
    (
        "menus_store_id_handle_key",
        "handle",
        InputErrorCode::Taken,
        "a menu with this handle already exists",
    ),
    (
        "product_variants_store_id_sku_key",
        "sku",
        InputErrorCode::Taken,
        "a variant with this SKU already exists in the store",
    ),
    (
        "product_variants_store_id_product_id_option1_option2_option3_key",
        "options",
        InputErrorCode::Duplicate,
        "two variants have the same option values",
    ),
    (
        "stores_domain_key",
        "domain",
        InputErrorCode::Taken,
        "a store with this domain already exists",
    ),
    (
        "customers_store_id_email_key",
        "email",
        InputErrorCode::Taken,
        "Email has already been taken",
    ),
];

/// Turns a database error into an `AppError`: known unique violations become input errors on
/// the field they protect, everything else is internal.
pub fn to_app_error(err: DbErr) -> AppError {
    match err.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(message)) => {
            let name = violated_index(&message);
            let found = UNIQUE_INPUTS
                .iter()
                .find(|(index, ..)| postgres_identifier(index) == postgres_identifier(&name));
            if let Some((_, field, code, text)) = found {
                return AppError::invalid(&[field], *code, *text);
            }
        }
        // Existence is checked in the same transaction, so a reference can only break when a
        // concurrent request removed its target in between.
        Some(SqlErr::ForeignKeyConstraintViolation(_)) => {
            return AppError::Conflict(
                "something this change refers to was removed meanwhile; try again".into(),
            );
        }
        _ => {}
    }
    AppError::Internal(anyhow::Error::new(err).context("Database error"))
}

/// PostgreSQL cuts identifiers to 63 bytes; compare index names as it stores them.
fn postgres_identifier(name: &str) -> &str {
    &name[..name.len().min(63)]
}

/// The index name from a PostgreSQL message (`… unique constraint "products_store_id_handle_key"`)
/// or rebuilt from a SQLite one (`UNIQUE constraint failed: products.store_id, products.handle`).
fn violated_index(message: &str) -> String {
    if let Some(rest) = message.split("constraint failed: ").nth(1) {
        let columns: Vec<(&str, &str)> = rest
            .split(", ")
            .filter_map(|qualified| qualified.trim().split_once('.'))
            .collect();
        if let Some((table, _)) = columns.first() {
            let names: Vec<&str> = columns.iter().map(|(_, column)| *column).collect();
            return format!("{table}_{}_key", names.join("_"));
        }
    }
    message.split('"').nth(1).unwrap_or_default().to_string()
}

#[cfg(test)]
mod tests {
    use super::violated_index;

    #[test]
    fn the_violated_index_is_read_from_postgres_and_sqlite_messages() {
        assert_eq!(
            violated_index(
                "duplicate key value violates unique constraint \"products_store_id_handle_key\""
            ),
            "products_store_id_handle_key"
        );
        assert_eq!(
            violated_index("UNIQUE constraint failed: products.store_id, products.handle"),
            "products_store_id_handle_key"
        );
    }
}
