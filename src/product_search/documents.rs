//! The catalog as search documents: products the storefront shows (active ones) with their
//! variants' options, prices and stock, tags and collections; collections and pages as content.
//! Loaded in batches, a fixed number of statements per batch whatever its size.

use std::collections::HashMap;

use entities::prelude::*;
use entities::{
    article, collection, collection_product, inventory_level, page, product, product_option,
    product_tag, product_variant,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use search::{ContentDocument, ContentKind, ProductDocument, VariantDocument};
use uuid::Uuid;

use crate::catalog::ProductStatus;
use crate::catalog::html::html_to_text;
use crate::error::Result;
use crate::stores::{self, search_synonyms::Synonyms};

/// Products read per batch.
pub const BATCH: usize = 500;

/// The documents of the products among `ids` the storefront shows, and the ids that it does not
/// (deleted, draft or archived): those leave the index.
pub async fn products(
    db: &impl ConnectionTrait,
    store_id: Uuid,
    ids: &[Uuid],
) -> Result<(Vec<ProductDocument>, Vec<Uuid>)> {
    let mut documents = Vec::with_capacity(ids.len());
    let synonyms = match stores::find_store(db, store_id).await? {
        Some(store) => Synonyms::of(&store),
        None => Synonyms::default(),
    };
    for chunk in ids.chunks(BATCH) {
        let rows = Product::find()
            .filter(product::Column::StoreId.eq(store_id))
            .filter(product::Column::Id.is_in(chunk.iter().copied()))
            .filter(product::Column::Status.eq(ProductStatus::Active.as_str()))
            .all(db)
            .await?;
        documents.extend(of_rows(db, store_id, rows, &synonyms).await?);
    }
    let shown: std::collections::HashSet<Uuid> = documents.iter().map(|d| d.id).collect();
    let gone = ids
        .iter()
        .copied()
        .filter(|id| !shown.contains(id))
        .collect();
    Ok((documents, gone))
}

/// The ids of every product of the store the storefront shows, for a full reindex.
pub async fn shown_product_ids(db: &impl ConnectionTrait, store_id: Uuid) -> Result<Vec<Uuid>> {
    Ok(Product::find()
        .select_only()
        .column(product::Column::Id)
        .filter(product::Column::StoreId.eq(store_id))
        .filter(product::Column::Status.eq(ProductStatus::Active.as_str()))
        .order_by_asc(product::Column::Id)
        .into_tuple()
        .all(db)
        .await?)
}

/// The ids of the products in `collection_id`.
pub async fn collection_members(
    db: &impl ConnectionTrait,
    store_id: Uuid,
    collection_id: Uuid,
) -> Result<Vec<Uuid>> {
    Ok(CollectionProduct::find()
        .select_only()
        .column(collection_product::Column::ProductId)
        .filter(collection_product::Column::StoreId.eq(store_id))
        .filter(collection_product::Column::CollectionId.eq(collection_id))
        .into_tuple()
        .all(db)
        .await?)
}

async fn of_rows(
    db: &impl ConnectionTrait,
    store_id: Uuid,
    rows: Vec<product::Model>,
    synonyms: &Synonyms,
) -> Result<Vec<ProductDocument>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = rows.iter().map(|row| row.id).collect();
    let variants = ProductVariant::find()
        .filter(product_variant::Column::StoreId.eq(store_id))
        .filter(product_variant::Column::ProductId.is_in(ids.clone()))
        .order_by_asc(product_variant::Column::Position)
        .all(db)
        .await?;
    let options = ProductOption::find()
        .filter(product_option::Column::StoreId.eq(store_id))
        .filter(product_option::Column::ProductId.is_in(ids.clone()))
        .order_by_asc(product_option::Column::Position)
        .all(db)
        .await?;
    let stock: HashMap<Uuid, i64> = InventoryLevel::find()
        .filter(inventory_level::Column::StoreId.eq(store_id))
        .filter(inventory_level::Column::VariantId.is_in(variants.iter().map(|v| v.id)))
        .all(db)
        .await?
        .into_iter()
        .map(|level| (level.variant_id, level.on_hand - level.reserved))
        .collect();
    let tags = ProductTag::find()
        .filter(product_tag::Column::StoreId.eq(store_id))
        .filter(product_tag::Column::ProductId.is_in(ids.clone()))
        .order_by_asc(product_tag::Column::Position)
        .all(db)
        .await?;
    let memberships = CollectionProduct::find()
        .filter(collection_product::Column::StoreId.eq(store_id))
        .filter(collection_product::Column::ProductId.is_in(ids))
        .all(db)
        .await?;
    let mut by_product: HashMap<Uuid, Parts> = HashMap::new();
    for variant in variants {
        by_product
            .entry(variant.product_id)
            .or_default()
            .variants
            .push(variant);
    }
    for option in options {
        by_product
            .entry(option.product_id)
            .or_default()
            .options
            .push(option.name);
    }
    for tag in tags {
        by_product
            .entry(tag.product_id)
            .or_default()
            .tags
            .push(tag.tag);
    }
    for membership in memberships {
        let parts = by_product.entry(membership.product_id).or_default();
        parts.collections.push(membership.collection_id);
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let parts = by_product.remove(&row.id).unwrap_or_default();
            document(row, parts, &stock, synonyms)
        })
        .collect())
}

/// What a product's document is made of besides its row.
#[derive(Default)]
struct Parts {
    variants: Vec<product_variant::Model>,
    /// Option names in position order.
    options: Vec<String>,
    tags: Vec<String>,
    collections: Vec<Uuid>,
}

fn document(
    row: product::Model,
    parts: Parts,
    stock: &HashMap<Uuid, i64>,
    synonyms: &Synonyms,
) -> ProductDocument {
    let variants = parts
        .variants
        .iter()
        .map(|variant| {
            let values = [&variant.option1, &variant.option2, &variant.option3];
            VariantDocument {
                id: variant.id,
                sku: variant.sku.clone(),
                options: parts
                    .options
                    .iter()
                    .zip(values)
                    .filter(|(_, value)| !value.is_empty())
                    .map(|(name, value)| (name.clone(), value.clone()))
                    .collect(),
                price: variant.price_minor,
                available: stock.get(&variant.id).copied().unwrap_or(0) > 0,
            }
        })
        .collect();
    let mut collections = parts.collections;
    collections.sort();
    let words = [&row.title, &row.product_type, &row.vendor]
        .into_iter()
        .chain(&parts.tags)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(" ");
    ProductDocument {
        synonyms: synonyms.expand(&words),
        id: row.id,
        store_id: row.store_id,
        handle: row.handle,
        title: row.title,
        description: html_to_text(&row.description_html),
        vendor: row.vendor,
        product_type: row.product_type,
        tags: parts.tags,
        collections,
        variants,
        units_sold: row.units_sold,
        pin: row.search_pin.and_then(|pin| u32::try_from(pin).ok()),
        created_at: row.created_at.timestamp(),
    }
}

/// The store's collections, pages and articles as content documents.
pub async fn content(db: &impl ConnectionTrait, store_id: Uuid) -> Result<Vec<ContentDocument>> {
    let collections = Collection::find()
        .filter(collection::Column::StoreId.eq(store_id))
        .all(db)
        .await?
        .into_iter()
        .map(|row| ContentRow {
            kind: ContentKind::Collection,
            id: row.id,
            handle: row.handle,
            title: row.title,
            html: row.description_html,
        });
    let pages = Page::find()
        .filter(page::Column::StoreId.eq(store_id))
        .all(db)
        .await?
        .into_iter()
        .map(|row| ContentRow {
            kind: ContentKind::Page,
            id: row.id,
            handle: row.handle,
            title: row.title,
            html: row.body_html,
        });
    let articles = Article::find()
        .filter(article::Column::StoreId.eq(store_id))
        .all(db)
        .await?
        .into_iter()
        .map(|row| ContentRow {
            kind: ContentKind::Article,
            id: row.id,
            handle: row.handle,
            title: row.title,
            html: row.body_html,
        });
    Ok(collections
        .chain(pages)
        .chain(articles)
        .map(|row| row.document(store_id))
        .collect())
}

/// A collection, page or article as read, before it becomes a document.
struct ContentRow {
    kind: ContentKind,
    id: Uuid,
    handle: String,
    title: String,
    html: String,
}

impl ContentRow {
    fn document(self, store_id: Uuid) -> ContentDocument {
        ContentDocument {
            id: self.id,
            store_id,
            kind: self.kind,
            handle: self.handle,
            title: self.title,
            body: html_to_text(&self.html),
        }
    }
}
