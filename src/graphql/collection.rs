//! The storefront `Collection`, product lists as `ProductConnection` (with facet `filters`), the
//! `ProductFilter` input and the sort keys of product lists.

use async_graphql::connection::Connection;
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entities::collection;

use super::common::{Image, Seo, html_to_text};
use super::context;
use super::errors::GqlResult;
use super::pagination::{PageArgs, fetch_page};
use super::product::Product;
use super::scalars::{Html, Json};
use crate::catalog::facets::{self, FacetKind};
use crate::catalog::filters::ProductFilter as DomainFilter;
use crate::catalog::listing::{self, ProductListing, ProductSort};
use crate::ids::{self, GidKind};
use crate::money::{CurrencyCode, Money};

/// A group of products curated by the merchant.
pub struct Collection(pub collection::Model);

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
            ProductCollectionSortKeys::Manual
            | ProductCollectionSortKeys::CollectionDefault
            | ProductCollectionSortKeys::Relevance => ProductSort::CollectionDefault,
        }
    }
}

/// A filter on a product list; filters of one kind are alternatives, different kinds all apply.
#[derive(InputObject, Clone, Default)]
pub struct ProductFilter {
    /// In stock (true) or sold out (false).
    pub available: Option<bool>,
    /// Some variant priced within the range.
    pub price: Option<PriceRangeFilter>,
    /// The product type.
    pub product_type: Option<String>,
    /// The vendor.
    pub product_vendor: Option<String>,
    /// A tag.
    pub tag: Option<String>,
    /// A variant option value, such as Size = M.
    pub variant_option: Option<VariantOptionFilter>,
}

/// A price range; either bound may be left out.
#[derive(InputObject, Clone, Default)]
pub struct PriceRangeFilter {
    /// The lowest price.
    pub min: Option<f64>,
    /// The highest price.
    pub max: Option<f64>,
}

/// An option name and value.
#[derive(InputObject, Clone)]
pub struct VariantOptionFilter {
    /// The option's name, such as `Size`.
    pub name: String,
    /// The option's value, such as `M`.
    pub value: String,
}

/// Turns storefront filter inputs into domain filters (one input may carry several).
pub fn domain_filters(inputs: Vec<ProductFilter>, currency: CurrencyCode) -> Vec<DomainFilter> {
    let mut filters = Vec::new();
    for input in inputs {
        if let Some(available) = input.available {
            filters.push(DomainFilter::Available(available));
        }
        if let Some(price) = input.price {
            let bound = |v: Option<f64>| {
                v.and_then(|v| Money::from_filter_bound(v, currency))
                    .map(|m| m.minor)
            };
            filters.push(DomainFilter::Price {
                min: bound(price.min),
                max: bound(price.max),
            });
        }
        if let Some(product_type) = input.product_type {
            filters.push(DomainFilter::ProductType(product_type));
        }
        if let Some(vendor) = input.product_vendor {
            filters.push(DomainFilter::Vendor(vendor));
        }
        if let Some(tag) = input.tag {
            filters.push(DomainFilter::Tag(tag));
        }
        if let Some(option) = input.variant_option {
            filters.push(DomainFilter::VariantOption {
                name: option.name,
                value: option.value,
            });
        }
    }
    filters
}

/// The kind of a facet.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum FilterType {
    /// A list of values to pick from.
    List,
    /// A price range.
    PriceRange,
    /// A yes/no choice.
    Boolean,
}

/// A facet of a product list.
#[derive(SimpleObject)]
pub struct Filter {
    /// A stable ID such as `filter.p.vendor`.
    pub id: String,
    /// A label for people.
    pub label: String,
    /// The kind of facet.
    #[graphql(name = "type")]
    pub kind: FilterType,
    /// The values found, with their counts.
    pub values: Vec<FilterValue>,
}

/// One value of a facet.
#[derive(SimpleObject)]
pub struct FilterValue {
    /// A stable ID.
    pub id: String,
    /// A label for people.
    pub label: String,
    /// How many products the value would give.
    pub count: i32,
    /// The `ProductFilter` that selects this value, as a JSON string.
    pub input: Json,
}

/// Extra fields of `ProductConnection`: the facets of the listing.
pub struct ProductListingFacets {
    listing: ProductListing,
}

#[Object]
impl ProductListingFacets {
    /// Facets of the listed products, with counts, computed only when asked for.
    async fn filters(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Filter>> {
        let found = facets::facets(context::db(ctx), context::store(ctx), &self.listing)
            .await
            .gql()?;
        Ok(found
            .into_iter()
            .map(|facet| Filter {
                id: facet.id,
                label: facet.label,
                kind: match facet.kind {
                    FacetKind::List => FilterType::List,
                    FacetKind::PriceRange => FilterType::PriceRange,
                },
                values: facet
                    .values
                    .into_iter()
                    .map(|value| FilterValue {
                        id: value.id,
                        label: value.label,
                        count: i32::try_from(value.count).unwrap_or(i32::MAX),
                        input: Json(value.input.to_string()),
                    })
                    .collect(),
            })
            .collect())
    }
}

pub type ProductConnection = Connection<String, Product, ProductListingFacets>;

/// One page of a product listing as a `ProductConnection`.
pub async fn product_connection(
    ctx: &Context<'_>,
    listing: ProductListing,
    args: PageArgs,
) -> async_graphql::Result<ProductConnection> {
    let (db, store) = (context::db(ctx), context::store(ctx));
    let page = fetch_page(
        &args,
        |offset, limit| listing::list_products(db, store, &listing, offset, limit),
        || listing::count_products(db, store, &listing),
    )
    .await
    .gql()?;
    Ok(page.into_connection(Product, ProductListingFacets { listing }))
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
        self.0.image_url.clone().map(|url| Image {
            id: None,
            url,
            alt_text: self.0.image_alt.clone(),
            width: None,
            height: None,
        })
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
