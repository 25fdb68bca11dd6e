//! What resolvers read from the GraphQL context: the application state, the request's tenant and
//! loaders, the admin check, and the write transaction. Admin fields call `admin_store`, which is
//! the only way they get a store; mutations write through `write`, which owns the transaction.

use async_graphql::Context;
use sea_orm::{DatabaseConnection, DatabaseTransaction};

use crate::catalog::Visibility;
use crate::error::{AppError, Result};
use crate::graphql::errors::to_graphql;
use crate::graphql::loaders::Loaders;
use crate::money::CurrencyCode;
use crate::product_search::ProductSearch;
use crate::startup::AppState;
use crate::stores::{self, Store};
use crate::tenancy::{Principal, Tenant};

pub fn state<'a>(ctx: &Context<'a>) -> &'a AppState {
    ctx.data_unchecked::<AppState>()
}

/// The connection for reads.
/// The search backend, when there is one.
pub fn search<'a>(ctx: &Context<'a>) -> Option<&'a ProductSearch> {
    state(ctx).search.as_ref()
}

pub fn db<'a>(ctx: &Context<'a>) -> &'a DatabaseConnection {
    state(ctx).db.reader()
}

pub fn tenant<'a>(ctx: &Context<'a>) -> &'a Tenant {
    ctx.data_unchecked::<Tenant>()
}

pub fn loaders<'a>(ctx: &Context<'a>) -> &'a Loaders {
    ctx.data_unchecked::<Loaders>()
}

/// The store of the request, for storefront fields.
pub fn store<'a>(ctx: &Context<'a>) -> &'a Store {
    &tenant(ctx).store
}

/// The store of the request if the caller holds its admin token, else `ACCESS_DENIED`.
pub fn admin_store<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Store> {
    let tenant = tenant(ctx);
    match tenant.principal {
        Principal::Admin => Ok(&tenant.store),
        Principal::Storefront => Err(to_graphql(AppError::Forbidden)),
    }
}

/// Storefront callers see active products only; admins see all.
pub fn visibility(ctx: &Context<'_>) -> Visibility {
    tenant(ctx).visibility()
}

/// The store's currency.
pub fn currency(ctx: &Context<'_>) -> CurrencyCode {
    stores::currency(store(ctx))
}

/// Runs `work` in one write transaction: committed when it succeeds, rolled back (so nothing
/// changes) when it fails. The request's loader caches are cleared after a commit, so the
/// payload reads what was written.
pub async fn write<T>(
    ctx: &Context<'_>,
    work: impl AsyncFnOnce(&DatabaseTransaction) -> Result<T>,
) -> Result<T> {
    let tx = state(ctx).db.begin().await?;
    let value = work(&tx).await?;
    tx.commit().await?;
    loaders(ctx).clear();
    Ok(value)
}
