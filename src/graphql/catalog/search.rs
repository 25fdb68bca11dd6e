//! `search` and `predictiveSearch`, as Shopify's Storefront API spells them, answered by the
//! search backend (`product_search`). Products come first, ranked by the backend, then pages and
//! articles; `productFilters` are the products' facets. When the backend cannot answer in time,
//! products are searched in the database (without typo tolerance) and content is left out.

use std::collections::HashMap;
use std::sync::Mutex;

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, Enum, Object, SimpleObject, Union};
use search::{ContentKind, Hit, Page, SearchQuery, SortKey, SuggestQuery, UnavailableProducts};
use uuid::Uuid;

use super::blogs::Article;
use super::collection::Collection;
use super::content::Page as PageObject;
use super::prefetch::{self, Parts};
use super::product::Product;
use super::product_list::{Filter, ProductFilter, domain_filters, render_facets};
use crate::cache::tags;
use crate::catalog::facets;
use crate::catalog::listing::{ProductListing, ProductSort, Window, count_products, list_products};
use crate::catalog::{Visibility, blogs, collections, content, product_read, search_query};
use crate::graphql::errors::GqlResult;
use crate::graphql::pagination::{PageArgs, fetch_page, page_cost};
use crate::graphql::{context, edge};

/// The most pages and articles one search lists.
const MOST_CONTENT: usize = 250;

/// What a search result is.
#[derive(Union)]
pub enum SearchResultItem {
    Article(Article),
    Page(PageObject),
    Product(Product),
}

/// The kinds of result `search` returns.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum SearchType {
    /// Blog articles.
    Article,
    /// Pages.
    Page,
    /// Products.
    Product,
}

/// The kinds of suggestion `predictiveSearch` returns.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum PredictiveSearchType {
    /// Blog articles.
    Article,
    /// Collections.
    Collection,
    /// Pages.
    Page,
    /// Products.
    Product,
    /// Completed queries.
    Query,
}

/// How search results are sorted.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum SearchSortKeys {
    /// By lowest variant price.
    Price,
    /// By relevance.
    Relevance,
}

/// What happens to products nobody can buy.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum SearchUnavailableProductsType {
    /// Left out.
    Hide,
    /// Listed after every available product.
    Last,
    /// Listed with the others.
    Show,
}

impl From<SearchUnavailableProductsType> for UnavailableProducts {
    fn from(kind: SearchUnavailableProductsType) -> UnavailableProducts {
        match kind {
            SearchUnavailableProductsType::Hide => UnavailableProducts::Hide,
            SearchUnavailableProductsType::Last => UnavailableProducts::Last,
            SearchUnavailableProductsType::Show => UnavailableProducts::Show,
        }
    }
}

/// Whether the last word completes as a prefix.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum SearchPrefixQueryType {
    /// The last word matches as a prefix.
    Last,
    /// Words match whole.
    None,
}

/// Whether `limit` counts each kind of suggestion or all of them together.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum PredictiveSearchLimitScope {
    /// At most `limit` suggestions in all.
    All,
    /// At most `limit` of each kind.
    Each,
}

/// The fields predictive search looks in (all of them here, whichever are named).
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum SearchableField {
    /// An article's author.
    Author,
    /// A page's or article's body.
    Body,
    /// A product's type.
    ProductType,
    /// A product's tags.
    Tag,
    /// The title.
    Title,
    /// Variant barcodes.
    VariantsBarcode,
    /// Variant SKUs.
    VariantsSku,
    /// Variant titles.
    VariantsTitle,
    /// A product's vendor.
    Vendor,
}

/// A completed query predictive search suggests.
#[derive(SimpleObject)]
pub struct SearchQuerySuggestion {
    /// The query.
    pub text: String,
    /// The query with the part matching what was typed in `<mark>`.
    pub styled_text: String,
    /// Analytics parameters (none here).
    pub tracking_parameters: Option<String>,
}

/// What `predictiveSearch` suggests.
#[derive(SimpleObject)]
pub struct PredictiveSearchResult {
    /// Matching articles.
    pub articles: Vec<Article>,
    /// Matching collections.
    pub collections: Vec<Collection>,
    /// Matching pages.
    pub pages: Vec<PageObject>,
    /// Matching products.
    pub products: Vec<Product>,
    /// Completed queries.
    pub queries: Vec<SearchQuerySuggestion>,
}

/// The extra fields of a search's connection.
pub struct SearchResultExtras {
    total: u64,
    facets: Vec<facets::Facet>,
}

#[Object]
impl SearchResultExtras {
    /// How many results there are in all.
    async fn total_count(&self) -> i32 {
        i32::try_from(self.total).unwrap_or(i32::MAX)
    }
    /// The facets of the products found, with counts.
    async fn product_filters(&self) -> Vec<Filter> {
        render_facets(self.facets.clone())
    }
}

pub type SearchResultItemConnection = Connection<String, SearchResultItem, SearchResultExtras>;

/// One result before it becomes a GraphQL object.
#[derive(Clone)]
enum Found {
    Product(Uuid),
    Page(Uuid),
    Article(Uuid),
}

#[derive(Default)]
pub struct SearchQueryRoot;

#[Object]
impl SearchQueryRoot {
    /// Products, pages and articles matching a query.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn search(
        &self,
        ctx: &Context<'_>,
        query: String,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        #[graphql(default_with = "Some(false)")] reverse: Option<bool>,
        #[graphql(default_with = "Some(SearchSortKeys::Relevance)")] sort_key: Option<
            SearchSortKeys,
        >,
        types: Option<Vec<SearchType>>,
        product_filters: Option<Vec<ProductFilter>>,
        unavailable_products: Option<SearchUnavailableProductsType>,
        prefix: Option<SearchPrefixQueryType>,
    ) -> async_graphql::Result<SearchResultItemConnection> {
        let store = context::store(ctx);
        edge::tag(ctx, tags::products(store.id));
        edge::tag(ctx, tags::search(store.id));
        let types = types
            .unwrap_or_else(|| vec![SearchType::Product, SearchType::Page, SearchType::Article]);
        let wants_facets = ctx.look_ahead().field("productFilters").exists();
        let products = SearchQuery {
            prefix: prefix == Some(SearchPrefixQueryType::Last),
            filters: domain_filters(product_filters.unwrap_or_default(), context::currency(ctx)),
            facets: wants_facets,
            sort: match sort_key {
                Some(SearchSortKeys::Price) => SortKey::Price,
                _ => SortKey::Relevance,
            },
            reverse: reverse.unwrap_or(false),
            unavailable: unavailable_products
                .unwrap_or(SearchUnavailableProductsType::Last)
                .into(),
            ..SearchQuery::new(store.id, query.clone())
        };
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        let content =
            match types.contains(&SearchType::Page) || types.contains(&SearchType::Article) {
                true => content_found(ctx, &types, &products.text).await,
                false => Vec::new(),
            };
        let wants_products = types.contains(&SearchType::Product);
        // The products' total and facets, known once their first page is read.
        let counted: Mutex<(u64, Vec<facets::Facet>)> = Mutex::new((0, Vec::new()));
        let (content_ref, counted_ref, products_ref) = (&content, &counted, &products);
        let page = fetch_page(
            &args,
            |offset, limit| async move {
                let mut items = Vec::new();
                let mut product_total = 0;
                if wants_products {
                    let (ids, total, facets) =
                        product_page(ctx, products_ref, offset, limit).await?;
                    product_total = total;
                    *counted_ref.lock().expect("never poisoned") = (total, facets);
                    items.extend(ids.into_iter().map(Found::Product));
                }
                let start = offset.saturating_sub(product_total) as usize;
                let room = (limit as usize).saturating_sub(items.len());
                items.extend(content_ref.iter().skip(start).take(room).cloned());
                Ok(items)
            },
            || async move {
                let products = match wants_products {
                    true => product_page(ctx, products_ref, 0, 0).await?.1,
                    false => 0,
                };
                Ok(products + content_ref.len() as u64)
            },
        )
        .await
        .gql()?;
        let (product_total, facets) = counted.into_inner().expect("never poisoned");
        let items = objects(ctx, page.items).await?;
        let mut connection = Connection::with_additional_fields(
            page.has_previous,
            page.has_next,
            SearchResultExtras {
                total: product_total + content.len() as u64,
                facets,
            },
        );
        connection.edges = items
            .into_iter()
            .map(|(cursor, item)| Edge::new(cursor, item))
            .collect();
        Ok(connection)
    }

    /// Suggestions as a shopper types: products, collections, pages, articles and completed
    /// queries.
    #[allow(clippy::too_many_arguments)]
    async fn predictive_search(
        &self,
        ctx: &Context<'_>,
        query: String,
        limit: Option<i32>,
        limit_scope: Option<PredictiveSearchLimitScope>,
        searchable_fields: Option<Vec<SearchableField>>,
        types: Option<Vec<PredictiveSearchType>>,
        unavailable_products: Option<SearchUnavailableProductsType>,
    ) -> async_graphql::Result<Option<PredictiveSearchResult>> {
        let _ = searchable_fields;
        let (db, store) = (context::db(ctx), context::store(ctx));
        edge::tag(ctx, tags::products(store.id));
        edge::tag(ctx, tags::search(store.id));
        let limit = limit.unwrap_or(10).clamp(1, 10) as usize;
        let types = types.unwrap_or_else(|| {
            vec![
                PredictiveSearchType::Product,
                PredictiveSearchType::Query,
                PredictiveSearchType::Collection,
                PredictiveSearchType::Page,
                PredictiveSearchType::Article,
            ]
        });
        let content: Vec<ContentKind> = types
            .iter()
            .filter_map(|kind| match kind {
                PredictiveSearchType::Collection => Some(ContentKind::Collection),
                PredictiveSearchType::Page => Some(ContentKind::Page),
                PredictiveSearchType::Article => Some(ContentKind::Article),
                _ => None,
            })
            .collect();
        let suggest = SuggestQuery {
            store_id: store.id,
            text: query.clone(),
            limit,
            products: types.contains(&PredictiveSearchType::Product),
            content,
            queries: types.contains(&PredictiveSearchType::Query),
            unavailable: unavailable_products
                .unwrap_or(SearchUnavailableProductsType::Last)
                .into(),
        };
        let suggestions = match context::search(ctx) {
            Some(search) => search.suggest(&suggest).await,
            None => None,
        };
        let mut suggestions = match suggestions {
            Some(suggestions) => suggestions,
            None => search::Suggestions {
                products: database_products(ctx, &query, true, limit).await?,
                ..search::Suggestions::default()
            },
        };
        if limit_scope == Some(PredictiveSearchLimitScope::All) {
            let mut left = limit;
            let mut take = |len: usize| {
                let kept = len.min(left);
                left -= kept;
                kept
            };
            suggestions
                .products
                .truncate(take(suggestions.products.len()));
            suggestions
                .queries
                .truncate(take(suggestions.queries.len()));
            let content = take(suggestions.content.len());
            suggestions.content.truncate(content);
        }
        let of_kind = |kind: ContentKind| -> Vec<Uuid> {
            suggestions
                .content
                .iter()
                .filter(|(found, _)| *found == kind)
                .map(|(_, hit)| hit.id)
                .collect()
        };
        let product_ids: Vec<Uuid> = suggestions.products.iter().map(|hit| hit.id).collect();
        let products = product_read::find_in_order(db, store, Visibility::Storefront, &product_ids)
            .await
            .gql()?;
        prefetch::products(ctx, &products, Parts::of_product(&ctx.look_ahead())).await?;
        let collections = in_order(
            collections::collections_by_ids(db, store, &of_kind(ContentKind::Collection))
                .await
                .gql()?,
            &of_kind(ContentKind::Collection),
            |collection| collection.id,
        );
        let pages = in_order(
            content::pages_by_ids(db, store, &of_kind(ContentKind::Page))
                .await
                .gql()?,
            &of_kind(ContentKind::Page),
            |page| page.id,
        );
        let articles = in_order(
            blogs::articles_by_ids(db, store, &of_kind(ContentKind::Article))
                .await
                .gql()?,
            &of_kind(ContentKind::Article),
            |article| article.id,
        );
        Ok(Some(PredictiveSearchResult {
            articles: articles.into_iter().map(Article).collect(),
            collections: collections
                .into_iter()
                .map(|collection| Collection::new(ctx, collection))
                .collect(),
            pages: pages.into_iter().map(PageObject).collect(),
            products: products
                .into_iter()
                .map(|product| Product::new(ctx, product))
                .collect(),
            queries: suggestions
                .queries
                .into_iter()
                .map(|query| SearchQuerySuggestion {
                    text: query.text,
                    styled_text: query.styled,
                    tracking_parameters: None,
                })
                .collect(),
        }))
    }
}

/// A page of the products a search finds: their ids, how many there are in all, and their
/// facets; from the database when the backend cannot answer.
async fn product_page(
    ctx: &Context<'_>,
    query: &SearchQuery,
    offset: u64,
    limit: u64,
) -> crate::error::Result<(Vec<Uuid>, u64, Vec<facets::Facet>)> {
    let mut query = query.clone();
    query.page = Page {
        offset: offset as usize,
        limit: limit as usize,
    };
    let answered = match context::search(ctx) {
        Some(search) => search.search(&query).await,
        None => None,
    };
    if let Some(answer) = answered {
        let facets = facets::from_counts(&answer.facets, answer.max_price, context::currency(ctx));
        let ids = answer.hits.into_iter().map(|hit| hit.id).collect();
        return Ok((ids, answer.total, facets));
    }
    let (db, store) = (context::db(ctx), context::store(ctx));
    let listing = database_listing(&query.text, query.prefix);
    let window = Window {
        limit,
        offset,
        ..Window::default()
    };
    let listed = list_products(db, store, &listing, &window).await?;
    let total = count_products(db, store, &listing).await?;
    let ids = listed.into_iter().map(|listed| listed.product.id).collect();
    Ok((ids, total, Vec::new()))
}

/// The pages and articles a search finds (none when the backend cannot answer).
async fn content_found(ctx: &Context<'_>, types: &[SearchType], text: &str) -> Vec<Found> {
    let Some(search) = context::search(ctx) else {
        return Vec::new();
    };
    let store = context::store(ctx);
    let mut found = Vec::new();
    for (kind, wanted) in [
        (ContentKind::Page, SearchType::Page),
        (ContentKind::Article, SearchType::Article),
    ] {
        if !types.contains(&wanted) {
            continue;
        }
        let hits = search
            .search_content(store.id, kind, text, MOST_CONTENT)
            .await
            .unwrap_or_default();
        found.extend(hits.into_iter().map(|hit| match kind {
            ContentKind::Article => Found::Article(hit.id),
            _ => Found::Page(hit.id),
        }));
    }
    found
}

/// A storefront listing of the products whose text matches `text`, for the database.
fn database_listing(text: &str, prefix: bool) -> ProductListing {
    let mut terms = search_query::parse(text);
    if prefix && let Some(last) = terms.last_mut() {
        last.prefix = true;
    }
    ProductListing {
        visibility: Visibility::Storefront,
        collection: None,
        terms,
        filters: vec![],
        sort: ProductSort::Relevance,
        reverse: false,
    }
}

/// Products whose text matches `text` in the database (the fallback), at most `limit`.
async fn database_products(
    ctx: &Context<'_>,
    text: &str,
    prefix: bool,
    limit: usize,
) -> async_graphql::Result<Vec<Hit>> {
    let (db, store) = (context::db(ctx), context::store(ctx));
    let window = Window {
        limit: limit as u64,
        ..Window::default()
    };
    let listing = database_listing(text, prefix);
    let listed = list_products(db, store, &listing, &window).await.gql()?;
    Ok(listed
        .into_iter()
        .map(|listed| Hit {
            id: listed.product.id,
            title: listed.product.title,
        })
        .collect())
}

/// The page's results as GraphQL objects, loaded a kind at a time; results the catalog no
/// longer shows are left out.
async fn objects(
    ctx: &Context<'_>,
    page: Vec<(String, Found)>,
) -> async_graphql::Result<Vec<(String, SearchResultItem)>> {
    let (db, store) = (context::db(ctx), context::store(ctx));
    let ids = |pick: fn(&Found) -> Option<Uuid>| -> Vec<Uuid> {
        page.iter().filter_map(|(_, found)| pick(found)).collect()
    };
    let product_ids = ids(|found| match found {
        Found::Product(id) => Some(*id),
        _ => None,
    });
    let products = product_read::find_in_order(db, store, Visibility::Storefront, &product_ids)
        .await
        .gql()?;
    prefetch::products(ctx, &products, Parts::of_connection(&ctx.look_ahead())).await?;
    let mut products: HashMap<Uuid, _> = products.into_iter().map(|p| (p.id, p)).collect();
    let page_ids = ids(|found| match found {
        Found::Page(id) => Some(*id),
        _ => None,
    });
    let mut pages: HashMap<Uuid, _> = content::pages_by_ids(db, store, &page_ids)
        .await
        .gql()?
        .into_iter()
        .map(|page| (page.id, page))
        .collect();
    let article_ids = ids(|found| match found {
        Found::Article(id) => Some(*id),
        _ => None,
    });
    let mut articles: HashMap<Uuid, _> = blogs::articles_by_ids(db, store, &article_ids)
        .await
        .gql()?
        .into_iter()
        .map(|article| (article.id, article))
        .collect();
    Ok(page
        .into_iter()
        .filter_map(|(cursor, found)| {
            let item = match found {
                Found::Product(id) => {
                    SearchResultItem::Product(Product::new(ctx, products.remove(&id)?))
                }
                Found::Page(id) => SearchResultItem::Page(PageObject(pages.remove(&id)?)),
                Found::Article(id) => SearchResultItem::Article(Article(articles.remove(&id)?)),
            };
            Some((cursor, item))
        })
        .collect())
}

/// `rows` in the order of `ids`.
fn in_order<T>(rows: Vec<T>, ids: &[Uuid], id_of: impl Fn(&T) -> Uuid) -> Vec<T> {
    let mut by_id: HashMap<Uuid, T> = rows.into_iter().map(|row| (id_of(&row), row)).collect();
    ids.iter().filter_map(|id| by_id.remove(id)).collect()
}
