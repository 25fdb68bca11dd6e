//! What resolvers read from the GraphQL context: the application state, the request's tenant, and
//! the admin check. Admin fields call `admin_store`, which is the only way they get a store.

use async_graphql::Context;
use sea_orm::DatabaseConnection;

use crate::catalog::Visibility;
use crate::error::AppError;
use crate::graphql::errors::to_graphql;
use crate::money::CurrencyCode;
use crate::startup::AppState;
use crate::stores::{self, Store};
use crate::tenancy::{Principal, Tenant};

pub fn state<'a>(ctx: &Context<'a>) -> &'a AppState {
    ctx.data_unchecked::<AppState>()
}

pub fn db<'a>(ctx: &Context<'a>) -> &'a DatabaseConnection {
    &state(ctx).db
}

pub fn tenant<'a>(ctx: &Context<'a>) -> &'a Tenant {
    ctx.data_unchecked::<Tenant>()
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
