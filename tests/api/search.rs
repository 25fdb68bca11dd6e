//! Storefront search through the search backend (Tantivy on the embedded default and in these
//! tests; Meilisearch where configured): `products(query:)` and filtered collection listings are
//! answered by the index, kept in step with the catalog within a second, never showing another
//! store's products, and answered from the database when the backend cannot answer.

mod content;
mod freshness;
mod listings;
mod maintenance;
mod storefront;
