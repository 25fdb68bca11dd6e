//! A store's edge settings on the admin side: what `storeUpdate(input: {edge})` takes and what
//! `storeSettings { edge }` shows (defaults filled in).

use async_graphql::{InputObject, SimpleObject};

use crate::stores::edge::{self, CachePolicy, EdgeSettings};

/// How long CDNs and browsers may keep a class of public responses, in seconds; each between
/// 0 and a year.
#[derive(InputObject, Clone, Copy)]
pub struct EdgeCachePolicyInput {
    /// How long a browser keeps the response (`max-age`).
    pub max_age: i64,
    /// How long a shared cache keeps it fresh (`s-maxage`).
    pub s_maxage: i64,
    /// How long after that a shared cache may serve it while fetching a fresh one.
    pub stale_while_revalidate: i64,
    /// How long after that a shared cache may serve it when the origin fails.
    pub stale_if_error: i64,
}

impl From<EdgeCachePolicyInput> for edge::CachePolicyInput {
    fn from(input: EdgeCachePolicyInput) -> Self {
        edge::CachePolicyInput {
            max_age: input.max_age,
            s_maxage: input.s_maxage,
            stale_while_revalidate: input.stale_while_revalidate,
            stale_if_error: input.stale_if_error,
        }
    }
}

/// Edge settings to change; absent fields stay as they are.
#[derive(InputObject, Default)]
pub struct StoreEdgeSettingsInput {
    /// Whether anonymous storefront requests may only run trusted documents (the built-in
    /// storefront operations and the store's registered ones). Admin requests are exempt.
    pub trusted_documents_only: Option<bool>,
    /// Lifetimes of responses that read only the public catalog; replaces the whole policy.
    pub catalog_cache: Option<EdgeCachePolicyInput>,
    /// Lifetimes of responses that read live stock; replaces the whole policy.
    pub stock_cache: Option<EdgeCachePolicyInput>,
}

impl From<StoreEdgeSettingsInput> for edge::EdgeSettingsInput {
    fn from(input: StoreEdgeSettingsInput) -> Self {
        edge::EdgeSettingsInput {
            trusted_documents_only: input.trusted_documents_only,
            catalog: input.catalog_cache.map(Into::into),
            stock: input.stock_cache.map(Into::into),
        }
    }
}

/// How long CDNs and browsers may keep a class of public responses, in seconds.
#[derive(SimpleObject)]
pub struct EdgeCachePolicy {
    /// How long a browser keeps the response (`max-age`).
    pub max_age: i64,
    /// How long a shared cache keeps it fresh (`s-maxage`).
    pub s_maxage: i64,
    /// How long after that a shared cache may serve it while fetching a fresh one.
    pub stale_while_revalidate: i64,
    /// How long after that a shared cache may serve it when the origin fails.
    pub stale_if_error: i64,
}

impl From<CachePolicy> for EdgeCachePolicy {
    fn from(policy: CachePolicy) -> Self {
        EdgeCachePolicy {
            max_age: policy.max_age.into(),
            s_maxage: policy.s_maxage.into(),
            stale_while_revalidate: policy.stale_while_revalidate.into(),
            stale_if_error: policy.stale_if_error.into(),
        }
    }
}

/// A store's edge settings: response lifetimes and trusted-documents mode.
#[derive(SimpleObject)]
pub struct StoreEdgeSettings {
    /// Whether anonymous storefront requests may only run trusted documents.
    pub trusted_documents_only: bool,
    /// Lifetimes of responses that read only the public catalog.
    pub catalog_cache: EdgeCachePolicy,
    /// Lifetimes of responses that read live stock.
    pub stock_cache: EdgeCachePolicy,
}

impl From<EdgeSettings> for StoreEdgeSettings {
    fn from(settings: EdgeSettings) -> Self {
        StoreEdgeSettings {
            trusted_documents_only: settings.trusted_documents_only,
            catalog_cache: settings.catalog.into(),
            stock_cache: settings.stock.into(),
        }
    }
}
