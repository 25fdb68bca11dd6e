//! The storefront `Collection` and the sort keys of its products.

use async_graphql::{Context, Enum, ID, Object};
use chrono::{DateTime, Utc};
use entities::collection;

use super::media::{Image, Seo};
use super::product_list::{ProductConnection, ProductFilter, domain_filters, product_connection};
use crate::cache::tags;
use crate::catalog::html::html_to_text;
use crate::catalog::listing::{ProductListing, ProductSort};
use crate::graphql::pagination::{PageArgs, page_cost};
use crate::graphql::scalars::Html;
use crate::graphql::{context, edge};
use crate::ids::{self, GidKind};

/// A group of products curated by the merchant.
pub struct Collection(collection::Model);

impl Collection {
    /// The collection, tagged in the request's cache report as part of the response.
    pub fn new(ctx: &Context<'_>, model: collection::Model) -> Self {
        edge::tag(ctx, tags::collection(model.id));
        Collection(model)
    }
}

/// Sort keys of a collection's products.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum ProductCollectionSortKeys {
    /// By title.
    Title,
    /// By lowest variant price.
    Price,
    /// By units sold, most first.
    BestSelling,
    /// By creation date.
    Created,
    /// By ID.
    Id,
    /// In the merchant's manual order.
    Manual,
    /// The collection's default order (manual).
    CollectionDefault,
    /// By relevance to a search; the manual order otherwise.
    Relevance,
}

impl From<ProductCollectionSortKeys> for ProductSort {
    fn from(key: ProductCollectionSortKeys) -> Self {
        match key {
            ProductCollectionSortKeys::Title => ProductSort::Title,
            ProductCollectionSortKeys::Price => ProductSort::Price,
            ProductCollectionSortKeys::BestSelling => ProductSort::BestSelling,
            ProductCollectionSortKeys::Created => ProductSort::CreatedAt,
            ProductCollectionSortKeys::Id => ProductSort::Id,
            // The database lists by relevance in the merchant's order; a filtered listing is
            // answered by the search index, which ranks in stock and best sellers first.
            ProductCollectionSortKeys::Relevance => ProductSort::Relevance,
            ProductCollectionSortKeys::Manual | ProductCollectionSortKeys::CollectionDefault => {
                ProductSort::CollectionDefault
            }
        }
    }
}

#[Object]
impl Collection {
    /// A globally unique ID.
    pub async fn id(&self) -> ID {
        ID(ids::encode(GidKind::Collection, self.0.id))
    }
    /// The URL-safe unique name of the collection in the store.
    async fn handle(&self) -> &str {
        &self.0.handle
    }
    /// The collection's name.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// The description as plain text.
    async fn description(&self) -> String {
        html_to_text(&self.0.description_html)
    }
    /// The description as HTML.
    async fn description_html(&self) -> Html {
        Html(self.0.description_html.clone())
    }
    /// The collection's image, if any.
    async fn image(&self) -> Option<Image> {
        let alt_text = self.0.image_alt.clone();
        self.0
            .image_url
            .clone()
            .map(|url| Image::of_url(url, alt_text))
    }
    /// Search-engine title and description.
    async fn seo(&self) -> Seo {
        Seo {
            title: self.0.seo_title.clone(),
            description: self.0.seo_description.clone(),
        }
    }
    /// When the collection was last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// The collection's products, filtered and sorted.
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
        sort_key: Option<ProductCollectionSortKeys>,
        filters: Option<Vec<ProductFilter>>,
    ) -> async_graphql::Result<ProductConnection> {
        let currency = context::currency(ctx);
        let listing = ProductListing {
            visibility: context::visibility(ctx),
            collection: Some(self.0.id),
            terms: Vec::new(),
            filters: domain_filters(filters.unwrap_or_default(), currency),
            sort: sort_key
                .unwrap_or(ProductCollectionSortKeys::CollectionDefault)
                .into(),
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
}
