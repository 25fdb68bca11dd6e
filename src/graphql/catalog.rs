//! The catalog's GraphQL side: the storefront types (`Product`, `ProductVariant`, `Collection`,
//! `Page`, `Menu`, …), the storefront catalog queries and the admin catalog mutations.

pub mod admin_blogs;
pub mod admin_collections;
pub mod admin_content;
pub mod admin_products;
pub mod blogs;
pub mod collection;
pub mod content;
pub mod media;
pub mod prefetch;
pub mod product;
pub mod product_list;
pub mod search;
pub mod storefront;
pub mod variant;

pub use admin_blogs::AdminBlogMutation;
pub use admin_collections::AdminCollectionMutation;
pub use admin_content::AdminContentMutation;
pub use admin_products::AdminProductMutation;
pub use blogs::BlogQuery;
pub use search::SearchQueryRoot;
pub use storefront::CatalogQuery;
