//! `cacheWarm` (admin): fills the response cache with the store's collection and best-selling
//! product pages, so a sale starts warm (see `http::warm`).

use async_graphql::{Context, Object, SimpleObject};

use crate::graphql::context;
use crate::graphql::errors::{UserError, UserErrorCode};
use crate::http::endpoint::is_api_version;
use crate::webhooks::API_VERSION;

#[derive(Default)]
pub struct AdminCacheMutation;

/// What a warm did.
#[derive(SimpleObject, Default)]
pub struct CacheWarmPayload {
    /// Pages answered: the store's collections and best-selling products.
    pub pages: i32,
    /// Of those, pages that were not cached before (and now are, when public).
    pub filled: i32,
    /// What was wrong with the input.
    pub user_errors: Vec<UserError>,
}

#[Object]
impl AdminCacheMutation {
    /// Answers the built-in storefront documents for the store's collections and best-selling
    /// products through the response cache, for the API version storefronts call (`YYYY-MM` or
    /// `unstable`; 2025-01 when not given), and returns when they are cached.
    async fn cache_warm(
        &self,
        ctx: &Context<'_>,
        api_version: Option<String>,
    ) -> async_graphql::Result<CacheWarmPayload> {
        let store = context::admin_store(ctx)?;
        let version = api_version.unwrap_or_else(|| API_VERSION.to_string());
        if !is_api_version(&version) {
            return Ok(CacheWarmPayload {
                user_errors: vec![UserError {
                    field: Some(vec!["apiVersion".into()]),
                    message: format!("{version} is not an API version (YYYY-MM or unstable)"),
                    code: Some(UserErrorCode::Invalid),
                }],
                ..Default::default()
            });
        }
        let warmed = context::state(ctx)
            .warmer
            .warm(store.clone(), version)
            .await
            .ok_or("the server is shutting down")?;
        Ok(CacheWarmPayload {
            pages: i32::try_from(warmed.pages).unwrap_or(i32::MAX),
            filled: i32::try_from(warmed.filled).unwrap_or(i32::MAX),
            user_errors: Vec::new(),
        })
    }
}
