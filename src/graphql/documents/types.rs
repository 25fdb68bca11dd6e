//! The `TrustedDocument` type.

use async_graphql::{Object, SimpleObject};
use chrono::{DateTime, Utc};

use crate::documents;
use crate::graphql::errors::UserError;

/// A GraphQL document the store trusts: in trusted-documents mode, anonymous storefront
/// requests may run it, by its text or by its hash alone.
pub struct TrustedDocument(pub documents::TrustedDocument);

#[Object]
impl TrustedDocument {
    /// The lowercase hex SHA-256 of the document's exact text (Apollo's `sha256Hash`).
    async fn hash(&self) -> &str {
        &self.0.hash
    }
    /// The names of the document's operations; an anonymous operation has none.
    async fn operation_names(&self) -> &[String] {
        &self.0.operation_names
    }
    /// When the store registered it.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// The result of `trustedDocumentRegister`.
#[derive(SimpleObject)]
pub struct TrustedDocumentRegisterPayload {
    /// The registered document (the first registration when it was registered before).
    pub trusted_document: Option<TrustedDocument>,
    /// Why the document was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The result of `trustedDocumentDelete`.
#[derive(SimpleObject)]
pub struct TrustedDocumentDeletePayload {
    /// The hash of the removed document.
    pub deleted_hash: Option<String>,
    /// Why nothing was removed; empty on success.
    pub user_errors: Vec<UserError>,
}
