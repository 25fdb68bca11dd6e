//! The origin response cache: whole GraphQL responses of public catalog reads, keyed by store,
//! API version, document, variables and operation, tagged like their `Surrogate-Key` header.
//!
//! CONTRACT STUB: filled in by the edge-caching work; `invalidate` is what purges call.

use uuid::Uuid;

/// Cached responses of every store.
#[derive(Default)]
pub struct ResponseCache {}

impl ResponseCache {
    /// Drops every response of `store_id` tagged with one of `tags`, here, in the shared tier,
    /// and on every other instance. Idempotent.
    pub async fn invalidate(&self, store_id: Uuid, tags: &[String]) -> anyhow::Result<()> {
        let _ = (store_id, tags);
        Ok(())
    }
}
