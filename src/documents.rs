//! Trusted documents: the GraphQL documents a store lets anonymous storefront callers run when
//! its trusted-documents mode is on (`EdgeSettings::trusted_documents_only`). Two sets count:
//!
//! - the storefront operations of `schema/operations/storefront/`, built into the binary and
//!   trusted by every store (`embedded`);
//! - the documents a store registered itself (`trustedDocumentRegister`, `vitrine documents
//!   register`), stored in `trusted_documents`, once per store and hash.
//!
//! A document is named by the lowercase hex SHA-256 of its exact text, as Apollo's clients name
//! persisted queries, so a client can send just the hash of a trusted document. This module
//! stores and finds documents; it never parses or validates them: callers hand it a
//! `CheckedDocument` (the GraphQL side checks a text against the schema), and the HTTP side
//! decides what a request may run (`http::persisted`).

pub mod embedded;
pub mod lookup;

use chrono::{DateTime, Utc};
use entities::prelude::TrustedDocument as TrustedDocuments;
use entities::trusted_document;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::error::{AppError, Result};
use crate::stores::Store;

/// Lowercase hex SHA-256 of a document's text, as Apollo's clients compute it.
pub fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// Whether `hash` looks like a `sha256_hex` (64 lowercase hex digits).
pub fn is_sha256_hex(hash: &str) -> bool {
    hash.len() == 64 && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// A document text that parsed and validated against the schema, with its operations' names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedDocument {
    pub text: String,
    pub operation_names: Vec<String>,
}

/// A store's trusted document as the admin sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct TrustedDocument {
    pub hash: String,
    pub operation_names: Vec<String>,
    pub created_at: DateTime<Utc>,
}

impl TrustedDocument {
    fn of(row: trusted_document::Model) -> TrustedDocument {
        let operation_names = serde_json::from_value(row.operation_names).unwrap_or_default();
        TrustedDocument {
            hash: row.hash,
            operation_names,
            created_at: row.created_at,
        }
    }
}

/// Registers `document` for `store`. Registering a document twice changes nothing and returns
/// the first registration.
pub async fn register(
    db: &impl ConnectionTrait,
    store: &Store,
    document: &CheckedDocument,
) -> Result<TrustedDocument> {
    let hash = sha256_hex(&document.text);
    let row = trusted_document::ActiveModel {
        id: Set(Uuid::now_v7()),
        store_id: Set(store.id),
        hash: Set(hash.clone()),
        document: Set(document.text.clone()),
        operation_names: Set(json!(document.operation_names)),
        created_at: Set(Utc::now()),
    };
    TrustedDocuments::insert(row)
        .on_conflict(
            OnConflict::columns([
                trusted_document::Column::StoreId,
                trusted_document::Column::Hash,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    find_row(db, store.id, &hash)
        .await?
        .map(TrustedDocument::of)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("trusted document {hash} vanished")))
}

/// Removes one of the store's documents; `NotFound` when the store has none by that hash
/// (documents built into the binary cannot be removed).
pub async fn delete(db: &impl ConnectionTrait, store: &Store, hash: &str) -> Result<String> {
    let deleted = TrustedDocuments::delete_many()
        .filter(trusted_document::Column::StoreId.eq(store.id))
        .filter(trusted_document::Column::Hash.eq(hash))
        .exec(db)
        .await?;
    if deleted.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    Ok(hash.to_string())
}

/// The text of the store's registered document `hash`, if it registered one.
pub async fn find_text(
    db: &impl ConnectionTrait,
    store_id: Uuid,
    hash: &str,
) -> Result<Option<String>> {
    Ok(find_row(db, store_id, hash).await?.map(|row| row.document))
}

/// How many documents the store registered.
pub async fn count(db: &impl ConnectionTrait, store: &Store) -> Result<u64> {
    Ok(of_store(store).count(db).await?)
}

/// The store's registered documents, oldest first, from `offset`, at most `limit`.
pub async fn list(
    db: &impl ConnectionTrait,
    store: &Store,
    offset: u64,
    limit: u64,
) -> Result<Vec<TrustedDocument>> {
    let rows = of_store(store)
        .order_by_asc(trusted_document::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(TrustedDocument::of).collect())
}

fn of_store(store: &Store) -> sea_orm::Select<TrustedDocuments> {
    TrustedDocuments::find().filter(trusted_document::Column::StoreId.eq(store.id))
}

async fn find_row(
    db: &impl ConnectionTrait,
    store_id: Uuid,
    hash: &str,
) -> Result<Option<trusted_document::Model>> {
    Ok(TrustedDocuments::find()
        .filter(trusted_document::Column::StoreId.eq(store_id))
        .filter(trusted_document::Column::Hash.eq(hash))
        .one(db)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_lowercase_hex_sha256_of_the_exact_text() {
        let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assert_eq!(sha256_hex("abc"), abc);
        assert_ne!(sha256_hex("abc "), abc);
        assert!(is_sha256_hex(abc));
        assert!(!is_sha256_hex(&abc.to_uppercase()));
        assert!(!is_sha256_hex(&abc[1..]));
    }
}
