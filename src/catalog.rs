//! The catalog of a store: products with their options, variants, images and tags; collections;
//! menus and pages. Reads for the storefront see only active products; admin writes validate
//! every input and run in one transaction, so an invalid input changes nothing.

pub mod blogs;
pub mod collections;
pub mod content;
pub mod events;
pub mod facets;
pub mod filters;
pub mod handle;
pub mod html;
pub mod listing;
pub mod policies;
pub mod product_input;
pub mod product_read;
pub mod product_write;
pub mod recommendations;
pub mod search_query;
pub mod variant_encoding;
pub mod variant_write;

/// Publication status of a product.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProductStatus {
    Active,
    Draft,
    Archived,
}

impl ProductStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ProductStatus::Active => "active",
            ProductStatus::Draft => "draft",
            ProductStatus::Archived => "archived",
        }
    }

    pub fn parse(status: &str) -> ProductStatus {
        match status {
            "active" => ProductStatus::Active,
            "archived" => ProductStatus::Archived,
            _ => ProductStatus::Draft,
        }
    }
}

/// Whose view of the catalog a read takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// The storefront: active products only.
    Storefront,
    /// The merchant: every product, optionally of one status.
    Admin(Option<ProductStatus>),
}
