//! Per-request DataLoaders, each with the request's store baked in, and a cache that lives as long
//! as the request.
//!
//! Batching is explicit, not timed: a loader sends its query as soon as it is asked (no window in
//! which other calls may or may not join), and answers from the cache what it already holds. List
//! resolvers ask once for all of their items (`catalog::prefetch`), so a page of products costs
//! one query per kind of part (variants, options, images, tags, stock) whatever its size and
//! however the executor interleaves the items; a field that reads a part afterwards finds it in
//! the cache. Every requested key gets an answer (an empty list, or `None` for a by-id miss), so
//! absent parts and invisible objects are cached too.

use std::collections::HashMap;

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use entities::{
    blog, collection, inventory_level, product, product_image, product_option,
    product_option_value, product_variant,
};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use crate::catalog::{Visibility, blogs, collections, product_read};
use crate::graphql::errors::GqlResult;
use crate::graphql::orders::loaders::{
    EventsByPaymentLoader, HistoryByOrderLoader, LinesByOrderLoader, PaymentsByOrderLoader,
};
use crate::inventory::levels;
use crate::stores::Store;

/// Everything a loader needs: the connection, the store and what the caller may see.
#[derive(Clone)]
pub struct Scope {
    pub db: DatabaseConnection,
    pub store: Store,
    pub visibility: Visibility,
}

pub type OptionWithValues = (product_option::Model, Vec<product_option_value::Model>);

type Cached<T> = DataLoader<T, HashMapCache>;

/// The loaders of one request.
pub struct Loaders {
    pub product_by_id: Cached<ProductByIdLoader>,
    pub variants_by_product: Cached<VariantsByProductLoader>,
    pub variant_by_id: Cached<VariantByIdLoader>,
    pub options_by_product: Cached<OptionsByProductLoader>,
    pub images_by_product: Cached<ImagesByProductLoader>,
    pub tags_by_product: Cached<TagsByProductLoader>,
    pub stock_by_variant: Cached<StockByVariantLoader>,
    pub collection_by_id: Cached<CollectionByIdLoader>,
    pub blog_by_id: Cached<BlogByIdLoader>,
    pub lines_by_order: Cached<LinesByOrderLoader>,
    pub history_by_order: Cached<HistoryByOrderLoader>,
    pub payments_by_order: Cached<PaymentsByOrderLoader>,
    pub events_by_payment: Cached<EventsByPaymentLoader>,
    scope: Scope,
}

/// A loader that sends each call's keys at once (a batch size of one call) and caches answers.
fn immediate<T: Send + Sync + 'static>(loader: T) -> Cached<T> {
    DataLoader::with_cache(
        loader,
        |future| {
            tokio::spawn(future);
        },
        HashMapCache::default(),
    )
    .max_batch_size(1)
}

impl Loaders {
    pub fn new(scope: Scope) -> Self {
        Loaders {
            product_by_id: immediate(ProductByIdLoader(scope.clone())),
            variants_by_product: immediate(VariantsByProductLoader(scope.clone())),
            variant_by_id: immediate(VariantByIdLoader(scope.clone())),
            options_by_product: immediate(OptionsByProductLoader(scope.clone())),
            images_by_product: immediate(ImagesByProductLoader(scope.clone())),
            tags_by_product: immediate(TagsByProductLoader(scope.clone())),
            stock_by_variant: immediate(StockByVariantLoader(scope.clone())),
            collection_by_id: immediate(CollectionByIdLoader(scope.clone())),
            blog_by_id: immediate(BlogByIdLoader(scope.clone())),
            lines_by_order: immediate(LinesByOrderLoader(scope.clone())),
            history_by_order: immediate(HistoryByOrderLoader(scope.clone())),
            payments_by_order: immediate(PaymentsByOrderLoader(scope.clone())),
            events_by_payment: immediate(EventsByPaymentLoader(scope.clone())),
            scope,
        }
    }

    /// Loads the variants of `product_ids` with their stock in one statement, into the caches of
    /// `variants_by_product` and `stock_by_variant` (a variant without a level is cached as
    /// having none).
    pub async fn load_variants_with_stock(
        &self,
        product_ids: &[Uuid],
    ) -> async_graphql::Result<()> {
        if product_ids.is_empty() {
            return Ok(());
        }
        let Scope { db, store, .. } = &self.scope;
        let rows = product_read::variants_with_levels_of_products(db, store, product_ids)
            .await
            .gql()?;
        let levels: Vec<(Uuid, Option<inventory_level::Model>)> = rows
            .iter()
            .map(|(variant, level)| (variant.id, level.clone()))
            .collect();
        let variants = rows.into_iter().map(|(variant, _)| variant).collect();
        let variants = grouped(product_ids, variants, |v| v.product_id);
        self.variants_by_product.feed_many(variants).await;
        self.stock_by_variant.feed_many(levels).await;
        Ok(())
    }

    /// Forgets everything loaded so far (after a write, so the payload reads what was written).
    pub fn clear(&self) {
        self.product_by_id.clear::<Uuid>();
        self.variants_by_product.clear::<Uuid>();
        self.variant_by_id.clear::<Uuid>();
        self.options_by_product.clear::<Uuid>();
        self.images_by_product.clear::<Uuid>();
        self.tags_by_product.clear::<Uuid>();
        self.stock_by_variant.clear::<Uuid>();
        self.collection_by_id.clear::<Uuid>();
        self.blog_by_id.clear::<Uuid>();
        self.lines_by_order.clear::<Uuid>();
        self.history_by_order.clear::<Uuid>();
        self.payments_by_order.clear::<Uuid>();
        self.events_by_payment.clear::<Uuid>();
    }
}

/// Items by key, with `None` for every requested key that has none (so misses are cached too).
fn by_key<V>(keys: &[Uuid], items: Vec<V>, key: impl Fn(&V) -> Uuid) -> HashMap<Uuid, Option<V>> {
    let mut found: HashMap<Uuid, Option<V>> = keys.iter().map(|k| (*k, None)).collect();
    for item in items {
        found.insert(key(&item), Some(item));
    }
    found
}

/// The values a by-id loader found, without the misses.
pub fn present<V>(found: HashMap<Uuid, Option<V>>) -> HashMap<Uuid, V> {
    found
        .into_iter()
        .filter_map(|(id, value)| value.map(|value| (id, value)))
        .collect()
}

/// Groups items by key, with an empty group for every requested key that has none.
pub fn grouped<V>(keys: &[Uuid], items: Vec<V>, key: impl Fn(&V) -> Uuid) -> HashMap<Uuid, Vec<V>> {
    let mut groups: HashMap<Uuid, Vec<V>> = keys.iter().map(|k| (*k, Vec::new())).collect();
    for item in items {
        groups.entry(key(&item)).or_default().push(item);
    }
    groups
}

pub struct ProductByIdLoader(Scope);

impl Loader<Uuid> for ProductByIdLoader {
    type Value = Option<product::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let Scope {
            db,
            store,
            visibility,
        } = &self.0;
        let products = product_read::products_by_ids(db, store, *visibility, ids)
            .await
            .gql()?;
        Ok(by_key(ids, products, |p| p.id))
    }
}

pub struct VariantsByProductLoader(Scope);

impl Loader<Uuid> for VariantsByProductLoader {
    type Value = Vec<product_variant::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let variants = product_read::variants_of_products(&self.0.db, &self.0.store, ids)
            .await
            .gql()?;
        Ok(grouped(ids, variants, |v| v.product_id))
    }
}

pub struct VariantByIdLoader(Scope);

impl Loader<Uuid> for VariantByIdLoader {
    type Value = Option<product_variant::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let variants = product_read::variants_by_ids(&self.0.db, &self.0.store, ids)
            .await
            .gql()?;
        Ok(by_key(ids, variants, |v| v.id))
    }
}

pub struct OptionsByProductLoader(Scope);

impl Loader<Uuid> for OptionsByProductLoader {
    type Value = Vec<OptionWithValues>;
    type Error = async_graphql::Error;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let options = product_read::options_of_products(&self.0.db, &self.0.store, ids)
            .await
            .gql()?;
        Ok(grouped(ids, options, |(option, _)| option.product_id))
    }
}

pub struct ImagesByProductLoader(Scope);

impl Loader<Uuid> for ImagesByProductLoader {
    type Value = Vec<product_image::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let images = product_read::images_of_products(&self.0.db, &self.0.store, ids)
            .await
            .gql()?;
        Ok(grouped(ids, images, |i| i.product_id))
    }
}

pub struct TagsByProductLoader(Scope);

impl Loader<Uuid> for TagsByProductLoader {
    type Value = Vec<String>;
    type Error = async_graphql::Error;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let tags = product_read::tags_of_products(&self.0.db, &self.0.store, ids)
            .await
            .gql()?;
        let tags = grouped(ids, tags, |tag| tag.product_id);
        Ok(tags
            .into_iter()
            .map(|(id, tags)| (id, tags.into_iter().map(|t| t.tag).collect()))
            .collect())
    }
}

pub struct StockByVariantLoader(Scope);

impl Loader<Uuid> for StockByVariantLoader {
    type Value = Option<inventory_level::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let found = levels::levels_of(&self.0.db, &self.0.store, ids)
            .await
            .gql()?;
        Ok(by_key(ids, found, |l| l.variant_id))
    }
}

pub struct BlogByIdLoader(Scope);

impl Loader<Uuid> for BlogByIdLoader {
    type Value = Option<blog::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let found = blogs::blogs_by_ids(&self.0.db, &self.0.store, ids)
            .await
            .gql()?;
        Ok(by_key(ids, found, |b| b.id))
    }
}

pub struct CollectionByIdLoader(Scope);

impl Loader<Uuid> for CollectionByIdLoader {
    type Value = Option<collection::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let found = collections::collections_by_ids(&self.0.db, &self.0.store, ids)
            .await
            .gql()?;
        Ok(by_key(ids, found, |c| c.id))
    }
}
