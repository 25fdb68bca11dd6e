//! The admin's trusted-document queries and mutations. Each starts with `admin_store`, so
//! without the store's admin token nothing here runs.

use async_graphql::connection::Connection;
use async_graphql::{Context, Object};

use super::check::check;
use super::types::{TrustedDocument, TrustedDocumentDeletePayload, TrustedDocumentRegisterPayload};
use crate::documents::{self, lookup};
use crate::graphql::context;
use crate::graphql::errors::{GqlResult, with_user_errors};
use crate::graphql::pagination::{self, PageArgs};

#[derive(Default)]
pub struct AdminTrustedDocumentQuery;

#[Object]
impl AdminTrustedDocumentQuery {
    /// The documents the store registered, oldest first (admins only). The built-in storefront
    /// operations, trusted by every store, are not listed.
    #[graphql(complexity = "pagination::page_cost(first, None, child_complexity)")]
    async fn trusted_documents(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, TrustedDocument>> {
        let store = context::admin_store(ctx)?;
        let db = context::db(ctx);
        let args = PageArgs {
            first,
            after,
            ..PageArgs::default()
        };
        let page = pagination::fetch_page(
            &args,
            |offset, limit| documents::list(db, store, offset, limit),
            || documents::count(db, store),
        )
        .await
        .gql()?;
        Ok(page.connection(TrustedDocument))
    }
}

#[derive(Default)]
pub struct AdminTrustedDocumentMutation;

#[Object]
impl AdminTrustedDocumentMutation {
    /// Trusts a document: in trusted-documents mode, anonymous storefront requests may run it,
    /// by its text or by its SHA-256 alone. It must parse and validate against the schema.
    /// Registering it again changes nothing.
    async fn trusted_document_register(
        &self,
        ctx: &Context<'_>,
        document: String,
    ) -> async_graphql::Result<TrustedDocumentRegisterPayload> {
        let store = context::admin_store(ctx)?;
        let result = match check(&document).await {
            Ok(checked) => {
                context::write(ctx, async |tx| {
                    documents::register(tx, store, &checked).await
                })
                .await
            }
            Err(refused) => Err(refused),
        };
        if let Ok(registered) = &result {
            lookup::forget(&context::state(ctx).cache, store.id, &registered.hash).await;
        }
        let (registered, user_errors) = with_user_errors(result)?;
        Ok(TrustedDocumentRegisterPayload {
            trusted_document: registered.map(TrustedDocument),
            user_errors,
        })
    }

    /// Stops trusting one of the store's registered documents, by its hash.
    async fn trusted_document_delete(
        &self,
        ctx: &Context<'_>,
        hash: String,
    ) -> async_graphql::Result<TrustedDocumentDeletePayload> {
        let store = context::admin_store(ctx)?;
        let hash = hash.to_ascii_lowercase();
        let result = context::write(ctx, async |tx| documents::delete(tx, store, &hash).await)
            .await
            .map_err(|err| err.missing_at(&["hash"]));
        if result.is_ok() {
            lookup::forget(&context::state(ctx).cache, store.id, &hash).await;
        }
        let (deleted, user_errors) = with_user_errors(result)?;
        Ok(TrustedDocumentDeletePayload {
            deleted_hash: deleted,
            user_errors,
        })
    }
}
