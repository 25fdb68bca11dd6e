//! Whether a store trusts a document, cheaply enough to ask on every request: the built-in
//! documents are a map in memory; the store's own are read through the shared cache, where a
//! registration and an absence are both kept. Registering or deleting a document forgets its
//! entry (`forget`), so the change counts at once on every instance that shares the cache; a
//! change made where the running servers' cache cannot be reached (the CLI on the embedded
//! database) counts once the absence expires, within `ABSENT_TTL`.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use sea_orm::ConnectionTrait;
use uuid::Uuid;

use super::{embedded, find_text};
use crate::cache::{Cache, keys};
use crate::error::Result;

/// How long a store's registered document stays cached.
const PRESENT_TTL: Duration = Duration::from_secs(3600);
/// How long the absence of one stays cached.
const ABSENT_TTL: Duration = Duration::from_secs(60);
/// What the cache holds for a document the store did not register (no document is empty).
const ABSENT: &str = "";

/// The text of document `hash` if the store trusts it (built in, or registered by the store).
pub async fn trusted_text(
    db: &impl ConnectionTrait,
    cache: &Arc<dyn Cache>,
    store_id: Uuid,
    hash: &str,
) -> Result<Option<Cow<'static, str>>> {
    if let Some(text) = embedded::text(hash) {
        return Ok(Some(Cow::Borrowed(text)));
    }
    let key = keys::trusted_document(store_id, hash);
    match cache.get(&key).await {
        Ok(Some(text)) if text == ABSENT => return Ok(None),
        Ok(Some(text)) => return Ok(Some(Cow::Owned(text))),
        Ok(None) => {}
        Err(err) => {
            tracing::warn!(error = ?err, "failed to read a trusted document from the cache")
        }
    }
    let text = find_text(db, store_id, hash).await?;
    let (value, ttl) = match &text {
        Some(text) => (text.clone(), PRESENT_TTL),
        None => (ABSENT.to_string(), ABSENT_TTL),
    };
    if let Err(err) = cache.set(&key, value, ttl).await {
        tracing::warn!(error = ?err, "failed to cache a trusted document");
    }
    Ok(text.map(Cow::Owned))
}

/// Drops the cached entry of document `hash` of a store, after it was registered or deleted.
pub async fn forget(cache: &Arc<dyn Cache>, store_id: Uuid, hash: &str) {
    let key = keys::trusted_document(store_id, hash);
    if let Err(err) = cache.delete(&[key]).await {
        tracing::warn!(error = ?err, "failed to forget a cached trusted document");
    }
}
