//! The shared cache: Redis in production (`REDIS_URL`), an in-process moka cache by default. It
//! only ever holds copies; every reader falls back to the database on a miss or a cache failure.
//!
//! Every key is built by `keys` and names its store as a Redis Cluster hash tag,
//! `vitrine:{<store uuid>}:…`, with one narrow exception: `vitrine:tenant:<sha256>`, the tenant
//! resolution of one set of credentials, which must be found before the store is known. Its value
//! names exactly one store (or none: a negative entry for credentials that resolve to nothing),
//! and its key is listed under that store so a change to the store drops it.
//! A deployment may set a key prefix (`redis_key_prefix`) to share one Redis with others.

pub mod cdn;
pub mod invalidation;
pub mod own_writes;
pub mod responses;
pub mod scope;
pub mod tags;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::Context;
use async_trait::async_trait;

#[async_trait]
pub trait Cache: Send + Sync {
    async fn get(&self, key: &str) -> anyhow::Result<Option<String>>;
    async fn set(&self, key: &str, value: String, ttl: Duration) -> anyhow::Result<()>;
    async fn delete(&self, keys: &[String]) -> anyhow::Result<()>;
    /// Sets `key` and lists it under `index` (one round trip), so `delete_indexed` finds it. An
    /// index forgets its keys as they expire.
    async fn set_indexed(
        &self,
        key: &str,
        value: String,
        ttl: Duration,
        index: &str,
    ) -> anyhow::Result<()>;
    /// Deletes every key listed under `index`.
    async fn delete_indexed(&self, index: &str) -> anyhow::Result<()>;
    /// Requests made to the cache so far: each one round trip to Redis. For `/metrics` and the
    /// tests that hold a request to one round trip.
    fn round_trips(&self) -> u64;
}

/// What the in-process cache may hold: its keys and values, in bytes. Persisted queries make
/// entries as large as a request body, so the bound is on bytes, not entries.
pub const LOCAL_CACHE_BYTES: u64 = 64 * 1024 * 1024;

/// Connects the cache the settings ask for; `key_prefix` goes in front of every Redis key.
pub async fn connect(redis_url: Option<&str>, key_prefix: &str) -> anyhow::Result<Arc<dyn Cache>> {
    match redis_url {
        Some(url) => Ok(Arc::new(RedisCache::connect(url, key_prefix).await?)),
        None => Ok(Arc::new(LocalCache::new(LOCAL_CACHE_BYTES))),
    }
}

/// Cache keys. Redis Cluster hash tags (`{…}`) keep one store's keys on one shard.
pub mod keys {
    use uuid::Uuid;

    /// The tenant resolution of one set of credentials (the SHA-256 of their hashes and host):
    /// the one key that cannot name its store, since it is how the store is found.
    pub fn tenant(credentials_hash: &str) -> String {
        format!("vitrine:tenant:{credentials_hash}")
    }

    /// The index of a store's tenant resolutions, dropped whenever the store or its tokens change.
    pub fn tenant_keys(store_id: Uuid) -> String {
        format!("vitrine:{{{store_id}}}:tenant-keys")
    }

    /// The text of an automatic persisted query a client registered with the store.
    pub fn persisted_query(store_id: Uuid, hash: &str) -> String {
        format!("vitrine:{{{store_id}}}:apq:{hash}")
    }

    /// A store's registered trusted document (or its absence).
    pub fn trusted_document(store_id: Uuid, hash: &str) -> String {
        format!("vitrine:{{{store_id}}}:trusted:{hash}")
    }
}

/// Counts requests to a cache.
#[derive(Default)]
struct RoundTrips(AtomicU64);

impl RoundTrips {
    fn one(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }

    fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// In-process cache with a time-to-live per entry, holding at most `max_bytes` of keys and
/// values (the least used go first).
pub struct LocalCache {
    entries: moka::future::Cache<String, LocalEntry>,
    round_trips: RoundTrips,
}

#[derive(Clone)]
struct LocalEntry {
    value: String,
    expires: Instant,
    index: Option<Arc<str>>,
}

impl LocalCache {
    pub fn new(max_bytes: u64) -> Self {
        LocalCache {
            entries: moka::future::Cache::builder()
                .weigher(|key: &String, entry: &LocalEntry| {
                    u32::try_from(key.len() + entry.value.len()).unwrap_or(u32::MAX)
                })
                .max_capacity(max_bytes)
                .time_to_idle(Duration::from_secs(3600))
                .support_invalidation_closures()
                .build(),
            round_trips: RoundTrips::default(),
        }
    }

    async fn insert(&self, key: &str, value: String, ttl: Duration, index: Option<&str>) {
        let entry = LocalEntry {
            value,
            expires: Instant::now() + ttl,
            index: index.map(Arc::from),
        };
        self.entries.insert(key.to_string(), entry).await;
    }
}

#[async_trait]
impl Cache for LocalCache {
    async fn get(&self, key: &str) -> anyhow::Result<Option<String>> {
        self.round_trips.one();
        match self.entries.get(key).await {
            Some(entry) if entry.expires > Instant::now() => Ok(Some(entry.value)),
            Some(_) => {
                self.entries.invalidate(key).await;
                Ok(None)
            }
            None => Ok(None),
        }
    }

    async fn set(&self, key: &str, value: String, ttl: Duration) -> anyhow::Result<()> {
        self.round_trips.one();
        self.insert(key, value, ttl, None).await;
        Ok(())
    }

    async fn delete(&self, keys: &[String]) -> anyhow::Result<()> {
        self.round_trips.one();
        for key in keys {
            self.entries.invalidate(key).await;
        }
        Ok(())
    }

    async fn set_indexed(
        &self,
        key: &str,
        value: String,
        ttl: Duration,
        index: &str,
    ) -> anyhow::Result<()> {
        self.round_trips.one();
        self.insert(key, value, ttl, Some(index)).await;
        Ok(())
    }

    async fn delete_indexed(&self, index: &str) -> anyhow::Result<()> {
        self.round_trips.one();
        let index: Arc<str> = Arc::from(index);
        self.entries
            .invalidate_entries_if(move |_, entry| entry.index.as_ref() == Some(&index))
            .context("Failed to invalidate local cache entries")?;
        Ok(())
    }

    fn round_trips(&self) -> u64 {
        self.round_trips.get()
    }
}

/// Redis-backed cache shared by every instance.
pub struct RedisCache {
    connection: redis::aio::ConnectionManager,
    prefix: String,
    round_trips: RoundTrips,
}

impl RedisCache {
    pub async fn connect(url: &str, prefix: &str) -> anyhow::Result<Self> {
        let client = redis::Client::open(url).context("Failed to parse REDIS_URL")?;
        let connection = redis::aio::ConnectionManager::new(client)
            .await
            .context("Failed to connect to Redis")?;
        Ok(RedisCache {
            connection,
            prefix: prefix.to_string(),
            round_trips: RoundTrips::default(),
        })
    }

    fn key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    fn connection(&self) -> redis::aio::ConnectionManager {
        self.round_trips.one();
        self.connection.clone()
    }
}

/// Milliseconds since the Unix epoch: the score of a key in an index, when it expires.
fn epoch_millis(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_millis() as u64)
}

#[async_trait]
impl Cache for RedisCache {
    async fn get(&self, key: &str) -> anyhow::Result<Option<String>> {
        redis::cmd("GET")
            .arg(self.key(key))
            .query_async(&mut self.connection())
            .await
            .context("Failed to read from Redis")
    }

    async fn set(&self, key: &str, value: String, ttl: Duration) -> anyhow::Result<()> {
        redis::cmd("SET")
            .arg(self.key(key))
            .arg(value)
            .arg("PX")
            .arg(ttl.as_millis() as u64)
            .query_async::<()>(&mut self.connection())
            .await
            .context("Failed to write to Redis")
    }

    async fn delete(&self, keys: &[String]) -> anyhow::Result<()> {
        if keys.is_empty() {
            return Ok(());
        }
        let keys: Vec<String> = keys.iter().map(|key| self.key(key)).collect();
        redis::cmd("DEL")
            .arg(keys)
            .query_async::<()>(&mut self.connection())
            .await
            .context("Failed to delete from Redis")
    }

    /// The index is a sorted set of keys scored by when they expire: each write drops the
    /// expired ones, so an index holds only live keys however many credentials come and go, and
    /// lives as long as its newest key (an index's keys share one time-to-live). The key is listed
    /// before it is set, so it is never set without being listed.
    async fn set_indexed(
        &self,
        key: &str,
        value: String,
        ttl: Duration,
        index: &str,
    ) -> anyhow::Result<()> {
        let (key, index) = (self.key(key), self.key(index));
        let now = SystemTime::now();
        let ttl_ms = ttl.as_millis() as u64;
        redis::pipe()
            .cmd("ZADD")
            .arg(&index)
            .arg(epoch_millis(now + ttl))
            .arg(&key)
            .ignore()
            .cmd("ZREMRANGEBYSCORE")
            .arg(&index)
            .arg("-inf")
            .arg(epoch_millis(now))
            .ignore()
            .cmd("PEXPIRE")
            .arg(&index)
            .arg(ttl_ms)
            .ignore()
            .cmd("SET")
            .arg(&key)
            .arg(value)
            .arg("PX")
            .arg(ttl_ms)
            .ignore()
            .query_async::<()>(&mut self.connection())
            .await
            .context("Failed to write to Redis")
    }

    /// Deletes the listed keys, then unlists exactly those (a key listed meanwhile stays listed).
    async fn delete_indexed(&self, index: &str) -> anyhow::Result<()> {
        let index = self.key(index);
        let listed: Vec<String> = redis::cmd("ZRANGE")
            .arg(&index)
            .arg(0)
            .arg(-1)
            .query_async(&mut self.connection())
            .await
            .context("Failed to read an index from Redis")?;
        if listed.is_empty() {
            return Ok(());
        }
        redis::pipe()
            .cmd("DEL")
            .arg(&listed)
            .ignore()
            .cmd("ZREM")
            .arg(&index)
            .arg(&listed)
            .ignore()
            .query_async::<()>(&mut self.connection())
            .await
            .context("Failed to delete from Redis")
    }

    fn round_trips(&self) -> u64 {
        self.round_trips.get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_local_entry_expires_after_its_time_to_live() {
        let cache = LocalCache::new(10);
        cache
            .set("k", "v".into(), Duration::from_millis(0))
            .await
            .unwrap();
        assert_eq!(cache.get("k").await.unwrap(), None);
        cache
            .set("k", "v".into(), Duration::from_secs(60))
            .await
            .unwrap();
        assert_eq!(cache.get("k").await.unwrap().as_deref(), Some("v"));
        cache.delete(&["k".to_string()]).await.unwrap();
        assert_eq!(cache.get("k").await.unwrap(), None);
    }

    #[tokio::test]
    async fn deleting_an_index_deletes_its_keys_and_no_other() {
        let cache = LocalCache::new(10);
        let minute = Duration::from_secs(60);
        cache
            .set_indexed("a", "1".into(), minute, "i")
            .await
            .unwrap();
        cache
            .set_indexed("b", "2".into(), minute, "j")
            .await
            .unwrap();
        cache.set("c", "3".into(), minute).await.unwrap();

        cache.delete_indexed("i").await.unwrap();

        assert_eq!(cache.get("a").await.unwrap(), None);
        assert_eq!(cache.get("b").await.unwrap().as_deref(), Some("2"));
        assert_eq!(cache.get("c").await.unwrap().as_deref(), Some("3"));
        assert_eq!(cache.round_trips(), 7);
    }
}
