//! The outbox events of catalog writes, shaped like Shopify's webhooks: `products/create`,
//! `products/update` and `products/delete`, `collections/create`, `collections/update` and
//! `collections/delete`. Writers call these last, in their transaction, handing over what they
//! already hold; only what they do not hold is read (at most two statements), and each event is
//! one INSERT. Stock events are not written here but by the inventory ledger, which every level
//! change passes through. Nothing here changes the catalog.
//!
//! Each announcement also owes the caches their purge (`cache::invalidation`), in the same
//! transaction: the product, its variants and the product listings; the collection, the
//! collection and product listings.

use std::collections::HashMap;

use entities::{collection, inventory_level, prelude::*, product, product_tag, product_variant};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect,
    RelationDef,
};
use serde_json::{Value, json};
use uuid::Uuid;

use super::product_input::CheckedVariant;
use crate::cache::invalidation;
use crate::error::Result;
use crate::ids::{self, GidKind};
use crate::inventory::levels;
use crate::money::{CurrencyCode, Money};
use crate::outbox::{self, Topic};
use crate::stores::Store;

/// A product as a write left it, with the parts of it the writer already holds.
pub struct ProductSnapshot<'a> {
    pub product: &'a product::Model,
    /// The currency prices render in.
    pub currency: CurrencyCode,
    /// The tags in order, when the writer holds them; read otherwise.
    pub tags: Option<&'a [String]>,
    /// Every variant in position order, when the writer holds them; read together with their
    /// stock otherwise.
    pub variants: Option<&'a [product_variant::Model]>,
    /// Units available of held variants whose stock the writer knows (new variants); the stock
    /// of the other held variants is read.
    pub known_stock: &'a [(Uuid, i64)],
    /// Variants the write deleted: no longer in the product, still in cached responses.
    pub removed_variants: &'a [Uuid],
}

/// The units on hand, and so available, of variants just created from `checked`.
pub fn opening_stock(
    created: &[product_variant::Model],
    checked: &[CheckedVariant],
) -> Vec<(Uuid, i64)> {
    created
        .iter()
        .zip(checked)
        .map(|(variant, checked)| (variant.id, checked.inventory_quantity))
        .collect()
}

/// Writes `products/create` or `products/update` (`topic`) for a product as the caller's
/// transaction left it: one event per product and write, however many variants it touched.
pub async fn announce_product(
    db: &impl ConnectionTrait,
    store: &Store,
    topic: Topic,
    snapshot: ProductSnapshot<'_>,
) -> Result<()> {
    let ProductSnapshot {
        product, currency, ..
    } = snapshot;
    let tags = match snapshot.tags {
        Some(tags) => tags.to_vec(),
        None => tags_of(db, store, product.id).await?,
    };
    let variants: Vec<(&product_variant::Model, i64)>;
    let read;
    match snapshot.variants {
        Some(held) => {
            let stock = stock_of(db, store, held, snapshot.known_stock).await?;
            variants = held
                .iter()
                .map(|v| (v, stock.get(&v.id).copied().unwrap_or(0)))
                .collect();
        }
        None => {
            read = variants_with_stock(db, store, product.id).await?;
            variants = read.iter().map(|(v, available)| (v, *available)).collect();
        }
    }
    let mut purged: Vec<Uuid> = variants.iter().map(|(v, _)| v.id).collect();
    purged.extend_from_slice(snapshot.removed_variants);
    let purged = invalidation::product_tags(store.id, product.id, &purged);
    invalidation::record(db, store, purged).await?;
    let variants: Vec<Value> = variants
        .into_iter()
        .map(|(v, available)| variant_body(v, available, currency))
        .collect();
    let gid = ids::encode(GidKind::Product, product.id);
    let body = json!({
        "id": gid,
        "title": product.title,
        "handle": product.handle,
        "status": product.status,
        "vendor": product.vendor,
        "product_type": product.product_type,
        "tags": tags,
        "variants": variants,
        "created_at": product.created_at,
        "updated_at": product.updated_at,
    });
    outbox::record(db, store, topic, gid, body).await?;
    Ok(())
}

/// Writes `products/delete`: only the id, as Shopify sends it. `variant_ids` are the variants
/// that went with it.
pub async fn announce_product_deleted(
    db: &impl ConnectionTrait,
    store: &Store,
    product_id: Uuid,
    variant_ids: &[Uuid],
) -> Result<()> {
    let purged = invalidation::product_tags(store.id, product_id, variant_ids);
    invalidation::record(db, store, purged).await?;
    let gid = ids::encode(GidKind::Product, product_id);
    let body = json!({ "id": gid });
    outbox::record(db, store, Topic::ProductsDelete, gid, body).await?;
    Ok(())
}

/// Writes `collections/create` or `collections/update` (`topic`) for a collection as the caller's
/// transaction left it.
pub async fn announce_collection(
    db: &impl ConnectionTrait,
    store: &Store,
    topic: Topic,
    collection: &collection::Model,
) -> Result<()> {
    let purged = invalidation::collection_tags(store.id, collection.id);
    invalidation::record(db, store, purged).await?;
    let gid = ids::encode(GidKind::Collection, collection.id);
    let image = collection
        .image_url
        .as_ref()
        .map(|src| json!({ "src": src, "alt": collection.image_alt }));
    let body = json!({
        "id": gid,
        "handle": collection.handle,
        "title": collection.title,
        "body_html": collection.description_html,
        "image": image,
        "updated_at": collection.updated_at,
    });
    outbox::record(db, store, topic, gid, body).await?;
    Ok(())
}

/// Writes `collections/delete`: only the id.
pub async fn announce_collection_deleted(
    db: &impl ConnectionTrait,
    store: &Store,
    collection_id: Uuid,
) -> Result<()> {
    let purged = invalidation::collection_tags(store.id, collection_id);
    invalidation::record(db, store, purged).await?;
    let gid = ids::encode(GidKind::Collection, collection_id);
    let body = json!({ "id": gid });
    outbox::record(db, store, Topic::CollectionsDelete, gid, body).await?;
    Ok(())
}

/// A variant inside a product event; `inventory_quantity` is what can still be sold, as Shopify's
/// is.
fn variant_body(variant: &product_variant::Model, available: i64, currency: CurrencyCode) -> Value {
    let amount = |minor: i64| Money::new(minor, currency).amount();
    json!({
        "id": ids::encode(GidKind::ProductVariant, variant.id),
        "sku": variant.sku,
        "title": variant.title,
        "price": amount(variant.price_minor),
        "compare_at_price": variant.compare_at_minor.map(amount),
        "position": variant.position,
        "inventory_quantity": available,
    })
}

/// Units available per held variant: known ones as given, the rest in one read.
async fn stock_of(
    db: &impl ConnectionTrait,
    store: &Store,
    held: &[product_variant::Model],
    known: &[(Uuid, i64)],
) -> Result<HashMap<Uuid, i64>> {
    let mut stock: HashMap<Uuid, i64> = known.iter().copied().collect();
    let unknown: Vec<Uuid> = held
        .iter()
        .map(|variant| variant.id)
        .filter(|id| !stock.contains_key(id))
        .collect();
    if !unknown.is_empty() {
        for level in levels::levels_of(db, store, &unknown).await? {
            stock.insert(level.variant_id, level.on_hand - level.reserved);
        }
    }
    Ok(stock)
}

/// A product's tags in order.
async fn tags_of(
    db: &impl ConnectionTrait,
    store: &Store,
    product_id: Uuid,
) -> Result<Vec<String>> {
    Ok(ProductTag::find()
        .select_only()
        .column(product_tag::Column::Tag)
        .filter(product_tag::Column::StoreId.eq(store.id))
        .filter(product_tag::Column::ProductId.eq(product_id))
        .order_by_asc(product_tag::Column::Position)
        .into_tuple()
        .all(db)
        .await?)
}

/// A product's variants in position order, each with its units available: one statement.
async fn variants_with_stock(
    db: &impl ConnectionTrait,
    store: &Store,
    product_id: Uuid,
) -> Result<Vec<(product_variant::Model, i64)>> {
    let rows = ProductVariant::find()
        .join(JoinType::LeftJoin, level_of_variant())
        .select_also(InventoryLevel)
        .filter(product_variant::Column::StoreId.eq(store.id))
        .filter(product_variant::Column::ProductId.eq(product_id))
        .order_by_asc(product_variant::Column::Position)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(variant, level)| {
            let available = level.map_or(0, |l| l.on_hand - l.reserved);
            (variant, available)
        })
        .collect())
}

/// `product_variants.id = inventory_levels.variant_id` (the entities declare no relations).
fn level_of_variant() -> RelationDef {
    ProductVariant::belongs_to(InventoryLevel)
        .from(product_variant::Column::Id)
        .to(inventory_level::Column::VariantId)
        .into()
}
