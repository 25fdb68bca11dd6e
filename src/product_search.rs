//! Search for the storefront: the `search` crate's backend chosen by the settings (Meilisearch
//! when `meili_url` is set, the Tantivy index in the data dir otherwise), kept in step with the
//! catalog by the indexer (`indexer`, a background worker), and asked with a deadline: what the
//! backend cannot answer within `FALLBACK_AFTER` (down, slow, or still being filled) the caller
//! answers from the database instead, so search degrades and never fails.

pub mod documents;
pub mod indexer;
pub mod listing;
pub mod maintenance;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use search::meilisearch::MeilisearchBackend;
use search::tantivy::TantivyBackend;
use search::{SearchBackend, SearchQuery, SearchResults, SuggestQuery, Suggestions};

use crate::config::Settings;
use crate::db::Database;

pub use indexer::Indexer;

/// How long a search waits for the backend before answering from the database.
pub const FALLBACK_AFTER: Duration = Duration::from_millis(100);

/// The storefront's search backend and its indexer.
#[derive(Clone)]
pub struct ProductSearch {
    backend: Arc<dyn SearchBackend>,
    indexer: Indexer,
}

impl ProductSearch {
    /// The backend the settings name, or `None` (with a warning) when it cannot be opened: then
    /// every search is answered from the database.
    pub async fn connect(settings: &Settings, db: &Database) -> Option<ProductSearch> {
        match backend(settings).await {
            Ok(backend) => Some(ProductSearch {
                indexer: Indexer::new(db.clone(), backend.clone()),
                backend,
            }),
            Err(error) => {
                tracing::warn!(
                    error = format!("{error:#}"),
                    "search backend unavailable; searches are answered from the database"
                );
                None
            }
        }
    }

    pub fn indexer(&self) -> &Indexer {
        &self.indexer
    }

    pub fn backend(&self) -> &Arc<dyn SearchBackend> {
        &self.backend
    }

    /// The backend's answer, or `None` when the database must answer instead.
    pub async fn search(&self, query: &SearchQuery) -> Option<SearchResults> {
        if !self.indexer.is_ready() {
            return None;
        }
        let answer = within_deadline("search", self.backend.search(query)).await;
        tracing::debug!(
            text = query.text,
            found = answer.as_ref().map(|results| results.total),
            "search"
        );
        answer
    }

    /// Content of one kind matching `text`, or `None` when the backend cannot answer.
    pub async fn search_content(
        &self,
        store_id: uuid::Uuid,
        kind: search::ContentKind,
        text: &str,
        limit: usize,
    ) -> Option<Vec<search::Hit>> {
        if !self.indexer.is_ready() {
            return None;
        }
        let answer = self.backend.search_content(store_id, kind, text, limit);
        within_deadline("content search", answer).await
    }

    /// Predictive search's suggestions, or `None` when the database must answer instead.
    pub async fn suggest(&self, query: &SuggestQuery) -> Option<Suggestions> {
        if !self.indexer.is_ready() {
            return None;
        }
        within_deadline("suggest", self.backend.suggest(query)).await
    }
}

async fn within_deadline<T>(
    what: &'static str,
    answer: impl Future<Output = anyhow::Result<T>>,
) -> Option<T> {
    match tokio::time::timeout(FALLBACK_AFTER, answer).await {
        Ok(Ok(answer)) => Some(answer),
        Ok(Err(error)) => {
            tracing::warn!(
                what,
                error = format!("{error:#}"),
                "search backend failed; answering from the database"
            );
            None
        }
        Err(_) => {
            tracing::warn!(what, "search backend too slow; answering from the database");
            None
        }
    }
}

/// Where the embedded index lives.
pub fn index_dir(settings: &Settings) -> PathBuf {
    settings
        .search_index_dir
        .clone()
        .unwrap_or_else(|| settings.data_dir.join("search"))
}

async fn backend(settings: &Settings) -> anyhow::Result<Arc<dyn SearchBackend>> {
    Ok(match &settings.meili_url {
        Some(url) => {
            let key = settings.meili_key.as_ref().map(|key| key.expose());
            Arc::new(MeilisearchBackend::connect(url, key, &settings.meili_index_prefix).await?)
        }
        None => Arc::new(TantivyBackend::open(&index_dir(settings))?),
    })
}
