//! Rebuilds without downtime: a second set of indexes (`{prefix}_next_*`) with the same settings
//! is filled while the live ones answer, then swapped with them in one Meilisearch task, and the
//! old ones (now under the `_next` names) deleted. The swap carries a new generation number in
//! the state index, by which every server notices it (`refresh`) and resumes its indexer from
//! the new indexes' watermark.

use std::sync::Arc;

use async_trait::async_trait;
use meilisearch_sdk::client::SwapIndexes;
use meilisearch_sdk::errors::{Error, ErrorCode};

use super::{GENERATION_ID, MeilisearchBackend};
use crate::backend::{AsideIndex, SearchBackend};

/// Indexes being built aside (`MeilisearchBackend::aside`).
pub struct MeilisearchAside {
    live: MeilisearchBackend,
    next: Arc<MeilisearchBackend>,
}

impl MeilisearchBackend {
    /// Empty indexes beside the live `{prefix}_*` ones, left over ones from an interrupted
    /// rebuild dropped first.
    pub async fn aside(
        url: &str,
        key: Option<&str>,
        prefix: &str,
    ) -> anyhow::Result<MeilisearchAside> {
        let live = MeilisearchBackend::connect(url, key, prefix).await?;
        let next_prefix = format!("{prefix}_next");
        for uid in ["products", "content", "state"] {
            live.drop_index(&format!("{next_prefix}_{uid}")).await?;
        }
        let next = MeilisearchBackend::connect(url, key, &next_prefix).await?;
        let generation = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.as_millis() as i64);
        next.set_state_record(GENERATION_ID, generation).await?;
        Ok(MeilisearchAside {
            live,
            next: Arc::new(next),
        })
    }

    /// Deletes an index, if there is one.
    async fn drop_index(&self, uid: &str) -> anyhow::Result<()> {
        match self.admin.delete_index(uid).await {
            Ok(task) => self.applied(task).await,
            Err(Error::Meilisearch(error)) if error.error_code == ErrorCode::IndexNotFound => {
                Ok(())
            }
            Err(error) => Err(error.into()),
        }
    }

    /// Creates an index, unless there is one.
    async fn ensure_index(&self, uid: &str) -> anyhow::Result<()> {
        let task = self.admin.create_index(uid, Some("id")).await?;
        let task = task
            .wait_for_completion(
                &self.admin,
                Some(super::WRITE_POLL),
                Some(super::WRITE_TIMEOUT),
            )
            .await?;
        match task {
            meilisearch_sdk::tasks::Task::Failed { content }
                if content.error.error_code != ErrorCode::IndexAlreadyExists =>
            {
                anyhow::bail!("Meilisearch could not create {uid}: {:?}", content.error)
            }
            _ => Ok(()),
        }
    }
}

#[async_trait]
impl AsideIndex for MeilisearchAside {
    fn backend(&self) -> Arc<dyn SearchBackend> {
        self.next.clone()
    }

    async fn publish(self: Box<Self>) -> anyhow::Result<()> {
        let (live, next) = (&self.live, &self.next);
        live.ensure_index(&live.state).await?;
        let pairs = [
            (&live.products, &next.products),
            (&live.content, &next.content),
            (&live.state, &next.state),
        ]
        .map(|(live, next)| SwapIndexes {
            indexes: (live.clone(), next.clone()),
            rename: None,
        });
        live.applied(live.admin.swap_indexes(&pairs).await?).await?;
        for uid in [&next.products, &next.content, &next.state] {
            live.drop_index(uid).await?;
        }
        Ok(())
    }
}
