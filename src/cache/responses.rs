//! The origin response cache: whole GraphQL responses of public catalog reads, keyed by store,
//! API version, document, operation and variables, tagged like their `Surrogate-Key` header.
//!
//! Two tiers with one contract. The local tier (moka, in this process) answers hot keys without
//! leaving the process; with `REDIS_URL` the shared tier (Redis) holds every instance's entries,
//! and the local tier keeps its copies for a few seconds only. A miss runs the query once per key
//! however many requests wait for it (single flight), and stores the answer only if it is
//! public.
//!
//! Purges (`invalidate`) drop the tagged entries from both tiers and, through Redis pub/sub,
//! from every instance's local tier. A query that was running while a purge went by may have
//! read the old data: its answer is given to the requests that waited for it but never stored
//! (the local tier compares purge sequence numbers, the shared tier a per-store purge counter).

mod local;
mod shared;

use std::future::Future;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use self::local::LocalTier;
use self::shared::SharedTier;
use crate::cache::scope::CacheScope;
use crate::config::Settings;

/// How long the local tier keeps a copy of a shared entry: the bound on staleness should a purge
/// message from another instance be lost.
const LOCAL_COPY_LIFETIME: Duration = Duration::from_secs(5);

/// A response as the endpoint made it, and as the caches keep it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Rendered {
    /// The JSON body.
    pub body: String,
    pub scope: CacheScope,
    /// The `Surrogate-Key` tags, in order.
    pub tags: Vec<String>,
    /// The strong `ETag` (quoted).
    pub etag: String,
    /// How long a shared cache keeps it fresh, in seconds.
    pub lifetime: u32,
    /// Its headers, made by the first response that sends it (`http::edge`).
    #[serde(skip)]
    pub headers: OnceLock<HeaderMap>,
}

impl Rendered {
    /// A response built from its body: the ETag is a digest of the body.
    pub fn new(body: String, scope: CacheScope, tags: Vec<String>, lifetime: u32) -> Rendered {
        let digest = Sha256::digest(body.as_bytes());
        let etag = format!("\"{}\"", hex::encode(&digest[..16]));
        Rendered {
            body,
            scope,
            tags,
            etag,
            lifetime,
            headers: OnceLock::new(),
        }
    }

    /// Whether a cache may keep it.
    pub fn is_storable(&self) -> bool {
        self.scope.is_public() && self.lifetime > 0
    }
}

/// Where an answer came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// This process's cache.
    Local,
    /// The shared cache.
    Shared,
    /// The query ran (for this request or for one it waited on).
    Executed,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Local => "HIT-LOCAL",
            Source::Shared => "HIT-SHARED",
            Source::Executed => "MISS",
        }
    }
}

/// What identifies a response: its store and a digest of everything else that shapes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ResponseKey {
    pub store_id: Uuid,
    pub digest: [u8; 16],
}

impl ResponseKey {
    /// The key of a request for `store_id` at API `version` running the document hashed
    /// `document_hash` (its `@inContext` country and language are in the document or the
    /// variables) as `operation`, with `variables` (JSON).
    pub fn new(
        store_id: Uuid,
        version: &str,
        document_hash: &str,
        operation: Option<&str>,
        variables: &str,
    ) -> ResponseKey {
        let mut hasher = Sha256::new();
        for part in [version, document_hash, operation.unwrap_or(""), variables] {
            hasher.update(part.len().to_le_bytes());
            hasher.update(part.as_bytes());
        }
        let mut digest = [0; 16];
        digest.copy_from_slice(&hasher.finalize()[..16]);
        ResponseKey { store_id, digest }
    }

    /// The digest in hex, as the shared tier names entries.
    pub fn digest_hex(&self) -> String {
        hex::encode(self.digest)
    }
}

/// Cached responses of every store.
pub struct ResponseCache {
    enabled: bool,
    local: LocalTier,
    shared: Option<SharedTier>,
}

impl ResponseCache {
    /// The cache the settings ask for: off, in-process only, or in front of Redis (listening
    /// for other instances' purges).
    pub async fn connect(settings: &Settings) -> anyhow::Result<Arc<ResponseCache>> {
        let capacity = settings.response_cache_megabytes.saturating_mul(1 << 20);
        let local = LocalTier::new(capacity);
        let shared = match (&settings.redis_url, settings.response_cache_enabled) {
            (Some(url), true) => {
                Some(SharedTier::connect(url, &settings.redis_key_prefix, local.clone()).await?)
            }
            _ => None,
        };
        Ok(Arc::new(ResponseCache {
            enabled: settings.response_cache_enabled,
            local,
            shared,
        }))
    }

    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// The cached answer for `key`, or the answer of `run()`, run once for all requests that
    /// ask for `key` meanwhile and stored if it is public.
    pub async fn serve<Run: Future<Output = Rendered> + Send>(
        &self,
        key: &ResponseKey,
        run: impl FnOnce() -> Run + Send,
    ) -> (Arc<Rendered>, Source) {
        if !self.enabled {
            return (Arc::new(run().await), Source::Executed);
        }
        if let Some(hit) = self.local.get(key).await {
            return (hit, Source::Local);
        }
        let start = self.local.purge_sequence();
        self.local
            .fill(
                key,
                async move {
                    if let Some(shared) = &self.shared {
                        let lookup = shared.lookup(key).await;
                        if let Some(found) = lookup.found {
                            let lifetime = LOCAL_COPY_LIFETIME.min(seconds(found.lifetime));
                            return Ok((found, lifetime, Source::Shared));
                        }
                        let rendered = Arc::new(run().await);
                        if !rendered.is_storable() {
                            return Err((rendered, Source::Executed));
                        }
                        shared.store(key, &rendered, &lookup).await;
                        let lifetime = LOCAL_COPY_LIFETIME.min(seconds(rendered.lifetime));
                        return Ok((rendered, lifetime, Source::Executed));
                    }
                    let rendered = Arc::new(run().await);
                    if !rendered.is_storable() {
                        return Err((rendered, Source::Executed));
                    }
                    let lifetime = seconds(rendered.lifetime);
                    Ok((rendered, lifetime, Source::Executed))
                },
                start,
            )
            .await
    }

    /// Drops every response of `store_id` tagged with one of `tags`, here, in the shared tier,
    /// and (through the shared tier) on every other instance. Idempotent.
    pub async fn invalidate(&self, store_id: Uuid, tags: &[String]) -> anyhow::Result<()> {
        self.local.purge(tags);
        if let Some(shared) = &self.shared {
            shared.purge(store_id, tags).await?;
        }
        Ok(())
    }
}

fn seconds(lifetime: u32) -> Duration {
    Duration::from_secs(u64::from(lifetime))
}
