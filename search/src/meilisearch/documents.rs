//! Documents as Meilisearch stores them: one index of products and one of content, every
//! document carrying its `store_id`, with the attributes the settings name.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::document::{ContentDocument, ContentKind, ProductDocument};
use crate::results::Hit;

/// Separates an option's name from its value in `options` ("Color\u{1f}Blue").
pub const OPTION_SEPARATOR: char = '\u{1f}';

/// Where pins sort when a product has none: after every pinned product.
pub const UNPINNED: u64 = u32::MAX as u64 + 1;

#[derive(Debug, Serialize, Deserialize)]
pub struct ProductRecord {
    pub id: Uuid,
    pub store_id: Uuid,
    pub title: String,
    pub keywords: Vec<String>,
    pub description: String,
    pub vendor: String,
    pub product_type: String,
    pub tags: Vec<String>,
    pub options: Vec<String>,
    pub collections: Vec<Uuid>,
    pub available: bool,
    pub prices: Vec<i64>,
    pub min_price: i64,
    pub units_sold: i64,
    pub pin_rank: u64,
    pub created_at: i64,
    pub digest: String,
}

impl ProductRecord {
    pub fn of(product: &ProductDocument) -> ProductRecord {
        let mut options: Vec<String> = product
            .variants
            .iter()
            .flat_map(|variant| &variant.options)
            .map(|(name, value)| format!("{name}{OPTION_SEPARATOR}{value}"))
            .collect();
        options.sort();
        options.dedup();
        let values = product
            .variants
            .iter()
            .flat_map(|variant| &variant.options)
            .map(|(_, value)| value.clone());
        let skus = product
            .variants
            .iter()
            .filter_map(|variant| variant.sku.clone());
        let keywords = [product.vendor.clone(), product.product_type.clone()]
            .into_iter()
            .chain(product.tags.iter().cloned())
            .chain(product.synonyms.iter().cloned())
            .chain(skus)
            .chain(values)
            .collect();
        ProductRecord {
            id: product.id,
            store_id: product.store_id,
            title: product.title.clone(),
            keywords,
            description: product.description.clone(),
            vendor: product.vendor.clone(),
            product_type: product.product_type.clone(),
            tags: product.tags.clone(),
            options,
            collections: product.collections.clone(),
            available: product.is_available(),
            prices: product
                .variants
                .iter()
                .map(|variant| variant.price)
                .collect(),
            min_price: product.min_price(),
            units_sold: product.units_sold,
            pin_rank: product.pin.map_or(UNPINNED, u64::from),
            created_at: product.created_at,
            digest: product.digest(),
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ContentRecord {
    pub id: Uuid,
    pub store_id: Uuid,
    pub kind: String,
    pub title: String,
    pub handle: String,
    pub body: String,
    pub digest: String,
}

impl ContentRecord {
    pub fn of(content: &ContentDocument) -> ContentRecord {
        ContentRecord {
            id: content.id,
            store_id: content.store_id,
            kind: kind_name(content.kind).into(),
            title: content.title.clone(),
            handle: content.handle.replace('-', " "),
            body: content.body.clone(),
            digest: content.digest(),
        }
    }
}

pub fn kind_name(kind: ContentKind) -> &'static str {
    match kind {
        ContentKind::Collection => "collection",
        ContentKind::Page => "page",
        ContentKind::Article => "article",
    }
}

/// What a search reads back of a hit.
#[derive(Debug, Deserialize)]
pub struct Found {
    pub id: Uuid,
    pub title: String,
}

impl From<Found> for Hit {
    fn from(found: Found) -> Hit {
        Hit {
            id: found.id,
            title: found.title,
        }
    }
}

/// What the reconciliation check reads back.
#[derive(Debug, Deserialize)]
pub struct Fingerprint {
    pub id: Uuid,
    pub digest: String,
}
