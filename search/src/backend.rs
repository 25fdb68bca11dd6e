//! The one interface every search engine implements.

use async_trait::async_trait;
use uuid::Uuid;

use crate::document::{ContentDocument, ContentKind, ProductDocument};
use crate::query::{Page, SearchQuery, SuggestQuery};
use crate::results::{Hit, SearchResults, Suggestions};
use crate::suggest;

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
    /// Content of one kind whose title or body matches `text` (the last word as a prefix).
    async fn search_content(
        &self,
        store_id: Uuid,
        kind: ContentKind,
        text: &str,
        limit: usize,
    ) -> anyhow::Result<Vec<Hit>>;
    /// Every indexed document of the store (products and content) with its digest
    /// (`ProductDocument::digest`), for the reconciliation check.
    async fn digests(&self, store_id: Uuid) -> anyhow::Result<Vec<(Uuid, String)>>;
    async fn health(&self) -> Health;
    /// How far the index has taken in the catalog's changes (an indexer's own measure, in
    /// milliseconds since the epoch), kept with the index; `None` for an index never filled.
    async fn watermark(&self) -> anyhow::Result<Option<i64>>;
    async fn set_watermark(&self, millis: i64) -> anyhow::Result<()>;

    /// Whether the index searched was replaced since the last call (a rebuild built aside and
    /// published, perhaps by another process); the backend then searches the new one, and its
    /// indexer must resume from the new index's watermark.
    async fn refresh(&self) -> anyhow::Result<bool> {
        Ok(false)
    }

    /// Suggestions for what the shopper is typing: products and content matching it as a
    /// prefix, and completed queries drawn from the matching products' titles.
    async fn suggest(&self, query: &SuggestQuery) -> anyhow::Result<Suggestions> {
        let mut suggestions = Suggestions::default();
        if query.products || query.queries {
            let products = self
                .search(&SearchQuery {
                    prefix: true,
                    unavailable: query.unavailable,
                    page: Page {
                        offset: 0,
                        limit: query.limit.max(suggest::TITLES_READ),
                    },
                    ..SearchQuery::new(query.store_id, query.text.clone())
                })
                .await?;
            if query.queries {
                suggestions.queries = suggest::queries(&query.text, &products.hits, query.limit);
            }
            if query.products {
                suggestions.products = products.hits.into_iter().take(query.limit).collect();
            }
        }
        for kind in &query.content {
            let hits = self
                .search_content(query.store_id, *kind, &query.text, query.limit)
                .await?;
            suggestions
                .content
                .extend(hits.into_iter().map(|hit| (*kind, hit)));
        }
        Ok(suggestions)
    }
}

/// An index built aside for a rebuild without downtime: filled through `backend` (an empty
/// index with the live one's settings) while the live index keeps answering, then `publish`ed,
/// which replaces the live index at once. Whoever searches the live index picks the new one up at
/// its next `refresh`.
#[async_trait]
pub trait AsideIndex: Send + Sync {
    fn backend(&self) -> std::sync::Arc<dyn SearchBackend>;
    /// Makes this index the live one and discards the old; `backend` is not to be used after.
    async fn publish(self: Box<Self>) -> anyhow::Result<()>;
}
