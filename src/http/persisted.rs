//! Persisted queries: Apollo's automatic persisted queries (APQ) and a store's trusted
//! documents, applied to a request after its tenant is known and before it runs.
//!
//! - APQ (`extensions.persistedQuery = {version: 1, sha256Hash}`, over POST or GET): a request
//!   with only the hash runs the text registered under it; an unknown hash answers HTTP 200 with
//!   `PersistedQueryNotFound` / `PERSISTED_QUERY_NOT_FOUND`, which tells Apollo's clients to send
//!   the text too. A request with both is checked (the hash must be the text's, else 400
//!   `PERSISTED_QUERY_HASH_MISMATCH`, nothing stored) and its text kept per store in the shared
//!   cache (`apq`) for `apq::TTL`, with a copy in this process. Any version but 1 is refused (400).
//! - A trusted document (`crate::documents`: built in, or registered by the store) also runs by
//!   its hash alone, APQ or not.
//! - Trusted-documents mode (`EdgeSettings::trusted_documents_only`) applies to storefront
//!   tokens only; admin tokens are exempt. In it a request runs only if the hash of its text is
//!   trusted; anything else, a hash-only request for an untrusted hash included, is refused with
//!   400 `PERSISTED_QUERY_NOT_IN_LIST` (Apollo Router's safelisting code) and stores nothing.
//! - A mutation over GET is refused with 405 and `Allow: POST` (`method`).
//!
//! Every refusal is a finished response marked `Cache-Control: private, no-store`.

mod apq;
mod method;
mod protocol;
mod refusals;

use axum::response::Response;

use self::protocol::PersistedQuery;
use super::HttpState;
use crate::documents::{embedded, lookup};
use crate::stores::edge::EdgeSettings;
use crate::tenancy::{Principal, Tenant};

pub use self::apq::Texts;
pub use self::method::refuse_mutation_over_get;
pub use crate::documents::sha256_hex;

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
    state: &HttpState,
    tenant: &Tenant,
    request: &mut async_graphql::Request,
) -> Result<Document, Refused> {
    let persisted = protocol::read(&request.extensions)?;
    let trusted_only = tenant.principal == Principal::Storefront
        && EdgeSettings::of(&tenant.store).trusted_documents_only;
    let Some(PersistedQuery { hash }) = persisted else {
        let hash = sha256_hex(&request.query);
        if trusted_only && !is_trusted(state, tenant, &hash).await? {
            return Err(refusals::not_in_list());
        }
        return Ok(Document { hash });
    };
    if request.query.is_empty() {
        request.query = text_of(state, tenant, &hash, trusted_only).await?;
        return Ok(Document { hash });
    }
    if sha256_hex(&request.query) != hash {
        return Err(refusals::hash_mismatch());
    }
    if trusted_only {
        if !is_trusted(state, tenant, &hash).await? {
            return Err(refusals::not_in_list());
        }
    } else {
        state
            .persisted_texts
            .remember(tenant.store.id, &hash, &request.query)
            .await;
    }
    Ok(Document { hash })
}

/// The text a hash-only request runs: a built-in document's (in memory), a persisted query's
/// (outside trusted-documents mode), or one the store registered.
async fn text_of(
    state: &HttpState,
    tenant: &Tenant,
    hash: &str,
    trusted_only: bool,
) -> Result<String, Refused> {
    if let Some(text) = embedded::text(hash) {
        return Ok(text.to_string());
    }
    if !trusted_only && let Some(text) = state.persisted_texts.recall(tenant.store.id, hash).await {
        return Ok(text);
    }
    match trusted_text(state, tenant, hash).await? {
        Some(text) => Ok(text),
        None if trusted_only => Err(refusals::not_in_list()),
        None => Err(refusals::not_found()),
    }
}

async fn is_trusted(state: &HttpState, tenant: &Tenant, hash: &str) -> Result<bool, Refused> {
    Ok(trusted_text(state, tenant, hash).await?.is_some())
}

async fn trusted_text(
    state: &HttpState,
    tenant: &Tenant,
    hash: &str,
) -> Result<Option<String>, Refused> {
    let db = state.app.db.reader();
    lookup::trusted_text(db, &state.app.cache, tenant.store.id, hash)
        .await
        .map(|text| text.map(String::from))
        .map_err(refusals::internal)
}
