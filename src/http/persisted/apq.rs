//! The texts of automatic persisted queries, per store, in the shared cache (Redis, or the
//! bounded in-process cache). They are copies a client can always send again, so a cache
//! failure only costs the client a round trip.

use std::sync::Arc;
use std::time::Duration;

use uuid::Uuid;

use crate::cache::{Cache, keys};

/// How long a persisted query is kept after it was last sent with its text.
pub const TTL: Duration = Duration::from_secs(7 * 24 * 3600);

/// Keeps `text` as the store's persisted query `hash` (already checked to be its hash).
pub async fn remember(cache: &Arc<dyn Cache>, store_id: Uuid, hash: &str, text: &str) {
    let key = keys::persisted_query(store_id, hash);
    if let Err(err) = cache.set(&key, text.to_string(), TTL).await {
        tracing::warn!(error = ?err, "failed to store a persisted query");
    }
}

/// The text of the store's persisted query `hash`, if it is kept.
pub async fn recall(cache: &Arc<dyn Cache>, store_id: Uuid, hash: &str) -> Option<String> {
    let key = keys::persisted_query(store_id, hash);
    match cache.get(&key).await {
        Ok(text) => text.filter(|text| !text.is_empty()),
        Err(err) => {
            tracing::warn!(error = ?err, "failed to read a persisted query");
            None
        }
    }
}
