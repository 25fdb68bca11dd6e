//! The Tantivy index: one for every kind of document, each tagged with its store and kind. Text
//! fields are split into words, lowercased and folded to ASCII ("Café" is found by "cafe");
//! filter and facet fields keep their values whole; sort and ranking fields are fast fields.

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TantivyDocument,
    TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer,
};
use tantivy::{Index, Term};
use uuid::Uuid;

use crate::document::{ContentDocument, ContentKind, ProductDocument};
use crate::query::Filter;

/// The analyzer of every text field, and of the words of a query.
pub const WORDS: &str = "vitrine_words";

/// Separates an option's name from its value in the `option` field ("Color\u{1f}Blue").
pub const OPTION_SEPARATOR: char = '\u{1f}';

/// The index's fields.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// "{store}/{id}": what a replacement or a delete names, never matching another store's.
    pub key: Field,
    pub id: Field,
    pub store: Field,
    pub kind: Field,
    pub digest: Field,
    /// Searched, ranked first; stored for query suggestions.
    pub title: Field,
    /// Searched after the title: vendor, type, tags, option values and SKUs (a content
    /// document's handle).
    pub keywords: Field,
    /// Searched last: the description or body.
    pub body: Field,
    /// Every filterable value, lowercased and named ("vendor:acme", "option:color=blue"), so
    /// that filters ignore case as Meilisearch's do.
    pub filter: Field,
    /// The values facets count, as the merchant wrote them (fast fields only).
    pub vendor: Field,
    pub product_type: Field,
    pub tag: Field,
    pub option: Field,
    /// The ids of the collections holding the product.
    pub collection: Field,
    /// 1 when any variant can be bought.
    pub available: Field,
    /// Every variant's price (a product matches a price range when any variant does).
    pub price: Field,
    pub min_price: Field,
    pub units_sold: Field,
    /// The merchant's pin, `u64::MAX` when none.
    pub pin: Field,
    pub created_at: Field,
    /// The title's first letters as a number, for the title sort.
    pub title_key: Field,
    /// The id's first bytes, so that ties always fall the same way.
    pub tiebreak: Field,
}

impl Fields {
    pub fn schema() -> (Schema, Fields) {
        let mut builder = Schema::builder();
        let words = |stored: bool| {
            let indexing = TextFieldIndexing::default()
                .set_tokenizer(WORDS)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions);
            let options = TextOptions::default().set_indexing_options(indexing);
            match stored {
                true => options.set_stored(),
                false => options,
            }
        };
        let fields = Fields {
            key: builder.add_text_field("key", STRING),
            id: builder.add_text_field("id", STRING | STORED),
            store: builder.add_text_field("store", STRING),
            kind: builder.add_text_field("kind", STRING),
            digest: builder.add_text_field("digest", STORED),
            title: builder.add_text_field("title", words(true)),
            keywords: builder.add_text_field("keywords", words(false)),
            body: builder.add_text_field("body", words(false)),
            filter: builder.add_text_field("filter", STRING),
            vendor: builder.add_text_field("vendor", FAST),
            product_type: builder.add_text_field("product_type", FAST),
            tag: builder.add_text_field("tag", FAST),
            option: builder.add_text_field("option", FAST),
            collection: builder.add_text_field("collection", STRING),
            available: builder.add_u64_field("available", INDEXED | FAST),
            price: builder.add_i64_field("price", INDEXED | FAST),
            min_price: builder.add_i64_field("min_price", FAST),
            units_sold: builder.add_i64_field("units_sold", FAST),
            pin: builder.add_u64_field("pin", FAST),
            created_at: builder.add_i64_field("created_at", FAST),
            title_key: builder.add_u64_field("title_key", FAST),
            tiebreak: builder.add_u64_field("tiebreak", FAST),
        };
        (builder.build(), fields)
    }

    pub fn register_analyzer(index: &Index) {
        let analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(40))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .build();
        index.tokenizers().register(WORDS, analyzer);
    }

    pub fn key_term(&self, store_id: Uuid, id: Uuid) -> Term {
        Term::from_field_text(self.key, &format!("{store_id}/{id}"))
    }

    pub fn store_term(&self, store_id: Uuid) -> Term {
        Term::from_field_text(self.store, &store_id.to_string())
    }

    pub fn collection_term(&self, collection_id: Uuid) -> Term {
        Term::from_field_text(self.collection, &collection_id.to_string())
    }

    pub fn kind_term(&self, kind: Kind) -> Term {
        Term::from_field_text(self.kind, kind.as_str())
    }

    pub fn product(&self, product: &ProductDocument) -> TantivyDocument {
        let mut doc = self.common(
            product.store_id,
            product.id,
            Kind::Product,
            &product.digest(),
        );
        doc.add_text(self.title, &product.title);
        doc.add_text(self.body, &product.description);
        for keyword in [&product.vendor, &product.product_type]
            .into_iter()
            .chain(&product.tags)
            .chain(&product.synonyms)
            .chain(product.variants.iter().filter_map(|v| v.sku.as_ref()))
        {
            doc.add_text(self.keywords, keyword);
        }
        add_distinct(&mut doc, self.vendor, [product.vendor.clone()]);
        add_distinct(&mut doc, self.product_type, [product.product_type.clone()]);
        add_distinct(&mut doc, self.tag, product.tags.iter().cloned());
        let options = product.variants.iter().flat_map(|variant| {
            variant
                .options
                .iter()
                .map(|(name, value)| format!("{name}{OPTION_SEPARATOR}{value}"))
        });
        add_distinct(&mut doc, self.option, options);
        for filter in product_filters(product) {
            doc.add_text(self.filter, filter);
        }
        let values = product.variants.iter().flat_map(|variant| &variant.options);
        for (_, value) in values {
            doc.add_text(self.keywords, value);
        }
        for collection in &product.collections {
            doc.add_text(self.collection, collection.to_string());
        }
        doc.add_u64(self.available, u64::from(product.is_available()));
        for variant in &product.variants {
            doc.add_i64(self.price, variant.price);
        }
        doc.add_i64(self.min_price, product.min_price());
        doc.add_i64(self.units_sold, product.units_sold);
        doc.add_u64(self.pin, product.pin.map_or(u64::MAX, u64::from));
        doc.add_i64(self.created_at, product.created_at);
        doc.add_u64(self.title_key, title_key(&product.title));
        doc
    }

    pub fn content(&self, content: &ContentDocument) -> TantivyDocument {
        let kind = Kind::Content(content.kind);
        let mut doc = self.common(content.store_id, content.id, kind, &content.digest());
        doc.add_text(self.title, &content.title);
        doc.add_text(self.keywords, &content.handle);
        doc.add_text(self.body, &content.body);
        doc
    }

    fn common(&self, store_id: Uuid, id: Uuid, kind: Kind, digest: &str) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        doc.add_text(self.key, format!("{store_id}/{id}"));
        doc.add_text(self.id, id.to_string());
        doc.add_text(self.store, store_id.to_string());
        doc.add_text(self.kind, kind.as_str());
        doc.add_text(self.digest, digest);
        let mut first = [0u8; 8];
        first.copy_from_slice(&id.as_bytes()[..8]);
        doc.add_u64(self.tiebreak, u64::from_be_bytes(first));
        doc
    }
}

/// The `filter` field's term for a filter.
pub fn filter_value(filter: &Filter) -> Option<String> {
    let named = |name: &str, value: &str| Some(format!("{name}:{}", value.to_lowercase()));
    match filter {
        Filter::ProductType(value) => named("type", value),
        Filter::Vendor(value) => named("vendor", value),
        Filter::Tag(value) => named("tag", value),
        Filter::VariantOption { name, value } => named("option", &format!("{name}={value}")),
        Filter::Available(_) | Filter::Price { .. } => None,
    }
}

fn product_filters(product: &ProductDocument) -> Vec<String> {
    let options = product.variants.iter().flat_map(|variant| {
        variant
            .options
            .iter()
            .map(|(name, value)| Filter::VariantOption {
                name: name.clone(),
                value: value.clone(),
            })
    });
    let mut values: Vec<String> = [
        Filter::ProductType(product.product_type.clone()),
        Filter::Vendor(product.vendor.clone()),
    ]
    .into_iter()
    .chain(product.tags.iter().cloned().map(Filter::Tag))
    .chain(options)
    .filter_map(|filter| filter_value(&filter))
    .collect();
    values.sort();
    values.dedup();
    values
}

/// What a document is, as the `kind` field spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Product,
    Content(ContentKind),
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Product => "product",
            Kind::Content(ContentKind::Collection) => "collection",
            Kind::Content(ContentKind::Page) => "page",
            Kind::Content(ContentKind::Article) => "article",
        }
    }
}

/// Values added once each: a facet counts a product once however many variants share a value.
fn add_distinct(doc: &mut TantivyDocument, field: Field, values: impl IntoIterator<Item = String>) {
    let mut seen: Vec<String> = Vec::new();
    for value in values {
        if !value.is_empty() && !seen.contains(&value) {
            doc.add_text(field, &value);
            seen.push(value);
        }
    }
}

/// The lowercased title's first seven bytes, big-endian, so that titles sort by their start.
fn title_key(title: &str) -> u64 {
    let lowered = title.to_lowercase();
    let mut bytes = [0u8; 8];
    for (slot, byte) in bytes[1..].iter_mut().zip(lowered.bytes()) {
        *slot = byte;
    }
    u64::from_be_bytes(bytes)
}
