//! Cache tags: the names under which a response is stored (the `Surrogate-Key`, `Cache-Tag` and
//! `xkey` headers, and the origin response cache's index) and under which a write purges it.
//!
//! A response carries the tag of its store, the tag of every product, variant and collection it
//! read, and a listing tag when it listed products or collections (or looked one up and found
//! nothing, since a new one would change that answer). A write purges:
//!
//! | write                                        | tags purged                                   |
//! |----------------------------------------------|-----------------------------------------------|
//! | product create, update, delete               | `product`, `products` of its store            |
//! | variant create, update, delete               | `variant`, its `product`, `products`          |
//! | a stock change that flips `availableForSale` | `variant`, its `product`, `products`          |
//! | collection create, update, delete, members   | `collection`, `collections`, `products`       |
//! | menu, page, store settings                   | `store` (every response of the store)         |
//! | the search index taking any of these in      | `search` of the store                         |
//! | the store's search synonyms                  | `synonyms` of the store (reindexes its products) |
//!
//! Entity ids are UUIDs, unique across stores, so an entity tag never names two stores' data.
//! Tags are short (35 characters) so a page of 250 products fits a CDN's 16 KB header limit.

use uuid::Uuid;

/// Every response of the store.
pub fn store(store_id: Uuid) -> String {
    format!("st-{}", store_id.simple())
}

/// Responses that list the store's products (connections, searches) or looked one up and found
/// none.
pub fn products(store_id: Uuid) -> String {
    format!("st-{}-products", store_id.simple())
}

/// Responses the search index answered: purged when the index takes a change in, which is after
/// the write's own purge.
pub fn search(store_id: Uuid) -> String {
    format!("st-{}-search", store_id.simple())
}

/// Tags no response: owes the search index every product of the store (their synonyms changed).
pub fn search_synonyms(store_id: Uuid) -> String {
    format!("st-{}-synonyms", store_id.simple())
}

/// Responses that list the store's collections or looked one up and found none.
pub fn collections(store_id: Uuid) -> String {
    format!("st-{}-collections", store_id.simple())
}

pub fn product(product_id: Uuid) -> String {
    format!("pr-{}", product_id.simple())
}

pub fn variant(variant_id: Uuid) -> String {
    format!("va-{}", variant_id.simple())
}

pub fn collection(collection_id: Uuid) -> String {
    format!("co-{}", collection_id.simple())
}

/// A tag read back: what it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tag {
    Store(Uuid),
    Products(Uuid),
    Collections(Uuid),
    Search(Uuid),
    SearchSynonyms(Uuid),
    Product(Uuid),
    Variant(Uuid),
    Collection(Uuid),
}

/// What `tag` names, if it is one these functions make.
pub fn parse(tag: &str) -> Option<Tag> {
    let (kind, rest) = tag.split_once('-')?;
    let (id, suffix) = match rest.split_once('-') {
        Some((id, suffix)) => (id, Some(suffix)),
        None => (rest, None),
    };
    if id.len() != 32 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let id = Uuid::try_parse(id).ok()?;
    match (kind, suffix) {
        ("st", None) => Some(Tag::Store(id)),
        ("st", Some("products")) => Some(Tag::Products(id)),
        ("st", Some("collections")) => Some(Tag::Collections(id)),
        ("st", Some("search")) => Some(Tag::Search(id)),
        ("st", Some("synonyms")) => Some(Tag::SearchSynonyms(id)),
        ("pr", None) => Some(Tag::Product(id)),
        ("va", None) => Some(Tag::Variant(id)),
        ("co", None) => Some(Tag::Collection(id)),
        _ => None,
    }
}

/// Whether `tag` is one these functions make: what a purge request may name.
pub fn is_valid(tag: &str) -> bool {
    parse(tag).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tag_made_here_is_valid_and_nothing_else_is() {
        let id = Uuid::now_v7();
        for tag in [
            store(id),
            products(id),
            collections(id),
            search(id),
            product(id),
            variant(id),
            collection(id),
        ] {
            assert!(is_valid(&tag), "{tag}");
            assert_eq!(tag.len().min(35), 35);
        }
        for bad in [
            "",
            "st",
            "pr-xyz",
            "zz-0123",
            "pr-{id}-products",
            "st-x-products",
        ] {
            assert!(!is_valid(bad), "{bad}");
        }
        assert!(!is_valid(&format!("pr-{}-products", id.simple())));
    }

    #[test]
    fn a_tag_reads_back_as_what_it_names() {
        let id = Uuid::now_v7();
        assert_eq!(parse(&product(id)), Some(Tag::Product(id)));
        assert_eq!(parse(&collection(id)), Some(Tag::Collection(id)));
        assert_eq!(parse(&store(id)), Some(Tag::Store(id)));
        assert_eq!(parse(&products(id)), Some(Tag::Products(id)));
        assert_eq!(parse("pr-nothex"), None);
    }
}
