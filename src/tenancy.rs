//! Resolving the store and principal of a request, once, from its tokens and `Host`. Storefront
//! tokens pick the store; admin tokens pick it and grant admin rights. A `Host` that names another
//! store's domain, or any missing, unknown or mismatched token, is unauthenticated. Lookups go
//! through the cache (short TTL) and fall back to the database.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::cache::{Cache, keys};
use crate::catalog::Visibility;
use crate::error::{AppError, Result};
use crate::stores::{self, Store, TokenKind};

const LOOKUP_TTL: Duration = Duration::from_secs(60);

/// Who is calling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Principal {
    /// A storefront (public catalog, carts, checkout).
    Storefront,
    /// The store's merchant: everything the storefront can do, plus admin fields and mutations.
    Admin,
}

/// The store a request is for and who makes it.
#[derive(Debug, Clone)]
pub struct Tenant {
    pub store: Store,
    pub principal: Principal,
}

impl Tenant {
    /// What of the catalog the caller may see: active products, or everything for admins.
    pub fn visibility(&self) -> Visibility {
        match self.principal {
            Principal::Admin => Visibility::Admin(None),
            Principal::Storefront => Visibility::Storefront,
        }
    }
}

/// The credentials a request carries, as read from its headers.
#[derive(Debug, Default, Clone)]
pub struct Credentials {
    pub storefront_token: Option<String>,
    pub admin_token: Option<String>,
    pub host: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct CachedToken {
    store_id: Uuid,
    kind: TokenKind,
}

/// Resolves the tenant of a request, or `Unauthenticated`.
pub async fn resolve(
    db: &DatabaseConnection,
    cache: &Arc<dyn Cache>,
    credentials: &Credentials,
) -> Result<Tenant> {
    let admin = match &credentials.admin_token {
        Some(secret) => Some(token_store(db, cache, secret, TokenKind::Admin).await?),
        None => None,
    };
    let storefront = match &credentials.storefront_token {
        Some(secret) => Some(token_store(db, cache, secret, TokenKind::Storefront).await?),
        None => None,
    };
    let (store_id, principal) = match (admin, storefront) {
        (Some(admin), Some(storefront)) if admin != storefront => {
            return Err(AppError::Unauthenticated);
        }
        (Some(admin), _) => (admin, Principal::Admin),
        (None, Some(storefront)) => (storefront, Principal::Storefront),
        (None, None) => return Err(AppError::Unauthenticated),
    };
    if let Some(host) = &credentials.host {
        let owner = domain_owner(db, cache, host).await?;
        if owner.is_some_and(|owner| owner != store_id) {
            return Err(AppError::Unauthenticated);
        }
    }
    let store = cached_store(db, cache, store_id)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    Ok(Tenant { store, principal })
}

/// Drops the cached copies of a store after it changed (its domain may have moved too).
pub async fn forget_store(cache: &Arc<dyn Cache>, before: &Store, after: &Store) {
    let stale = [
        keys::store(before.id),
        keys::domain(&before.domain),
        keys::domain(&after.domain),
    ];
    if let Err(err) = cache.delete(&stale).await {
        tracing::warn!(error = ?err, "failed to invalidate cached store");
    }
}

async fn token_store(
    db: &DatabaseConnection,
    cache: &Arc<dyn Cache>,
    secret: &str,
    expected: TokenKind,
) -> Result<Uuid> {
    let hash = stores::hash_secret(secret.trim());
    let key = keys::token(&hash);
    let found = match read_cached::<CachedToken>(cache, &key).await {
        Some(cached) => Some((cached.store_id, cached.kind)),
        None => {
            let found = stores::find_by_token_hash(db, &hash).await?;
            if let Some((store_id, kind)) = found {
                write_cached(cache, &key, &CachedToken { store_id, kind }).await;
            }
            found
        }
    };
    match found {
        Some((store_id, kind)) if kind == expected => Ok(store_id),
        _ => Err(AppError::Unauthenticated),
    }
}

async fn domain_owner(
    db: &DatabaseConnection,
    cache: &Arc<dyn Cache>,
    host: &str,
) -> Result<Option<Uuid>> {
    let domain = host.rsplit_once(':').map_or(host, |(name, _)| name);
    let key = keys::domain(domain);
    if let Some(owner) = read_cached::<Option<Uuid>>(cache, &key).await {
        return Ok(owner);
    }
    let owner = stores::find_store_by_domain(db, domain)
        .await?
        .map(|store| store.id);
    write_cached(cache, &key, &owner).await;
    Ok(owner)
}

async fn cached_store(
    db: &DatabaseConnection,
    cache: &Arc<dyn Cache>,
    store_id: Uuid,
) -> Result<Option<Store>> {
    let key = keys::store(store_id);
    if let Some(store) = read_cached::<Store>(cache, &key).await {
        return Ok(Some(store));
    }
    let store = stores::find_store(db, store_id).await?;
    if let Some(store) = &store {
        write_cached(cache, &key, store).await;
    }
    Ok(store)
}

async fn read_cached<T: for<'de> Deserialize<'de>>(cache: &Arc<dyn Cache>, key: &str) -> Option<T> {
    match cache.get(key).await {
        Ok(Some(json)) => serde_json::from_str(&json).ok(),
        Ok(None) => None,
        Err(err) => {
            tracing::warn!(error = ?err, "cache read failed; using the database");
            None
        }
    }
}

async fn write_cached<T: Serialize>(cache: &Arc<dyn Cache>, key: &str, value: &T) {
    let Ok(json) = serde_json::to_string(value) else {
        return;
    };
    if let Err(err) = cache.set(key, json, LOOKUP_TTL).await {
        tracing::warn!(error = ?err, "cache write failed");
    }
}
