//! Cached tenant resolutions: the whole answer for one set of credentials (the store and the
//! principal, or a refusal) under one key, `keys::tenant(sha256(storefront token hash, admin token
//! hash, host))`, so resolving a request costs one cache round trip. An in-process copy (one
//! second, bounded) sits in front of the shared cache, so a hot storefront costs none.
//!
//! Staleness, bounded: a resolution is listed under its store (`keys::tenant_keys`) and dropped
//! with the store's other resolutions when it or its tokens change, here at once and on other
//! instances within a second. A refusal names no store and lives `REFUSAL_TTL` only: long enough
//! that a flood of bad tokens costs the database one lookup each per few seconds. Other stores'
//! resolutions under a `Host` that a store newly takes as its domain are not listed under it and
//! keep passing for at most `TENANT_TTL`: the token still opens only its own store.

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::lookup::domain_of;
use super::{Credentials, Tenant};
use crate::cache::{Cache, keys};
use crate::stores;

/// How long the shared cache keeps a resolution (a store change drops it sooner).
const TENANT_TTL: Duration = Duration::from_secs(60);
/// How long the shared cache keeps a refusal.
const REFUSAL_TTL: Duration = Duration::from_secs(5);
/// How long this instance keeps its copy: how late it may see another instance's change.
const LOCAL_TTL: Duration = Duration::from_secs(1);
const LOCAL_CAPACITY: u64 = 10_000;
/// When a store change drops its resolutions a second time, for a lookup that read the store
/// before the change and cached it after the first drop.
const SECOND_DROP_AFTER: Duration = Duration::from_secs(2);

/// What a set of credentials resolves to.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Resolution {
    Tenant(Tenant),
    Unauthenticated,
}

impl Resolution {
    /// The store this resolution names, if any.
    pub fn store_id(&self) -> Option<Uuid> {
        match self {
            Resolution::Tenant(tenant) => Some(tenant.store.id),
            Resolution::Unauthenticated => None,
        }
    }
}

/// The cache key of `credentials`' resolution. Token secrets are hashed twice on the way (never
/// stored, never sent to the cache); the host is reduced to the domain it names.
pub fn key_of(credentials: &Credentials) -> String {
    let token = |secret: &Option<String>| {
        secret
            .as_deref()
            .map(|secret| stores::hash_secret(secret.trim()))
            .unwrap_or_default()
    };
    let mut digest = Sha256::new();
    for part in [
        token(&credentials.storefront_token),
        token(&credentials.admin_token),
        credentials
            .host
            .as_deref()
            .map(domain_of)
            .unwrap_or_default(),
    ] {
        digest.update(part.as_bytes());
        digest.update(b"\n");
    }
    keys::tenant(&format!("{:x}", digest.finalize()))
}

/// Resolutions cached in this instance and in the shared cache.
pub struct Resolutions {
    shared: Arc<dyn Cache>,
    local: moka::future::Cache<String, Arc<Resolution>>,
}

impl Resolutions {
    pub fn new(shared: Arc<dyn Cache>) -> Self {
        Resolutions {
            shared,
            local: moka::future::Cache::builder()
                .max_capacity(LOCAL_CAPACITY)
                .time_to_live(LOCAL_TTL)
                .support_invalidation_closures()
                .build(),
        }
    }

    /// The cached resolution under `key`: this instance's copy, or one round trip to the shared
    /// cache (whose answer becomes this instance's copy).
    pub async fn get(&self, key: &str) -> Option<Resolution> {
        if let Some(local) = self.local.get(key).await {
            return Some(local.as_ref().clone());
        }
        let json = match self.shared.get(key).await {
            Ok(json) => json?,
            Err(err) => {
                tracing::warn!(error = ?err, "cache read failed; using the database");
                return None;
            }
        };
        let resolution: Resolution = serde_json::from_str(&json).ok()?;
        self.local
            .insert(key.to_string(), Arc::new(resolution.clone()))
            .await;
        Some(resolution)
    }

    /// Caches `resolution` under `key`, listed under its store.
    pub async fn put(&self, key: &str, resolution: Resolution) {
        let Ok(json) = serde_json::to_string(&resolution) else {
            return;
        };
        let written = match resolution.store_id() {
            Some(store_id) => {
                let index = keys::tenant_keys(store_id);
                self.shared.set_indexed(key, json, TENANT_TTL, &index).await
            }
            None => self.shared.set(key, json, REFUSAL_TTL).await,
        };
        if let Err(err) = written {
            tracing::warn!(error = ?err, "cache write failed");
        }
        self.local
            .insert(key.to_string(), Arc::new(resolution))
            .await;
    }

    /// Drops every resolution of the store, here and in the shared cache, and again a moment
    /// later (`SECOND_DROP_AFTER`).
    pub async fn forget(&self, store_id: Uuid) {
        self.drop_store(store_id).await;
        let (shared, local) = (self.shared.clone(), self.local.clone());
        tokio::spawn(async move {
            tokio::time::sleep(SECOND_DROP_AFTER).await;
            Resolutions { shared, local }.drop_store(store_id).await;
        });
    }

    async fn drop_store(&self, store_id: Uuid) {
        let own = move |_: &String, cached: &Arc<Resolution>| cached.store_id() == Some(store_id);
        if let Err(err) = self.local.invalidate_entries_if(own) {
            tracing::warn!(error = ?err, "failed to drop this instance's resolutions");
        }
        if let Err(err) = self
            .shared
            .delete_indexed(&keys::tenant_keys(store_id))
            .await
        {
            tracing::warn!(error = ?err, "failed to drop a store's cached resolutions");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn credentials(storefront: Option<&str>, admin: Option<&str>, host: &str) -> Credentials {
        Credentials {
            storefront_token: storefront.map(str::to_string),
            admin_token: admin.map(str::to_string),
            host: Some(host.to_string()),
        }
    }

    #[test]
    fn a_key_depends_on_each_token_and_the_domain_but_not_the_port_or_case() {
        let key = key_of(&credentials(Some("abc"), None, "shop.example"));
        assert!(key.starts_with("vitrine:tenant:"));
        assert!(!key.contains("abc"), "no secret reaches the cache");
        assert_eq!(
            key,
            key_of(&credentials(Some("abc"), None, "Shop.Example:8080"))
        );
        for other in [
            credentials(None, Some("abc"), "shop.example"),
            credentials(Some("abd"), None, "shop.example"),
            credentials(Some("abc"), Some("x"), "shop.example"),
            credentials(Some("abc"), None, "other.example"),
        ] {
            assert_ne!(key, key_of(&other), "{other:?}");
        }
    }
}
