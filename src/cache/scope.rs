//! How far a response may travel: the most restrictive scope among the fields it resolved.

use crate::stores::edge::EdgeSettings;

/// The scope of a field, and of a response (the most restrictive of its fields'). Ordered from
/// the least to the most restrictive.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum CacheScope {
    /// The public catalog: the same for every shopper of the store, purged when it changes.
    Catalog,
    /// Live stock (`quantityAvailable`): public, but only for a second or two.
    Stock,
    /// Anything of one shopper or of the merchant (carts, customers, orders, admin data), and
    /// every response to a mutation or with errors: never stored anywhere.
    Private,
}

/// `Cache-Control` of a response that may not be stored.
pub const PRIVATE_CACHE_CONTROL: &str = "private, no-store";

impl CacheScope {
    pub fn is_public(self) -> bool {
        self != CacheScope::Private
    }

    /// The `Cache-Control` value of a response of this scope under the store's settings.
    pub fn cache_control(self, edge: &EdgeSettings) -> String {
        match self {
            CacheScope::Catalog => edge.catalog.header_value(),
            CacheScope::Stock => edge.stock.header_value(),
            CacheScope::Private => PRIVATE_CACHE_CONTROL.to_string(),
        }
    }

    /// How long a shared cache keeps a response of this scope fresh, in seconds (0: never).
    pub fn shared_lifetime(self, edge: &EdgeSettings) -> u32 {
        match self {
            CacheScope::Catalog => edge.catalog.s_maxage,
            CacheScope::Stock => edge.stock.s_maxage,
            CacheScope::Private => 0,
        }
    }
}
