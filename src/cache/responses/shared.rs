//! The shared tier: responses in Redis, seen by every instance, and the purge messages that keep
//! every instance's local tier in step.
//!
//! Keys of a store share its hash tag, so each script below touches one Redis Cluster slot:
//! - `vitrine:{S}:resp:<generation>:<digest>`: an entry (JSON), expiring with its lifetime;
//! - `vitrine:{S}:resp-tag:<tag>`: the entry keys carrying a tag (not kept for the store tag);
//! - `vitrine:{S}:resp-generation`: bumped by a purge of the store tag, which so retires every
//!   entry of the store at once (old generations expire on their own);
//! - `vitrine:{S}:resp-purges`: bumped by every purge; an answer is stored only if it did not
//!   move while the answer's query ran.
//!
//! Purges are published on `vitrine:purges`; every instance subscribes and drops its local
//! copies, and drops all of them whenever its subscription had to be made again.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use futures::StreamExt;
use redis::Script;
use redis::aio::ConnectionManager;
use serde::{Deserialize, Serialize};
use tokio::task::JoinHandle;
use uuid::Uuid;

use super::local::LocalTier;
use super::{Rendered, ResponseKey};
use crate::cache::tags;

const CHANNEL: &str = "vitrine:purges";

/// Reads the generation, the purge counter and the entry, in one round trip.
const LOOKUP: &str = r"
local generation = redis.call('GET', KEYS[1]) or '0'
local purges = redis.call('GET', KEYS[2]) or '0'
local entry = redis.call('GET', ARGV[1] .. generation .. ':' .. ARGV[2]) or ''
return {generation, purges, entry}
";

/// Stores an entry and indexes it under its tags, unless a purge came since the lookup.
const STORE: &str = r"
if (redis.call('GET', KEYS[1]) or '0') ~= ARGV[1] then return 0 end
local ttl = tonumber(ARGV[3])
redis.call('SET', KEYS[2], ARGV[2], 'PX', ttl)
for i = 3, #KEYS do
  redis.call('SADD', KEYS[i], KEYS[2])
  if redis.call('PTTL', KEYS[i]) < ttl then redis.call('PEXPIRE', KEYS[i], ttl) end
end
return 1
";

/// Deletes the entries of the tags, bumps the counters and tells every instance.
const PURGE: &str = r"
for i = 3, #KEYS do
  for _, member in ipairs(redis.call('SMEMBERS', KEYS[i])) do redis.call('DEL', member) end
  redis.call('DEL', KEYS[i])
end
if ARGV[1] == '1' then redis.call('INCR', KEYS[2]) end
redis.call('INCR', KEYS[1])
redis.call('PUBLISH', ARGV[2], ARGV[3])
return 1
";

#[derive(Serialize, Deserialize)]
struct PurgeMessage {
    store: Uuid,
    tags: Vec<String>,
}

/// What a lookup found, and the counters a store after it must match.
pub struct Lookup {
    pub found: Option<Arc<Rendered>>,
    generation: String,
    purges: String,
}

pub struct SharedTier {
    connection: ConnectionManager,
    /// The deployment's `redis_key_prefix`, in front of every key and the channel.
    prefix: String,
    lookup: Script,
    store: Script,
    purge: Script,
    listener: JoinHandle<()>,
}

impl Drop for SharedTier {
    fn drop(&mut self) {
        self.listener.abort();
    }
}

impl SharedTier {
    /// Connects to Redis and starts listening for purges into `local`.
    pub async fn connect(url: &str, prefix: &str, local: LocalTier) -> anyhow::Result<SharedTier> {
        let client = redis::Client::open(url).context("Failed to parse REDIS_URL")?;
        let connection = ConnectionManager::new(client.clone())
            .await
            .context("Failed to connect to Redis")?;
        let channel = format!("{prefix}{CHANNEL}");
        Ok(SharedTier {
            connection,
            prefix: prefix.to_string(),
            lookup: Script::new(LOOKUP),
            store: Script::new(STORE),
            purge: Script::new(PURGE),
            listener: tokio::spawn(listen(client, channel, local)),
        })
    }

    /// The entry of `key`, if Redis has one; a Redis failure reads as a miss.
    pub async fn lookup(&self, key: &ResponseKey) -> Lookup {
        let mut connection = self.connection.clone();
        let answer: redis::RedisResult<(String, String, String)> = self
            .lookup
            .key(self.generation_key(key.store_id))
            .key(self.purges_key(key.store_id))
            .arg(self.entry_prefix(key.store_id))
            .arg(key.digest_hex())
            .invoke_async(&mut connection)
            .await;
        match answer {
            Ok((generation, purges, entry)) => Lookup {
                found: serde_json::from_str(&entry).ok().map(Arc::new),
                generation,
                purges,
            },
            Err(err) => {
                tracing::warn!(error = ?err, "response cache lookup failed; running the query");
                Lookup {
                    found: None,
                    generation: String::new(),
                    purges: String::new(),
                }
            }
        }
    }

    /// Stores `rendered` under `key`, unless a purge came since `lookup`.
    pub async fn store(&self, key: &ResponseKey, rendered: &Rendered, lookup: &Lookup) {
        if lookup.purges.is_empty() {
            return;
        }
        let Ok(value) = serde_json::to_string(rendered) else {
            return;
        };
        let store_tag = tags::store(key.store_id);
        let entry = format!(
            "{}{}:{}",
            self.entry_prefix(key.store_id),
            lookup.generation,
            key.digest_hex()
        );
        let mut invocation = self.store.key(self.purges_key(key.store_id));
        invocation.key(entry);
        for tag in rendered.tags.iter().filter(|tag| **tag != store_tag) {
            invocation.key(self.tag_key(key.store_id, tag));
        }
        let ttl_ms = u64::from(rendered.lifetime) * 1000;
        invocation.arg(&lookup.purges).arg(value).arg(ttl_ms);
        let mut connection = self.connection.clone();
        match invocation.invoke_async::<i64>(&mut connection).await {
            Ok(0) => tracing::debug!(key = key.digest_hex(), "a purge came first; not stored"),
            Ok(_) => {}
            Err(err) => tracing::warn!(error = ?err, "response cache store failed"),
        }
    }

    /// Deletes the entries of `tags` and tells every instance to drop its copies.
    pub async fn purge(&self, store_id: Uuid, purged: &[String]) -> anyhow::Result<()> {
        let store_tag = tags::store(store_id);
        let message = serde_json::to_string(&PurgeMessage {
            store: store_id,
            tags: purged.to_vec(),
        })?;
        let mut invocation = self.purge.key(self.purges_key(store_id));
        invocation.key(self.generation_key(store_id));
        for tag in purged.iter().filter(|tag| **tag != store_tag) {
            invocation.key(self.tag_key(store_id, tag));
        }
        let whole_store = if purged.contains(&store_tag) {
            "1"
        } else {
            "0"
        };
        invocation
            .arg(whole_store)
            .arg(format!("{}{CHANNEL}", self.prefix))
            .arg(message);
        let mut connection = self.connection.clone();
        invocation
            .invoke_async::<i64>(&mut connection)
            .await
            .context("Failed to purge responses in Redis")?;
        Ok(())
    }
}

/// Applies other instances' purges to `local`, subscribing again after any failure (and then
/// dropping every local copy, since purges may have been missed).
async fn listen(client: redis::Client, channel: String, local: LocalTier) {
    loop {
        match client.get_async_pubsub().await {
            Ok(mut pubsub) => match pubsub.subscribe(&channel).await {
                Ok(()) => {
                    local.purge_all();
                    let mut messages = pubsub.on_message();
                    while let Some(message) = messages.next().await {
                        let payload: String = match message.get_payload() {
                            Ok(payload) => payload,
                            Err(_) => continue,
                        };
                        if let Ok(purge) = serde_json::from_str::<PurgeMessage>(&payload) {
                            local.purge(&purge.tags);
                        }
                    }
                    tracing::warn!("purge subscription ended; subscribing again");
                }
                Err(err) => tracing::warn!(error = ?err, "could not subscribe to purges"),
            },
            Err(err) => tracing::warn!(error = ?err, "could not connect for purges"),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

impl SharedTier {
    fn entry_prefix(&self, store_id: Uuid) -> String {
        format!("{}vitrine:{{{store_id}}}:resp:", self.prefix)
    }

    fn generation_key(&self, store_id: Uuid) -> String {
        format!("{}vitrine:{{{store_id}}}:resp-generation", self.prefix)
    }

    fn purges_key(&self, store_id: Uuid) -> String {
        format!("{}vitrine:{{{store_id}}}:resp-purges", self.prefix)
    }

    fn tag_key(&self, store_id: Uuid, tag: &str) -> String {
        format!("{}vitrine:{{{store_id}}}:resp-tag:{tag}", self.prefix)
    }
}
