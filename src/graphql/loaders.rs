//! Per-request DataLoaders, each with the request's store baked in, so that a page of products
//! costs one query per kind of part (variants, options, images, tags, stock), not one per product.

use std::collections::HashMap;
use std::hash::Hash;

use async_graphql::dataloader::{DataLoader, Loader};
use entities::{
    collection, inventory_level, product, product_image, product_option, product_option_value,
    product_variant,
};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use crate::catalog::{Visibility, collections, product_read};
use crate::graphql::errors::GqlResult;
use crate::inventory;
use crate::stores::Store;

/// Everything a loader needs: the connection, the store and what the caller may see.
#[derive(Clone)]
pub struct Scope {
    pub db: DatabaseConnection,
    pub store: Store,
    pub visibility: Visibility,
}

pub type OptionWithValues = (product_option::Model, Vec<product_option_value::Model>);

/// The loaders of one request.
pub struct Loaders {
    pub product_by_id: DataLoader<ProductByIdLoader>,
    pub variants_by_product: DataLoader<VariantsByProductLoader>,
    pub variant_by_id: DataLoader<VariantByIdLoader>,
    pub options_by_product: DataLoader<OptionsByProductLoader>,
    pub images_by_product: DataLoader<ImagesByProductLoader>,
    pub tags_by_product: DataLoader<TagsByProductLoader>,
    pub stock_by_variant: DataLoader<StockByVariantLoader>,
    pub collection_by_id: DataLoader<CollectionByIdLoader>,
}

impl Loaders {
    pub fn new(scope: Scope) -> Self {
        let spawn = |future| {
            tokio::spawn(future);
        };
        Loaders {
            product_by_id: DataLoader::new(ProductByIdLoader(scope.clone()), spawn),
            variants_by_product: DataLoader::new(VariantsByProductLoader(scope.clone()), spawn),
            variant_by_id: DataLoader::new(VariantByIdLoader(scope.clone()), spawn),
            options_by_product: DataLoader::new(OptionsByProductLoader(scope.clone()), spawn),
            images_by_product: DataLoader::new(ImagesByProductLoader(scope.clone()), spawn),
            tags_by_product: DataLoader::new(TagsByProductLoader(scope.clone()), spawn),
            stock_by_variant: DataLoader::new(StockByVariantLoader(scope.clone()), spawn),
            collection_by_id: DataLoader::new(CollectionByIdLoader(scope), spawn),
        }
    }
}

fn by_key<K: Eq + Hash, V>(items: Vec<V>, key: impl Fn(&V) -> K) -> HashMap<K, V> {
    items.into_iter().map(|item| (key(&item), item)).collect()
}

fn grouped<K: Eq + Hash, V>(items: Vec<V>, key: impl Fn(&V) -> K) -> HashMap<K, Vec<V>> {
    let mut groups: HashMap<K, Vec<V>> = HashMap::new();
    for item in items {
        groups.entry(key(&item)).or_default().push(item);
    }
    groups
}

pub struct ProductByIdLoader(Scope);

impl Loader<Uuid> for ProductByIdLoader {
    type Value = product::Model;
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
        Ok(by_key(products, |p| p.id))
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
        Ok(grouped(variants, |v| v.product_id))
    }
}

pub struct VariantByIdLoader(Scope);

impl Loader<Uuid> for VariantByIdLoader {
    type Value = product_variant::Model;
    type Error = async_graphql::Error;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let variants = product_read::variants_by_ids(&self.0.db, &self.0.store, ids)
            .await
            .gql()?;
        Ok(by_key(variants, |v| v.id))
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
        Ok(grouped(options, |(option, _)| option.product_id))
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
        Ok(grouped(images, |i| i.product_id))
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
        let mut by_product: HashMap<Uuid, Vec<String>> = HashMap::new();
        for tag in tags {
            by_product.entry(tag.product_id).or_default().push(tag.tag);
        }
        Ok(by_product)
    }
}

pub struct StockByVariantLoader(Scope);

impl Loader<Uuid> for StockByVariantLoader {
    type Value = inventory_level::Model;
    type Error = async_graphql::Error;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let levels = inventory::levels_of(&self.0.db, &self.0.store, ids)
            .await
            .gql()?;
        Ok(by_key(levels, |l| l.variant_id))
    }
}

pub struct CollectionByIdLoader(Scope);

impl Loader<Uuid> for CollectionByIdLoader {
    type Value = collection::Model;
    type Error = async_graphql::Error;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let found = collections::collections_by_ids(&self.0.db, &self.0.store, ids)
            .await
            .gql()?;
        Ok(by_key(found, |c| c.id))
    }
}
