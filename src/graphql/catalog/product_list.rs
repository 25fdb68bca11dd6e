//! Product lists as `ProductConnection`: one keyset page of a listing, its facet `filters`, and
//! the `ProductFilter` input that narrows it. The page's products get their parts loaded
//! together (`prefetch`) before their fields resolve, so a page costs the same whatever its size;
//! each list pays for itself, so `collections { products }` costs one listing per collection.

use std::sync::Mutex;

use async_graphql::connection::Connection;
use async_graphql::{Context, Enum, InputObject, Object, SimpleObject};
use search::{SearchQuery, SearchResults};

use super::prefetch::{self, Parts};
use super::product::Product;
use crate::cache::tags;
use crate::catalog::facets::{self, FacetKind};
use crate::catalog::filters::ProductFilter as DomainFilter;
use crate::catalog::listing::{ProductListing, Window, count_products, list_products};
use crate::catalog::product_read;
use crate::graphql::errors::GqlResult;
use crate::graphql::limits::Budget;
use crate::graphql::pagination::{PageArgs, fetch_page, keyset_page};
use crate::graphql::scalars::Json;
use crate::graphql::{context, edge};
use crate::money::{CurrencyCode, Money};
use crate::product_search::{ProductSearch, listing};

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
    source: FacetSource,
}

/// Where a listing's facets come from.
enum FacetSource {
    /// Counted from the database when asked for.
    Database(ProductListing),
    /// Counted by the search backend with the page.
    Counted(Vec<facets::Facet>),
}

#[Object]
impl ProductListingFacets {
    /// Facets of the listed products, with counts, computed only when asked for.
    async fn filters(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Filter>> {
        ctx.data::<Budget>()?.take_facet_list()?;
        let found = match &self.source {
            FacetSource::Counted(counted) => counted.clone(),
            FacetSource::Database(listing) => {
                facets::facets(context::db(ctx), context::store(ctx), listing)
                    .await
                    .gql()?
            }
        };
        Ok(render_facets(found))
    }
}

/// Facets as `Filter` objects.
pub fn render_facets(found: Vec<facets::Facet>) -> Vec<Filter> {
    found
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
        .collect()
}

pub type ProductConnection = Connection<String, Product, ProductListingFacets>;

/// One page of a product listing as a `ProductConnection`, with the parts its selection reads
/// loaded for all of its products at once.
pub async fn product_connection(
    ctx: &Context<'_>,
    listing: ProductListing,
    args: PageArgs,
) -> async_graphql::Result<ProductConnection> {
    let (db, store) = (context::db(ctx), context::store(ctx));
    edge::tag(ctx, tags::products(store.id));
    listing.check().gql()?;
    let wants_facets = ctx.look_ahead().field("filters").exists();
    if let Some(search) = context::search(ctx)
        && let Some(query) = listing::query_for(store.id, &listing, wants_facets)
    {
        return searched_connection(ctx, search, listing, query, args).await;
    }
    let listed = &listing;
    let page = keyset_page(&args, |window| async move {
        list_products(db, store, listed, &window).await
    })
    .await
    .gql()?;
    let products: Vec<_> = page
        .items
        .iter()
        .map(|(_, listed)| listed.product.clone())
        .collect();
    prefetch::products(ctx, &products, Parts::of_connection(&ctx.look_ahead())).await?;
    Ok(page.into_connection(
        |listed| Product::new(ctx, listed.product),
        ProductListingFacets {
            source: FacetSource::Database(listing),
        },
    ))
}

/// A listing the search backend answers, paged by position. Pages the backend cannot answer in
/// time are read from the database, by position too, so cursors stay valid either way.
async fn searched_connection(
    ctx: &Context<'_>,
    search: &ProductSearch,
    listing: ProductListing,
    query: SearchQuery,
    args: PageArgs,
) -> async_graphql::Result<ProductConnection> {
    let (db, store) = (context::db(ctx), context::store(ctx));
    edge::tag(ctx, tags::search(store.id));
    let counted: Mutex<Option<SearchResults>> = Mutex::new(None);
    let (listed, counted_ref) = (&listing, &counted);
    let page = fetch_page(
        &args,
        |offset, limit| {
            let mut query = query.clone();
            query.page = search::Page {
                offset: offset as usize,
                limit: limit as usize,
            };
            async move {
                let Some(results) = search.search(&query).await else {
                    let window = Window {
                        limit,
                        offset,
                        ..Window::default()
                    };
                    let found = list_products(db, store, listed, &window).await?;
                    return Ok(found.into_iter().map(|listed| listed.product).collect());
                };
                let ids: Vec<_> = results.hits.iter().map(|hit| hit.id).collect();
                let products =
                    product_read::find_in_order(db, store, listed.visibility, &ids).await?;
                *counted_ref.lock().expect("never poisoned") = Some(results);
                Ok(products)
            }
        },
        || async {
            let mut query = query.clone();
            query.facets = false;
            match search.search(&query).await {
                Some(results) => Ok(results.total),
                None => count_products(db, store, listed).await,
            }
        },
    )
    .await
    .gql()?;
    let products: Vec<_> = page
        .items
        .iter()
        .map(|(_, product)| product.clone())
        .collect();
    prefetch::products(ctx, &products, Parts::of_connection(&ctx.look_ahead())).await?;
    let source = match counted.into_inner().expect("never poisoned") {
        Some(results) => FacetSource::Counted(facets::from_counts(
            &results.facets,
            results.max_price,
            context::currency(ctx),
        )),
        None => FacetSource::Database(listing),
    };
    Ok(page.into_connection(
        |product| Product::new(ctx, product),
        ProductListingFacets { source },
    ))
}
