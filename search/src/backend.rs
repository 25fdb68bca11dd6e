//! The one interface every search engine implements.

use async_trait::async_trait;
use uuid::Uuid;

use crate::document::{ContentDocument, ProductDocument};
use crate::query::{SearchQuery, SuggestQuery};
use crate::results::{SearchResults, Suggestion};

/// Whether a backend can answer now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Health {
    Up,
    Down(String),
}

/// A search engine. Writes are idempotent (indexing a document again replaces it; deleting one
/// that is not there does nothing), so the outbox may deliver them more than once. No call may
/// ever return or count a document of a store other than the one it names.
#[async_trait]
pub trait SearchBackend: Send + Sync {
    /// Adds or replaces products.
    async fn index_products(&self, products: &[ProductDocument]) -> anyhow::Result<()>;
    /// Adds or replaces collections, pages and articles.
    async fn index_content(&self, content: &[ContentDocument]) -> anyhow::Result<()>;
    /// Removes documents (products or content) of `store_id` by id.
    async fn delete(&self, store_id: Uuid, ids: &[Uuid]) -> anyhow::Result<()>;
    /// A page of products with the facet counts the query asks for.
    async fn search(&self, query: &SearchQuery) -> anyhow::Result<SearchResults>;
    /// Suggestions for what the shopper is typing.
    async fn suggest(&self, query: &SuggestQuery) -> anyhow::Result<Vec<Suggestion>>;
    async fn health(&self) -> Health;
}
