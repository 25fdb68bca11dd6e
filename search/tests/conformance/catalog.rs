//! The catalog every backend is tested on: two stores with look-alike products, so that a leak
//! between them shows.

use std::hash::{Hash, Hasher};

use search::{ContentDocument, ContentKind, ProductDocument, VariantDocument};
use uuid::Uuid;

/// A product as the tests describe it.
pub struct Sample {
    pub title: &'static str,
    pub description: &'static str,
    pub vendor: &'static str,
    pub product_type: &'static str,
    pub tags: &'static [&'static str],
    /// (color, size, price in cents, available)
    pub variants: &'static [(&'static str, &'static str, i64, bool)],
    pub units_sold: i64,
    pub pin: Option<u32>,
}

pub const SAMPLES: &[Sample] = &[
    Sample {
        title: "Blue Shirt",
        description: "A crisp oxford for every day",
        vendor: "Acme",
        product_type: "Shirts",
        tags: &["summer"],
        variants: &[("Blue", "S", 2500, true), ("Blue", "M", 2500, true)],
        units_sold: 5,
        pin: None,
    },
    Sample {
        title: "Red Shirt",
        description: "Bright and bold",
        vendor: "Acme",
        product_type: "Shirts",
        tags: &["summer", "sale"],
        variants: &[("Red", "M", 3000, true)],
        units_sold: 50,
        pin: None,
    },
    Sample {
        title: "Blue Jeans",
        description: "Selvedge denim",
        vendor: "Denimco",
        product_type: "Pants",
        tags: &[],
        variants: &[("Blue", "32", 6000, false)],
        units_sold: 100,
        pin: None,
    },
    Sample {
        title: "Shirt Dress",
        description: "A flowing shirt dress in blue",
        vendor: "Maison",
        product_type: "Dresses",
        tags: &["summer"],
        variants: &[("Blue", "S", 8000, true), ("White", "M", 8200, true)],
        units_sold: 7,
        pin: None,
    },
    Sample {
        title: "Cotton Scarf",
        description: "Soft and warm",
        vendor: "Knitworks",
        product_type: "Accessories",
        tags: &["winter", "sale"],
        variants: &[("Green", "One size", 1500, true)],
        units_sold: 1,
        pin: None,
    },
    Sample {
        title: "Organic Tee",
        description: "Made of organic cotton",
        vendor: "Acme",
        product_type: "Shirts",
        tags: &["basics"],
        variants: &[("White", "M", 1200, true)],
        units_sold: 1000,
        pin: None,
    },
    Sample {
        title: "Wool Socks",
        description: "Merino blend",
        vendor: "Knitworks",
        product_type: "Accessories",
        tags: &["winter"],
        variants: &[("Grey", "M", 900, false)],
        units_sold: 500,
        pin: None,
    },
    Sample {
        title: "Wool Beanie",
        description: "Ribbed knit",
        vendor: "Knitworks",
        product_type: "Accessories",
        tags: &["winter"],
        variants: &[("Grey", "One size", 1900, true)],
        units_sold: 2,
        pin: None,
    },
    Sample {
        title: "Linen Trousers",
        description: "Breezy and light",
        vendor: "Maison",
        product_type: "Pants",
        tags: &["summer"],
        variants: &[("Sand", "32", 7000, true)],
        units_sold: 10,
        pin: None,
    },
    Sample {
        title: "Linen Blazer",
        description: "Unlined",
        vendor: "Maison",
        product_type: "Jackets",
        tags: &["summer"],
        variants: &[("Sand", "M", 12000, true)],
        units_sold: 20,
        pin: None,
    },
    Sample {
        title: "Rain Cap",
        description: "Waxed cotton cap",
        vendor: "Acme",
        product_type: "Accessories",
        tags: &[],
        variants: &[("Olive", "One size", 2200, true)],
        units_sold: 3,
        pin: None,
    },
];

/// Ids derived from the store and title, so that a test can name a product.
pub fn product_id(store_id: Uuid, title: &str) -> Uuid {
    derived(store_id, title.as_bytes())
}

/// The collection holding every product of a type.
pub fn collection_id(store_id: Uuid, product_type: &str) -> Uuid {
    derived(store_id, format!("collection {product_type}").as_bytes())
}

/// An id made from another and some bytes, the same on every call.
pub fn derived(base: Uuid, bytes: &[u8]) -> Uuid {
    let mut hasher = std::hash::DefaultHasher::new();
    bytes.hash(&mut hasher);
    Uuid::from_u128(base.as_u128() ^ u128::from(hasher.finish()))
}

pub fn product(store_id: Uuid, index: usize, sample: &Sample) -> ProductDocument {
    let id = product_id(store_id, sample.title);
    ProductDocument {
        id,
        store_id,
        handle: sample.title.to_lowercase().replace(' ', "-"),
        title: sample.title.into(),
        description: sample.description.into(),
        vendor: sample.vendor.into(),
        product_type: sample.product_type.into(),
        tags: sample.tags.iter().map(|tag| tag.to_string()).collect(),
        synonyms: vec![],
        collections: vec![collection_id(store_id, sample.product_type)],
        variants: sample
            .variants
            .iter()
            .enumerate()
            .map(
                |(position, (color, size, price, available))| VariantDocument {
                    id: derived(id, &[position as u8]),
                    sku: Some(format!("SKU-{index}-{position}")),
                    options: vec![
                        ("Color".into(), color.to_string()),
                        ("Size".into(), size.to_string()),
                    ],
                    price: *price,
                    available: *available,
                },
            )
            .collect(),
        units_sold: sample.units_sold,
        pin: sample.pin,
        created_at: 1_700_000_000 + index as i64 * 3600,
    }
}

pub fn products(store_id: Uuid) -> Vec<ProductDocument> {
    SAMPLES
        .iter()
        .enumerate()
        .map(|(index, sample)| product(store_id, index, sample))
        .collect()
}

pub fn content(store_id: Uuid) -> Vec<ContentDocument> {
    [
        (
            ContentKind::Collection,
            "Shirts and tops",
            "Everything with sleeves",
        ),
        (ContentKind::Collection, "Winter", "Warm things"),
        (ContentKind::Page, "Shipping", "We ship within two days"),
        (ContentKind::Page, "About us", "A small shop"),
        (
            ContentKind::Article,
            "How to wash linen",
            "Cold water, no dryer",
        ),
    ]
    .into_iter()
    .map(|(kind, title, body)| ContentDocument {
        id: derived(store_id, title.as_bytes()),
        store_id,
        kind,
        handle: title.to_lowercase().replace(' ', "-"),
        title: title.into(),
        body: body.into(),
    })
    .collect()
}
