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

/// Whether `tag` is one these functions make: what a purge request may name.
pub fn is_valid(tag: &str) -> bool {
    let Some((kind, rest)) = tag.split_once('-') else {
        return false;
    };
    let (id, suffix) = match rest.split_once('-') {
        Some((id, suffix)) => (id, Some(suffix)),
        None => (rest, None),
    };
    let known_kind = match suffix {
        None => matches!(kind, "st" | "pr" | "va" | "co"),
        Some("products" | "collections") => kind == "st",
        Some(_) => false,
    };
    known_kind && id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit())
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
}
