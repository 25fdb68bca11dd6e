//! Persisted queries: Apollo's automatic persisted queries (`extensions.persistedQuery`
//! `{version: 1, sha256Hash}`, over POST and GET) and the store's trusted documents.
//!
//! CONTRACT STUB: the persisted-queries work replaces the bodies below; the signatures are what
//! the endpoint calls.

use axum::http::Method;
use axum::response::Response;
use sha2::{Digest, Sha256};

use super::HttpState;
use crate::tenancy::Tenant;

/// A request refused before it ran: the finished HTTP response.
pub type Refused = Box<Response>;

/// The document a request runs, named by the lowercase hex SHA-256 of its text: the name the
/// response cache keys on and trusted documents are registered under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub hash: String,
}

/// Makes `request` runnable: fills in the text of a request that sent only a persisted query's
/// hash, registers a new persisted query, and refuses what the store does not allow. A refusal
/// is the finished HTTP response (`PERSISTED_QUERY_NOT_FOUND`, an untrusted document, …).
pub async fn prepare(
    _state: &HttpState,
    _tenant: &Tenant,
    request: &mut async_graphql::Request,
) -> Result<Document, Refused> {
    Ok(Document {
        hash: sha256_hex(&request.query),
    })
}

/// Refuses a mutation sent over GET with 405 and `Allow: POST`. Called before a request that
/// was not answered from the cache runs (only queries are ever cached).
pub fn refuse_mutation_over_get(
    _method: &Method,
    _request: &async_graphql::Request,
) -> Result<(), Refused> {
    Ok(())
}

/// Lowercase hex SHA-256 of a document's text, as Apollo's clients compute it.
pub fn sha256_hex(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}
