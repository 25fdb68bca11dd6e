//! Storefront catalog queries: products, collections, recommendations, nodes, menus and pages.
//! Each resolver reads the store from the context and calls one domain function.

use async_graphql::connection::Connection;
use async_graphql::{Context, Enum, ID, Object};

use super::collection::Collection;
use super::content::{Menu, Page};
use super::prefetch::{self, Parts};
use super::product::{Product, ProductStatus};
use super::product_list::{ProductConnection, ProductFilter, domain_filters, product_connection};
use crate::cache::tags;
use crate::catalog::collections::{self, CollectionSort};
use crate::catalog::listing::{ProductListing, ProductSort};
use crate::catalog::product_read::{self, ProductKey};
use crate::catalog::{Visibility, content, recommendations, search_query};
use crate::error::AppError;
use crate::graphql::errors::{GqlResult, to_graphql};
use crate::graphql::node::{self, Node};
use crate::graphql::pagination::{PageArgs, fetch_page, page_cost};
use crate::graphql::{context, edge};
use crate::ids::{self, GidKind};

#[derive(Default)]
pub struct CatalogQuery;

/// Sort keys of the product list.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum ProductSortKeys {
    /// By title.
    Title,
    /// By product type.
    ProductType,
    /// By vendor.
    Vendor,
    /// By last change.
    UpdatedAt,
    /// By creation date.
    CreatedAt,
    /// By units sold, most first.
    BestSelling,
    /// By lowest variant price.
    Price,
    /// By ID.
    Id,
    /// By relevance to the query (by ID without one).
    Relevance,
}

impl From<ProductSortKeys> for ProductSort {
    fn from(key: ProductSortKeys) -> Self {
        match key {
            ProductSortKeys::Title => ProductSort::Title,
            ProductSortKeys::ProductType => ProductSort::ProductType,
            ProductSortKeys::Vendor => ProductSort::Vendor,
            ProductSortKeys::UpdatedAt => ProductSort::UpdatedAt,
            ProductSortKeys::CreatedAt => ProductSort::CreatedAt,
            ProductSortKeys::BestSelling => ProductSort::BestSelling,
            ProductSortKeys::Price => ProductSort::Price,
            ProductSortKeys::Id => ProductSort::Id,
            ProductSortKeys::Relevance => ProductSort::Relevance,
        }
    }
}

/// Sort keys of the collection list.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum CollectionSortKeys {
    /// By title.
    Title,
    /// By last change.
    UpdatedAt,
    /// By ID.
    Id,
    /// By relevance (by ID).
    Relevance,
}

/// Which products to recommend.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum ProductRecommendationIntent {
    /// Products that go with the product (served as related products).
    Complementary,
    /// Products similar to the product: same type first, then best sellers.
    Related,
}

const MAX_NODES: usize = 250;

#[Object]
impl CatalogQuery {
    /// A product by handle or ID; `null` when there is none.
    async fn product(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        handle: Option<String>,
    ) -> async_graphql::Result<Option<Product>> {
        let key = match (&id, &handle) {
            (Some(id), _) => match ids::decode(GidKind::Product, id) {
                Some(uuid) => ProductKey::Id(uuid),
                None => return Ok(None),
            },
            (None, Some(handle)) => ProductKey::Handle(handle),
            (None, None) => return Ok(None),
        };
        let found = product_read::find_product(
            context::db(ctx),
            context::store(ctx),
            context::visibility(ctx),
            key,
        )
        .await
        .gql()?;
        if found.is_none() {
            edge::tag(ctx, tags::products(context::store(ctx).id));
        }
        let parts = Parts::of_product(&ctx.look_ahead());
        prefetch::products(ctx, found.as_slice(), parts).await?;
        Ok(found.map(|model| Product::new(ctx, model)))
    }

    /// Products, searched, filtered and sorted.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn products(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        reverse: Option<bool>,
        sort_key: Option<ProductSortKeys>,
        #[graphql(
            desc = "Search syntax: words, `title:`, `tag:`, `product_type:`, `vendor:`, `available_for_sale:`"
        )]
        query: Option<String>,
        filters: Option<Vec<ProductFilter>>,
        #[graphql(
            desc = "Only products of this status (admin only; admins see every status without it)"
        )]
        status: Option<ProductStatus>,
    ) -> async_graphql::Result<ProductConnection> {
        let visibility = match status {
            Some(status) => {
                context::admin_store(ctx)?;
                Visibility::Admin(Some(status.into()))
            }
            None => context::visibility(ctx),
        };
        let currency = context::currency(ctx);
        let terms = search_query::parse(query.as_deref().unwrap_or_default());
        // Searching words sorts by relevance unless told otherwise, as Shopify does.
        let searching = terms
            .iter()
            .any(|term| term.field == search_query::Field::Text);
        let default_sort = match searching {
            true => ProductSortKeys::Relevance,
            false => ProductSortKeys::Id,
        };
        let listing = ProductListing {
            visibility,
            collection: None,
            terms,
            filters: domain_filters(filters.unwrap_or_default(), currency),
            sort: sort_key.unwrap_or(default_sort).into(),
            reverse: reverse.unwrap_or(false),
        };
        product_connection(
            ctx,
            listing,
            PageArgs {
                first,
                after,
                last,
                before,
            },
        )
        .await
    }

    /// Products related to one product (same type first, then best sellers); never null.
    #[graphql(complexity = "1 + 10 * child_complexity")]
    async fn product_recommendations(
        &self,
        ctx: &Context<'_>,
        product_id: Option<ID>,
        product_handle: Option<String>,
        #[graphql(default_with = "Some(ProductRecommendationIntent::Related)")] intent: Option<
            ProductRecommendationIntent,
        >,
    ) -> async_graphql::Result<Vec<Product>> {
        let _ = intent;
        let key = match (
            product_id
                .as_ref()
                .and_then(|id| ids::decode(GidKind::Product, id)),
            &product_handle,
        ) {
            (Some(uuid), _) => ProductKey::Id(uuid),
            (None, Some(handle)) => ProductKey::Handle(handle),
            (None, None) => return Ok(Vec::new()),
        };
        let recommended = recommendations::recommend(
            context::db(ctx),
            context::store(ctx),
            context::visibility(ctx),
            key,
        )
        .await
        .gql()?;
        edge::tag(ctx, tags::products(context::store(ctx).id));
        prefetch::products(ctx, &recommended, Parts::of_product(&ctx.look_ahead())).await?;
        Ok(recommended
            .into_iter()
            .map(|model| Product::new(ctx, model))
            .collect())
    }

    /// A collection by handle or ID; `null` when there is none.
    async fn collection(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        handle: Option<String>,
    ) -> async_graphql::Result<Option<Collection>> {
        let (db, store) = (context::db(ctx), context::store(ctx));
        let found = match (
            id.as_ref().map(|id| ids::decode(GidKind::Collection, id)),
            &handle,
        ) {
            (Some(Some(uuid)), _) => collections::find_collection_by_id(db, store, uuid)
                .await
                .gql()?,
            (None, Some(handle)) => collections::find_collection_by_handle(db, store, handle)
                .await
                .gql()?,
            _ => None,
        };
        if found.is_none() {
            edge::tag(ctx, tags::collections(store.id));
        }
        Ok(found.map(|model| Collection::new(ctx, model)))
    }

    /// The store's collections.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn collections(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        reverse: Option<bool>,
        sort_key: Option<CollectionSortKeys>,
    ) -> async_graphql::Result<Connection<String, Collection>> {
        let (db, store) = (context::db(ctx), context::store(ctx));
        let sort = match sort_key.unwrap_or(CollectionSortKeys::Id) {
            CollectionSortKeys::Title => CollectionSort::Title,
            CollectionSortKeys::UpdatedAt => CollectionSort::UpdatedAt,
            CollectionSortKeys::Id | CollectionSortKeys::Relevance => CollectionSort::Id,
        };
        let reverse = reverse.unwrap_or(false);
        edge::tag(ctx, tags::collections(store.id));
        let page = fetch_page(
            &PageArgs {
                first,
                after,
                last,
                before,
            },
            |offset, limit| collections::list_collections(db, store, sort, reverse, offset, limit),
            || collections::count_collections(db, store),
        )
        .await
        .gql()?;
        Ok(page.connection(|model| Collection::new(ctx, model)))
    }

    /// The object with this global ID, if any.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Node>> {
        let mut found = node::resolve_all(ctx, std::slice::from_ref(&id)).await?;
        Ok(found.pop().flatten())
    }

    /// The objects with these global IDs, in order (`null` for unknown ones).
    #[graphql(complexity = "1 + ids.len() * child_complexity")]
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        ids: Vec<ID>,
    ) -> async_graphql::Result<Vec<Option<Node>>> {
        if ids.len() > MAX_NODES {
            let message = format!("at most {MAX_NODES} ids");
            return Err(to_graphql(AppError::BadRequest(message)));
        }
        node::resolve_all(ctx, &ids).await
    }

    /// A navigation menu by handle.
    async fn menu(&self, ctx: &Context<'_>, handle: String) -> async_graphql::Result<Option<Menu>> {
        let found = content::find_menu(context::db(ctx), context::store(ctx), &handle)
            .await
            .gql()?;
        Ok(found.map(Menu))
    }

    /// A page by handle or ID.
    async fn page(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        handle: Option<String>,
    ) -> async_graphql::Result<Option<Page>> {
        let (db, store) = (context::db(ctx), context::store(ctx));
        let found = match (
            id.as_ref().map(|id| ids::decode(GidKind::Page, id)),
            &handle,
        ) {
            (Some(Some(uuid)), _) => content::find_page_by_id(db, store, uuid).await.gql()?,
            (None, Some(handle)) => content::find_page_by_handle(db, store, handle)
                .await
                .gql()?,
            _ => None,
        };
        Ok(found.map(Page))
    }

    /// A page by handle (older form of `page(handle:)`).
    async fn page_by_handle(
        &self,
        ctx: &Context<'_>,
        handle: String,
    ) -> async_graphql::Result<Option<Page>> {
        let found = content::find_page_by_handle(context::db(ctx), context::store(ctx), &handle)
            .await
            .gql()?;
        Ok(found.map(Page))
    }

    /// The store's pages, by title.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn pages(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        reverse: Option<bool>,
    ) -> async_graphql::Result<Connection<String, Page>> {
        let (db, store) = (context::db(ctx), context::store(ctx));
        let reverse = reverse.unwrap_or(false);
        let page = fetch_page(
            &PageArgs {
                first,
                after,
                last,
                before,
            },
            |offset, limit| content::list_pages(db, store, reverse, offset, limit),
            || content::count_pages(db, store),
        )
        .await
        .gql()?;
        Ok(page.connection(Page))
    }
}
