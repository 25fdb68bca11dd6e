//! The `storeUpdate` admin mutation. It starts with `admin_store`, so without the store's admin
//! token nothing here runs.

use async_graphql::{Context, InputObject, Object, SimpleObject};

use super::shop::Shop;
use crate::graphql::context;
use crate::graphql::errors::{UserError, with_user_errors};
use crate::stores::{self, StoreInput};
use crate::tenancy;

#[derive(Default)]
pub struct AdminStoreMutation;

/// Fields of the store.
#[derive(InputObject, Default)]
pub struct StoreUpdateInput {
    /// The store's name.
    pub name: Option<String>,
    /// The store's primary domain.
    pub domain: Option<String>,
    /// The store's currency (ISO 4217).
    pub currency_code: Option<String>,
    /// A description of the store.
    pub description: Option<String>,
    /// Seconds a cart's stock stays held after the cart was last touched (default 900).
    pub reservation_ttl_seconds: Option<i64>,
    /// Seconds a guest's cart lives after it was last touched (default two days).
    pub guest_cart_ttl_seconds: Option<i64>,
    /// Seconds a signed-in customer's cart lives after it was last touched (default 30 days).
    pub customer_cart_ttl_seconds: Option<i64>,
}

/// The result of `storeUpdate`.
#[derive(SimpleObject)]
pub struct StorePayload {
    /// The store after the change.
    pub shop: Option<Shop>,
    /// Why the input was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

#[Object]
impl AdminStoreMutation {
    /// Changes the store's name, domain, currency or description.
    async fn store_update(
        &self,
        ctx: &Context<'_>,
        input: StoreUpdateInput,
    ) -> async_graphql::Result<StorePayload> {
        let store = context::admin_store(ctx)?;
        let change = StoreInput {
            name: input.name,
            domain: input.domain,
            currency: input.currency_code,
            description: input.description,
            reservation_ttl_seconds: input.reservation_ttl_seconds,
            guest_cart_ttl_seconds: input.guest_cart_ttl_seconds,
            customer_cart_ttl_seconds: input.customer_cart_ttl_seconds,
        };
        let result = context::write(ctx, async |tx| {
            stores::update_store(tx, store, change).await
        })
        .await;
        if let Ok(updated) = &result {
            tenancy::forget_store(&context::state(ctx).cache, store, updated).await;
        }
        let (updated, user_errors) = with_user_errors(result)?;
        Ok(StorePayload {
            shop: updated.map(Shop::new),
            user_errors,
        })
    }
}
