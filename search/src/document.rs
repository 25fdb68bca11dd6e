//! What a backend indexes: products (with what their variants offer) for search and facets, and
//! collections, pages and articles for predictive search.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// A short fingerprint of what a document says, for the reconciliation check: an indexed
/// document whose digest differs from its row's is stale.
fn digest_of(document: &impl Serialize) -> String {
    let bytes = serde_json::to_vec(document).expect("a document serializes");
    hex::encode(&Sha256::digest(&bytes)[..8])
}

/// A product as search sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductDocument {
    /// The product's id (its database id; the server makes the GraphQL id).
    pub id: Uuid,
    pub store_id: Uuid,
    pub handle: String,
    /// Ranked first among the searched text.
    pub title: String,
    /// Plain text (no HTML).
    pub description: String,
    pub vendor: String,
    pub product_type: String,
    pub tags: Vec<String>,
    /// Other terms it is found by, searched with the vendor, type and tags: the store's search
    /// synonyms of its words (the server expands them; backends index them as given).
    pub synonyms: Vec<String>,
    /// The ids of the collections holding it.
    pub collections: Vec<Uuid>,
    pub variants: Vec<VariantDocument>,
    /// Units sold, for ranking and the best-selling sort (more sells better).
    pub units_sold: i64,
    /// A merchant's pin: pinned products come first, lower numbers before higher.
    pub pin: Option<u32>,
    /// Seconds since the Unix epoch, for the newest-first sort.
    pub created_at: i64,
}

/// What one variant offers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariantDocument {
    pub id: Uuid,
    pub sku: Option<String>,
    /// Option name and value pairs, e.g. ("Color", "Blue").
    pub options: Vec<(String, String)>,
    /// Price in the store currency's minor units (cents), as the SQL filters take it.
    pub price: i64,
    pub available: bool,
}

impl ProductDocument {
    /// Whether any variant can be bought.
    pub fn is_available(&self) -> bool {
        self.variants.iter().any(|variant| variant.available)
    }

    pub fn digest(&self) -> String {
        digest_of(self)
    }

    /// The lowest variant price, in minor units (0 for a product without variants).
    pub fn min_price(&self) -> i64 {
        self.variants
            .iter()
            .map(|variant| variant.price)
            .min()
            .unwrap_or(0)
    }
}

/// The kinds of content predictive search suggests besides products.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ContentKind {
    Collection,
    Page,
    Article,
}

/// A collection, page or article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContentDocument {
    pub id: Uuid,
    pub store_id: Uuid,
    pub kind: ContentKind,
    pub handle: String,
    pub title: String,
    /// Plain text (no HTML).
    pub body: String,
}

impl ContentDocument {
    pub fn digest(&self) -> String {
        digest_of(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn variant(price: i64, available: bool) -> VariantDocument {
        VariantDocument {
            id: Uuid::nil(),
            sku: None,
            options: vec![],
            price,
            available,
        }
    }

    #[test]
    fn a_product_is_available_when_any_variant_is_and_costs_its_cheapest() {
        let mut product = ProductDocument {
            id: Uuid::nil(),
            store_id: Uuid::nil(),
            handle: "tee".into(),
            title: "Tee".into(),
            description: String::new(),
            vendor: String::new(),
            product_type: String::new(),
            tags: vec![],
            synonyms: vec![],
            collections: vec![],
            variants: vec![variant(3000, false), variant(2500, true)],
            units_sold: 0,
            pin: None,
            created_at: 0,
        };
        assert!(product.is_available());
        assert_eq!(product.min_price(), 2500);
        product.variants.retain(|variant| !variant.available);
        assert!(!product.is_available());
        product.variants.clear();
        assert_eq!(product.min_price(), 0);
    }
}
