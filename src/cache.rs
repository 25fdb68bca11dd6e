//! The shared cache: Redis in production (`REDIS_URL`), an in-process moka cache by default. It
//! only ever holds copies; every reader falls back to the database on a miss or a cache failure.
//! Every key is built by `keys`, which puts the store (or the token that finds it) in it.

pub mod cdn;
pub mod invalidation;
pub mod responses;
pub mod tags;

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use async_trait::async_trait;

#[async_trait]
pub trait Cache: Send + Sync {
    async fn get(&self, key: &str) -> anyhow::Result<Option<String>>;
    async fn set(&self, key: &str, value: String, ttl: Duration) -> anyhow::Result<()>;
    async fn delete(&self, keys: &[String]) -> anyhow::Result<()>;
}

/// Connects the cache the settings ask for.
pub async fn connect(redis_url: Option<&str>) -> anyhow::Result<Arc<dyn Cache>> {
    match redis_url {
        Some(url) => Ok(Arc::new(RedisCache::connect(url).await?)),
        None => Ok(Arc::new(LocalCache::new(100_000))),
    }
}

/// Cache keys. Redis Cluster hash tags (`{…}`) keep one store's keys on one shard.
pub mod keys {
    use uuid::Uuid;

    pub fn token(secret_hash: &str) -> String {
        format!("vitrine:token:{secret_hash}")
    }

    pub fn store(store_id: Uuid) -> String {
        format!("vitrine:{{{store_id}}}:store")
    }

    pub fn domain(domain: &str) -> String {
        format!("vitrine:domain:{}", domain.to_ascii_lowercase())
    }
}

/// In-process cache with a time-to-live per entry.
pub struct LocalCache {
    entries: moka::future::Cache<String, (String, Instant)>,
}

impl LocalCache {
    pub fn new(capacity: u64) -> Self {
        LocalCache {
            entries: moka::future::Cache::builder()
                .max_capacity(capacity)
                .time_to_idle(Duration::from_secs(3600))
                .build(),
        }
    }
}

#[async_trait]
impl Cache for LocalCache {
    async fn get(&self, key: &str) -> anyhow::Result<Option<String>> {
        match self.entries.get(key).await {
            Some((value, expires)) if expires > Instant::now() => Ok(Some(value)),
            Some(_) => {
                self.entries.invalidate(key).await;
                Ok(None)
            }
            None => Ok(None),
        }
    }

    async fn set(&self, key: &str, value: String, ttl: Duration) -> anyhow::Result<()> {
        let expires = Instant::now() + ttl;
        self.entries.insert(key.to_string(), (value, expires)).await;
        Ok(())
    }

    async fn delete(&self, keys: &[String]) -> anyhow::Result<()> {
        for key in keys {
            self.entries.invalidate(key).await;
        }
        Ok(())
    }
}

/// Redis-backed cache shared by every instance.
pub struct RedisCache {
    connection: redis::aio::ConnectionManager,
}

impl RedisCache {
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let client = redis::Client::open(url).context("Failed to parse REDIS_URL")?;
        let connection = redis::aio::ConnectionManager::new(client)
            .await
            .context("Failed to connect to Redis")?;
        Ok(RedisCache { connection })
    }
}

#[async_trait]
impl Cache for RedisCache {
    async fn get(&self, key: &str) -> anyhow::Result<Option<String>> {
        let mut connection = self.connection.clone();
        redis::cmd("GET")
            .arg(key)
            .query_async(&mut connection)
            .await
            .context("Failed to read from Redis")
    }

    async fn set(&self, key: &str, value: String, ttl: Duration) -> anyhow::Result<()> {
        let mut connection = self.connection.clone();
        redis::cmd("SET")
            .arg(key)
            .arg(value)
            .arg("PX")
            .arg(ttl.as_millis() as u64)
            .query_async::<()>(&mut connection)
            .await
            .context("Failed to write to Redis")
    }

    async fn delete(&self, keys: &[String]) -> anyhow::Result<()> {
        if keys.is_empty() {
            return Ok(());
        }
        let mut connection = self.connection.clone();
        redis::cmd("DEL")
            .arg(keys)
            .query_async::<()>(&mut connection)
            .await
            .context("Failed to delete from Redis")
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
}
