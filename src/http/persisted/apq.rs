//! The texts of automatic persisted queries, per store: kept in the shared cache (Redis, or the
//! bounded in-process cache) for every instance, with a copy in this process. A hash names its
//! text for good, so a copy is never stale; copies are bounded by their bytes and dropped when
//! unused. The texts are copies a client can always send again, so a cache failure only costs
//! the client a round trip.

use std::sync::Arc;
use std::time::Duration;

use uuid::Uuid;

use crate::cache::{Cache, keys};

/// How long a persisted query is kept after it was last sent with its text.
pub const TTL: Duration = Duration::from_secs(7 * 24 * 3600);

/// How many bytes of texts this process keeps copies of.
const COPIES_BYTES: u64 = 32 << 20;

/// How long this process keeps a copy nobody asks for.
const COPY_IDLE: Duration = Duration::from_secs(3600);

/// The persisted queries of every store.
pub struct Texts {
    shared: Arc<dyn Cache>,
    /// By store and hash (binary).
    copies: moka::sync::Cache<(Uuid, [u8; 32]), Arc<str>>,
}

impl Texts {
    pub fn new(shared: Arc<dyn Cache>) -> Texts {
        let copies = moka::sync::Cache::builder()
            .max_capacity(COPIES_BYTES)
            .weigher(|_, text: &Arc<str>| u32::try_from(text.len() + 64).unwrap_or(u32::MAX))
            .time_to_idle(COPY_IDLE)
            .build();
        Texts { shared, copies }
    }

    /// Keeps `text` as the store's persisted query `hash` (already checked to be its hash).
    pub async fn remember(&self, store_id: Uuid, hash: &str, text: &str) {
        let key = keys::persisted_query(store_id, hash);
        if let Err(err) = self.shared.set(&key, text.to_string(), TTL).await {
            tracing::warn!(error = ?err, "failed to store a persisted query");
        }
        if let Some(binary) = binary(hash) {
            self.copies.insert((store_id, binary), Arc::from(text));
        }
    }

    /// The text of the store's persisted query `hash`, if it is kept.
    pub async fn recall(&self, store_id: Uuid, hash: &str) -> Option<String> {
        let binary = binary(hash)?;
        if let Some(text) = self.copies.get(&(store_id, binary)) {
            return Some(text.to_string());
        }
        let key = keys::persisted_query(store_id, hash);
        let text = match self.shared.get(&key).await {
            Ok(text) => text.filter(|text| !text.is_empty())?,
            Err(err) => {
                tracing::warn!(error = ?err, "failed to read a persisted query");
                return None;
            }
        };
        self.copies
            .insert((store_id, binary), Arc::from(text.as_str()));
        Some(text)
    }
}

fn binary(hash: &str) -> Option<[u8; 32]> {
    let mut binary = [0; 32];
    hex::decode_to_slice(hash, &mut binary).ok()?;
    Some(binary)
}
