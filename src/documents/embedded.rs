//! The storefront operations of `schema/operations/storefront/`, built into the binary: every
//! store trusts them, under the SHA-256 of each file's exact text. The list is written out (a
//! unit test keeps it equal to the folder), so no build script or extra crate is needed.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::sha256_hex;

macro_rules! storefront_files {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"), "/schema/operations/storefront/", $name
        )))),*]
    };
}

/// Every file of `schema/operations/storefront/`: its name and its text.
pub const FILES: &[(&str, &str)] = storefront_files![
    "blogs.graphql",
    "cart.graphql",
    "checkout.graphql",
    "collection_products.graphql",
    "content.graphql",
    "customers.graphql",
    "node.graphql",
    "product.graphql",
    "products.graphql",
    "recommendations.graphql",
    "search.graphql",
    "shop.graphql",
];

static BY_HASH: LazyLock<HashMap<String, &'static str>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|(_, text)| (sha256_hex(text), *text))
        .collect()
});

/// The text of the built-in document `hash`, if there is one.
pub fn text(hash: &str) -> Option<&'static str> {
    BY_HASH.get(hash).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_storefront_operation_file_is_built_in() {
        let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/schema/operations/storefront");
        let mut on_disk: Vec<String> = std::fs::read_dir(folder)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".graphql"))
            .collect();
        on_disk.sort();
        let built_in: Vec<&str> = FILES.iter().map(|(name, _)| *name).collect();
        assert_eq!(on_disk, built_in);
    }

    #[test]
    fn a_built_in_document_is_found_by_the_hash_of_its_exact_text() {
        let (_, shop) = FILES
            .iter()
            .find(|(name, _)| *name == "shop.graphql")
            .unwrap();
        assert_eq!(text(&sha256_hex(shop)), Some(*shop));
        assert_eq!(text(&sha256_hex(&format!("{shop}\n"))), None);
    }
}
