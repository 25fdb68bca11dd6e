//! Admin collection mutations. Every field starts with `admin_store`, so without the store's
//! admin token nothing here runs.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

use super::collection::Collection;
use crate::catalog::collections::{self, CollectionInput as DomainCollection};
use crate::error::Result;
use crate::graphql::context;
use crate::graphql::errors::{UserError, with_user_errors};
use crate::graphql::inputs::{SeoInput, decode_id, decode_ids};
use crate::graphql::scalars::Html;
use crate::ids::GidKind;

#[derive(Default)]
pub struct AdminCollectionMutation;

/// Fields of a collection.
#[derive(InputObject, Default)]
pub struct CollectionInput {
    /// The collection's name.
    pub title: Option<String>,
    /// The handle; derived from the title when absent.
    pub handle: Option<String>,
    /// The description as HTML.
    pub description_html: Option<Html>,
    /// The collection's image.
    pub image: Option<CollectionImageInput>,
    /// Search-engine title and description.
    pub seo: Option<SeoInput>,
    /// Products to include on creation, in order.
    pub products: Option<Vec<ID>>,
}

/// The image of a collection.
#[derive(InputObject, Default)]
pub struct CollectionImageInput {
    /// An absolute URL.
    pub url: String,
    /// Text for screen readers.
    pub alt_text: Option<String>,
}

/// The result of a collection mutation.
#[derive(SimpleObject)]
pub struct CollectionPayload {
    /// The collection, unless the input was refused.
    pub collection: Option<Collection>,
    /// Why the input was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The result of `collectionDelete`.
#[derive(SimpleObject)]
pub struct CollectionDeletePayload {
    /// The deleted collection's ID.
    pub deleted_collection_id: Option<ID>,
    /// Why the input was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

#[Object]
impl AdminCollectionMutation {
    /// Creates a collection, optionally with products.
    async fn collection_create(
        &self,
        ctx: &Context<'_>,
        input: CollectionInput,
    ) -> async_graphql::Result<CollectionPayload> {
        let store = context::admin_store(ctx)?;
        let result = async {
            let input = to_domain(input)?;
            context::write(ctx, async |tx| {
                collections::create_collection(tx, store, input).await
            })
            .await
        };
        collection_payload(ctx, result.await)
    }

    /// Changes a collection's fields.
    async fn collection_update(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: CollectionInput,
    ) -> async_graphql::Result<CollectionPayload> {
        let store = context::admin_store(ctx)?;
        let result = async {
            let collection_id = decode_id(GidKind::Collection, &id, &["id"])?;
            let input = to_domain(input)?;
            context::write(ctx, async |tx| {
                collections::update_collection(tx, store, collection_id, input).await
            })
            .await
        };
        collection_payload(ctx, result.await)
    }

    /// Deletes a collection (its products stay).
    async fn collection_delete(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<CollectionDeletePayload> {
        let store = context::admin_store(ctx)?;
        let result = async {
            let collection_id = decode_id(GidKind::Collection, &id, &["id"])?;
            context::write(ctx, async |tx| {
                collections::delete_collection(tx, store, collection_id).await
            })
            .await
        };
        let (deleted, user_errors) = with_user_errors(result.await)?;
        Ok(CollectionDeletePayload {
            deleted_collection_id: deleted.map(|_| id),
            user_errors,
        })
    }

    /// Appends products to a collection.
    async fn collection_add_products(
        &self,
        ctx: &Context<'_>,
        id: ID,
        product_ids: Vec<ID>,
    ) -> async_graphql::Result<CollectionPayload> {
        let store = context::admin_store(ctx)?;
        let result = async {
            let collection_id = decode_id(GidKind::Collection, &id, &["id"])?;
            let products = decode_ids(GidKind::Product, &product_ids, "productIds")?;
            context::write(ctx, async |tx| {
                collections::add_products(tx, store, collection_id, &products).await
            })
            .await
        };
        collection_payload(ctx, result.await)
    }

    /// Removes products from a collection.
    async fn collection_remove_products(
        &self,
        ctx: &Context<'_>,
        id: ID,
        product_ids: Vec<ID>,
    ) -> async_graphql::Result<CollectionPayload> {
        let store = context::admin_store(ctx)?;
        let result = async {
            let collection_id = decode_id(GidKind::Collection, &id, &["id"])?;
            let products = decode_ids(GidKind::Product, &product_ids, "productIds")?;
            context::write(ctx, async |tx| {
                collections::remove_products(tx, store, collection_id, &products).await
            })
            .await
        };
        collection_payload(ctx, result.await)
    }
}

fn to_domain(input: CollectionInput) -> Result<DomainCollection> {
    let products = input
        .products
        .as_deref()
        .map(|ids| decode_ids(GidKind::Product, ids, "products"))
        .transpose()?;
    let (seo_title, seo_description) = SeoInput::split(input.seo);
    let (image_url, image_alt) = input
        .image
        .map_or((None, None), |image| (Some(image.url), image.alt_text));
    Ok(DomainCollection {
        title: input.title,
        handle: input.handle,
        description_html: input.description_html.map(|html| html.0),
        image_url,
        image_alt,
        seo_title,
        seo_description,
        products,
    })
}

fn collection_payload(
    ctx: &Context<'_>,
    result: Result<entities::collection::Model>,
) -> async_graphql::Result<CollectionPayload> {
    let (collection, user_errors) = with_user_errors(result)?;
    Ok(CollectionPayload {
        collection: collection.map(|model| Collection::new(ctx, model)),
        user_errors,
    })
}
