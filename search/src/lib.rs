//! Search for Vitrine: what is indexed (`document`), what a shopper asks (`query`, `text`), what
//! comes back (`results`), and the `SearchBackend` every engine implements (Meilisearch in
//! production, Tantivy on the embedded default), held to one conformance suite
//! (`tests/conformance`). This crate knows nothing of the database or of GraphQL: the server
//! turns its rows into documents and its GraphQL arguments into queries.
//!
//! Every document and every query names its store; a backend must never return a document of
//! another store, whatever the query holds.

pub mod backend;
pub mod document;
pub mod meilisearch;
pub mod query;
pub mod results;
pub mod suggest;
pub mod tantivy;
pub mod text;
pub mod typos;

pub use backend::{AsideIndex, Health, SearchBackend};
pub use document::{ContentDocument, ContentKind, ProductDocument, VariantDocument};
pub use query::{
    Filter, FilterGroup, Page, SearchQuery, SortKey, SuggestQuery, UnavailableProducts,
};
pub use results::{FacetCount, FacetValue, Hit, QuerySuggestion, SearchResults, Suggestions};
pub use text::ShopperText;
