//! Loading the parts of many products at once, before any of their fields asks. A resolver that
//! returns products (a page, recommendations, nodes, a mutation payload) calls `products` with
//! the parts its selection reads, found by looking ahead into the query; each part then costs
//! one query for the whole list, and the fields read it from the request's loader cache. This is
//! what keeps a page of 50 products at the same number of statements as a page of 5, every time.

use async_graphql::{Context, Lookahead, futures_util};
use entities::{product, product_variant};
use uuid::Uuid;

use crate::graphql::loaders::{Loaders, present};

/// The parts of a product a selection reads.
#[derive(Debug, Default, Clone, Copy)]
pub struct Parts {
    variants: bool,
    options: bool,
    images: bool,
    tags: bool,
    stock: bool,
}

/// Product fields that read the variants (and, with `stock`, their stock).
const VARIANT_FIELDS: [&str; 4] = [
    "variants",
    "compareAtPriceRange",
    "selectedOrFirstAvailableVariant",
    "variantBySelectedOptions",
];
const STOCK_FIELDS: [&str; 3] = [
    "availableForSale",
    "totalInventory",
    "selectedOrFirstAvailableVariant",
];
const VARIANT_STOCK_FIELDS: [&str; 4] = [
    "availableForSale",
    "currentlyNotInStock",
    "quantityAvailable",
    "inventoryLevel",
];

impl Parts {
    /// What a selection of `Product` fields reads, variants and their products included.
    pub fn of_product(product: &Lookahead<'_>) -> Parts {
        let has = |name: &str| product.field(name).exists();
        let mut parts = Parts {
            variants: VARIANT_FIELDS.iter().any(|f| has(f)),
            options: has("options") || VARIANT_FIELDS.iter().any(|f| has(f)),
            images: has("images") || has("featuredImage"),
            tags: has("tags"),
            stock: STOCK_FIELDS.iter().any(|f| has(f)),
        };
        parts.variants |= parts.stock;
        let variants = product.field("variants");
        for variant in [
            variants.field("edges").field("node"),
            variants.field("nodes"),
            product.field("selectedOrFirstAvailableVariant"),
            product.field("variantBySelectedOptions"),
        ] {
            parts = parts.and(Parts::of_variant(&variant));
        }
        parts
    }

    /// What a selection of `ProductVariant` fields reads of its product's parts.
    pub fn of_variant(variant: &Lookahead<'_>) -> Parts {
        if !variant.exists() {
            return Parts::default();
        }
        let stock = VARIANT_STOCK_FIELDS
            .iter()
            .any(|f| variant.field(f).exists());
        let own = Parts {
            variants: stock,
            stock,
            images: variant.field("image").exists(),
            ..Parts::default()
        };
        own.and(Parts::of_product(&variant.field("product")))
    }

    /// What a selection of a product connection (`edges { node }` and `nodes`) reads.
    pub fn of_connection(connection: &Lookahead<'_>) -> Parts {
        Parts::of_product(&connection.field("edges").field("node"))
            .and(Parts::of_product(&connection.field("nodes")))
    }

    fn and(self, other: Parts) -> Parts {
        Parts {
            variants: self.variants || other.variants,
            options: self.options || other.options,
            images: self.images || other.images,
            tags: self.tags || other.tags,
            stock: self.stock || other.stock,
        }
    }
}

/// Puts `products` in the request's cache and loads the `parts` of all of them, one query per
/// part.
pub async fn products(
    ctx: &Context<'_>,
    products: &[product::Model],
    parts: Parts,
) -> async_graphql::Result<()> {
    let loaders = ctx.data_unchecked::<Loaders>();
    loaders
        .product_by_id
        .feed_many(products.iter().map(|p| (p.id, Some(p.clone()))))
        .await;
    let ids: Vec<Uuid> = products.iter().map(|p| p.id).collect();
    if ids.is_empty() {
        return Ok(());
    }
    futures_util::try_join!(
        variants_and_stock(loaders, &ids, parts),
        when(
            parts.options,
            loaders.options_by_product.load_many(ids.clone())
        ),
        when(
            parts.images,
            loaders.images_by_product.load_many(ids.clone())
        ),
        when(parts.tags, loaders.tags_by_product.load_many(ids.clone())),
    )?;
    Ok(())
}

/// Loads what a selection of variants reads: their products (visible ones), those products'
/// option names and whatever parts the selection reads, stock included.
pub async fn variants(
    ctx: &Context<'_>,
    variants: &[product_variant::Model],
    selection: &Lookahead<'_>,
) -> async_graphql::Result<()> {
    let loaders = ctx.data_unchecked::<Loaders>();
    let product_ids: Vec<Uuid> = variants.iter().map(|v| v.product_id).collect();
    let found = present(loaders.product_by_id.load_many(product_ids).await?);
    let found: Vec<product::Model> = found.into_values().collect();
    let parts = Parts::of_variant(selection).and(Parts {
        options: true,
        ..Parts::default()
    });
    products(ctx, &found, parts).await
}

/// Loads the variants of `ids` the request has not loaded yet, with their stock when `parts`
/// reads it (one joined statement), and the stock of already loaded variants that lack it.
async fn variants_and_stock(
    loaders: &Loaders,
    ids: &[Uuid],
    parts: Parts,
) -> async_graphql::Result<()> {
    if !parts.stock {
        when(
            parts.variants,
            loaders.variants_by_product.load_many(ids.iter().copied()),
        )
        .await?;
        return Ok(());
    }
    let loaded = loaders.variants_by_product.get_cached_values::<Uuid>();
    let (cached, missing): (Vec<Uuid>, Vec<Uuid>) =
        ids.iter().partition(|id| loaded.contains_key(id));
    loaders.load_variants_with_stock(&missing).await?;
    let variant_ids: Vec<Uuid> = cached
        .iter()
        .filter_map(|id| loaded.get(id))
        .flatten()
        .map(|variant| variant.id)
        .collect();
    if !variant_ids.is_empty() {
        loaders.stock_by_variant.load_many(variant_ids).await?;
    }
    Ok(())
}

async fn when<T>(
    wanted: bool,
    load: impl Future<Output = async_graphql::Result<T>>,
) -> async_graphql::Result<Option<T>> {
    if wanted {
        load.await.map(Some)
    } else {
        Ok(None)
    }
}
