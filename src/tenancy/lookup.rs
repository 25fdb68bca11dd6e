//! Resolving credentials from the database, for a resolution no cache holds: the tokens' store
//! and kind, the store the `Host` names, then the store itself.

use sea_orm::DatabaseConnection;
use uuid::Uuid;

use super::resolutions::Resolution;
use super::{Credentials, Principal, Tenant};
use crate::error::Result;
use crate::stores::{self, TokenKind};

/// The resolution of `credentials`; an error only when the database fails.
pub async fn resolve(db: &DatabaseConnection, credentials: &Credentials) -> Result<Resolution> {
    let admin = token_store(db, credentials.admin_token.as_deref(), TokenKind::Admin).await?;
    if matches!(admin, Checked::Refused) {
        return Ok(Resolution::Unauthenticated);
    }
    let storefront = token_store(
        db,
        credentials.storefront_token.as_deref(),
        TokenKind::Storefront,
    )
    .await?;
    let (store_id, principal) = match (admin, storefront) {
        (Checked::Refused, _) | (_, Checked::Refused) | (Checked::Absent, Checked::Absent) => {
            return Ok(Resolution::Unauthenticated);
        }
        (Checked::Store(admin), Checked::Store(storefront)) if admin != storefront => {
            return Ok(Resolution::Unauthenticated);
        }
        (Checked::Store(admin), _) => (admin, Principal::Admin),
        (_, Checked::Store(storefront)) => (storefront, Principal::Storefront),
    };
    if let Some(host) = &credentials.host {
        let owner = stores::find_store_by_domain(db, &domain_of(host)).await?;
        if owner.is_some_and(|owner| owner.id != store_id) {
            return Ok(Resolution::Unauthenticated);
        }
    }
    Ok(match stores::find_store(db, store_id).await? {
        Some(store) => Resolution::Tenant(Tenant { store, principal }),
        None => Resolution::Unauthenticated,
    })
}

/// The domain a `Host` header names: without its port, in lowercase.
pub fn domain_of(host: &str) -> String {
    host.rsplit_once(':')
        .map_or(host, |(name, _)| name)
        .to_ascii_lowercase()
}

/// What one token says.
enum Checked {
    /// No token of this kind was sent.
    Absent,
    /// The token opens this store.
    Store(Uuid),
    /// The token is unknown, revoked or of the other kind.
    Refused,
}

async fn token_store(
    db: &DatabaseConnection,
    secret: Option<&str>,
    expected: TokenKind,
) -> Result<Checked> {
    let Some(secret) = secret else {
        return Ok(Checked::Absent);
    };
    let hash = stores::hash_secret(secret.trim());
    Ok(match stores::find_by_token_hash(db, &hash).await? {
        Some((store_id, kind)) if kind == expected => Checked::Store(store_id),
        _ => Checked::Refused,
    })
}
