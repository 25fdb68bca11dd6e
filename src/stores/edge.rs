//! A store's edge settings: how long CDNs and browsers may keep its public responses, and
//! whether anonymous storefront requests may only run trusted (registered) documents. They live
//! under the `edge` key of the store's settings document:
//!
//! ```json
//! { "edge": { "trusted_documents_only": false,
//!             "catalog": { "max_age": 1, "s_maxage": 3600, "stale_while_revalidate": 82800, "stale_if_error": 86400 },
//!             "stock":   { "max_age": 1, "s_maxage": 1,    "stale_while_revalidate": 9,     "stale_if_error": 60 } } }
//! ```
//!
//! The defaults follow Hydrogen's strategies: catalog reads are `CacheLong` at the CDN (an hour
//! fresh, 23 hours stale while revalidating; purges make changes visible at once), and live stock
//! is `CacheShort` (1 s fresh, 9 s stale). Browsers keep either for a second only, since a
//! browser cannot be purged.
//!
//! Admins change them through `storeUpdate(input: {edge})` (`input`).

mod input;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Store;

pub use self::input::{CachePolicyInput, EdgeSettingsInput, MAX_LIFETIME_SECONDS};

/// Settings key of the edge settings.
pub const EDGE: &str = "edge";

/// `Cache-Control` lifetimes of one class of public responses, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CachePolicy {
    /// How long a browser keeps the response.
    pub max_age: u32,
    /// How long a shared cache (CDN, the origin cache) keeps it fresh.
    pub s_maxage: u32,
    /// How long after that a shared cache may serve it while fetching a fresh one.
    pub stale_while_revalidate: u32,
    /// How long after that a shared cache may serve it when the origin fails.
    pub stale_if_error: u32,
}

impl CachePolicy {
    /// Hydrogen's `CacheLong` at the CDN, a second in the browser.
    pub const CATALOG: CachePolicy = CachePolicy {
        max_age: 1,
        s_maxage: 3600,
        stale_while_revalidate: 82_800,
        stale_if_error: 86_400,
    };

    /// Hydrogen's `CacheShort`.
    pub const STOCK: CachePolicy = CachePolicy {
        max_age: 1,
        s_maxage: 1,
        stale_while_revalidate: 9,
        stale_if_error: 60,
    };

    /// The `Cache-Control` value of a public response under this policy.
    pub fn header_value(&self) -> String {
        format!(
            "public, max-age={}, s-maxage={}, stale-while-revalidate={}, stale-if-error={}",
            self.max_age, self.s_maxage, self.stale_while_revalidate, self.stale_if_error
        )
    }
}

/// The edge settings of a store, defaults filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EdgeSettings {
    /// Anonymous storefront requests may only run registered documents.
    pub trusted_documents_only: bool,
    /// Responses that read only the public catalog.
    pub catalog: CachePolicy,
    /// Responses that read live stock (`quantityAvailable`).
    pub stock: CachePolicy,
}

impl Default for EdgeSettings {
    fn default() -> Self {
        EdgeSettings {
            trusted_documents_only: false,
            catalog: CachePolicy::CATALOG,
            stock: CachePolicy::STOCK,
        }
    }
}

impl EdgeSettings {
    /// The store's edge settings; anything missing or unreadable takes its default.
    pub fn of(store: &Store) -> EdgeSettings {
        Self::from_settings(&store.settings)
    }

    pub fn from_settings(settings: &Value) -> EdgeSettings {
        let defaults = EdgeSettings::default();
        let Some(edge) = settings.get(EDGE) else {
            return defaults;
        };
        let policy = |key: &str, default: CachePolicy| {
            edge.get(key)
                .and_then(|value| serde_json::from_value(value.clone()).ok())
                .unwrap_or(default)
        };
        EdgeSettings {
            trusted_documents_only: edge
                .get("trusted_documents_only")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            catalog: policy("catalog", defaults.catalog),
            stock: policy("stock", defaults.stock),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn missing_settings_take_hydrogen_like_defaults() {
        let edge = EdgeSettings::from_settings(&json!({}));
        assert_eq!(edge, EdgeSettings::default());
        assert_eq!(
            edge.catalog.header_value(),
            "public, max-age=1, s-maxage=3600, stale-while-revalidate=82800, stale-if-error=86400"
        );
    }

    #[test]
    fn stored_settings_override_the_defaults() {
        let edge = EdgeSettings::from_settings(&json!({ "edge": {
            "trusted_documents_only": true,
            "stock": { "max_age": 0, "s_maxage": 2, "stale_while_revalidate": 3, "stale_if_error": 4 }
        }}));
        assert!(edge.trusted_documents_only);
        assert_eq!(edge.catalog, CachePolicy::CATALOG);
        assert_eq!(edge.stock.s_maxage, 2);
    }
}
