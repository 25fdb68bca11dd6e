//! Resolving the store and principal of a request, once, from its tokens and `Host`. Storefront
//! tokens pick the store; admin tokens pick it and grant admin rights. A `Host` that names another
//! store's domain, or any missing, unknown or mismatched token, is unauthenticated.
//!
//! A resolution is cached whole under one key derived from the credentials (`resolutions`), so a
//! resolved request costs one cache round trip, and none while this instance's copy is fresh
//! (a second). A change to a store or its tokens must call `forget_store`.

mod lookup;
mod resolutions;

use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::catalog::Visibility;
use crate::error::{AppError, Result};
use crate::stores::Store;

pub use self::resolutions::{Resolution, Resolutions};

/// Who is calling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Principal {
    /// A storefront (public catalog, carts, checkout).
    Storefront,
    /// The store's merchant: everything the storefront can do, plus admin fields and mutations.
    Admin,
}

/// The store a request is for and who makes it.
#[derive(Debug, Clone, Serialize, Deserialize)]
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

/// Resolves the tenant of a request, or `Unauthenticated`: from this instance's copy, else the
/// shared cache, else the database (and then caches what it found, a refusal included).
pub async fn resolve(
    db: &DatabaseConnection,
    resolutions: &Resolutions,
    credentials: &Credentials,
) -> Result<Tenant> {
    if credentials.storefront_token.is_none() && credentials.admin_token.is_none() {
        return Err(AppError::Unauthenticated);
    }
    let key = resolutions::key_of(credentials);
    let resolution = match resolutions.get(&key).await {
        Some(cached) => cached,
        None => {
            let found = lookup::resolve(db, credentials).await?;
            resolutions.put(&key, found.clone()).await;
            found
        }
    };
    match resolution {
        Resolution::Tenant(tenant) => Ok(tenant),
        Resolution::Unauthenticated => Err(AppError::Unauthenticated),
    }
}

/// Drops every cached resolution of a store, here and in the shared cache, after the store (its
/// details, domain or settings) or one of its tokens changed. Other instances see the change
/// within a second, when their own copies expire.
pub async fn forget_store(resolutions: &Resolutions, store_id: Uuid) {
    resolutions.forget(store_id).await;
}
