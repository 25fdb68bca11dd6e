//! The local tier: this process's copies of responses, bounded by the bytes they hold.
//!
//! Each entry remembers the purge sequence number current when its query started; a purge bumps
//! the number and records it per tag, so an entry whose query was still running when one of its
//! tags was purged is never answered from here. Purges also drop the existing entries at once.

use std::collections::HashSet;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use moka::Expiry;

use super::{Rendered, ResponseKey, Source};

/// How long a purge is remembered for queries that were running when it came.
const PURGE_MEMORY: Duration = Duration::from_secs(3600);

struct Entry {
    rendered: Arc<Rendered>,
    source: Source,
    /// The purge sequence number when its query started.
    sequence: u64,
    /// The last purge sequence number it was found current at: while no purge comes, a hit
    /// checks no tags.
    checked: AtomicU64,
    lifetime: Duration,
}

struct ByLifetime;

impl Expiry<ResponseKey, Arc<Entry>> for ByLifetime {
    fn expire_after_create(
        &self,
        _key: &ResponseKey,
        entry: &Arc<Entry>,
        _created_at: Instant,
    ) -> Option<Duration> {
        Some(entry.lifetime)
    }
}

/// What a fill produces: the answer, how long to keep it here and where it came from; or an
/// answer not to keep, and where it came from.
pub type Filled = Result<(Arc<Rendered>, Duration, Source), (Arc<Rendered>, Source)>;

#[derive(Clone)]
pub struct LocalTier {
    inner: Arc<Inner>,
}

struct Inner {
    entries: moka::future::Cache<ResponseKey, Arc<Entry>>,
    sequence: AtomicU64,
    /// The sequence number of the last purge of each recently purged tag.
    purged: moka::sync::Cache<String, u64>,
    /// The sequence number of the last purge of everything.
    purged_all: AtomicU64,
}

impl LocalTier {
    pub fn new(capacity_bytes: u64) -> LocalTier {
        let entries = moka::future::Cache::builder()
            .max_capacity(capacity_bytes)
            .weigher(|_key: &ResponseKey, entry: &Arc<Entry>| {
                // The tags, and the three headers that list them once it was sent.
                let tags: usize = entry.rendered.tags.iter().map(String::len).sum();
                u32::try_from(entry.rendered.body.len() + 4 * tags + 256).unwrap_or(u32::MAX)
            })
            .expire_after(ByLifetime)
            .support_invalidation_closures()
            .build();
        LocalTier {
            inner: Arc::new(Inner {
                entries,
                sequence: AtomicU64::new(0),
                purged: moka::sync::Cache::builder()
                    .max_capacity(1_000_000)
                    .time_to_live(PURGE_MEMORY)
                    .build(),
                purged_all: AtomicU64::new(0),
            }),
        }
    }

    /// The current purge sequence number: take it before a query starts.
    pub fn purge_sequence(&self) -> u64 {
        self.inner.sequence.load(Ordering::SeqCst)
    }

    pub async fn get(&self, key: &ResponseKey) -> Option<Arc<Rendered>> {
        let entry = self.inner.entries.get(key).await?;
        let now = self.purge_sequence();
        if entry.checked.load(Ordering::SeqCst) == now
            || self.is_current(entry.sequence, &entry.rendered.tags)
        {
            entry.checked.store(now, Ordering::SeqCst);
            return Some(entry.rendered.clone());
        }
        self.inner.entries.invalidate(key).await;
        None
    }

    /// The entry of `key`, or what `init` produces, run once however many callers wait for it
    /// (the callers that waited read it as a local hit). An answer whose tags were purged while
    /// it was made is handed to the waiting callers but not kept.
    pub async fn fill(
        &self,
        key: &ResponseKey,
        init: impl Future<Output = Filled> + Send,
        start: u64,
    ) -> (Arc<Rendered>, Source) {
        let made = self
            .inner
            .entries
            .entry_by_ref(key)
            .or_try_insert_with(async {
                let (rendered, lifetime, source) = init.await?;
                if !self.is_current(start, &rendered.tags) {
                    return Err((rendered, source));
                }
                Ok(Arc::new(Entry {
                    rendered,
                    source,
                    sequence: start,
                    checked: AtomicU64::new(start),
                    lifetime,
                }))
            })
            .await;
        match made {
            Ok(entry) if entry.is_fresh() => {
                let entry = entry.into_value();
                (entry.rendered.clone(), entry.source)
            }
            Ok(entry) => (entry.into_value().rendered.clone(), Source::Local),
            Err(unkept) => unkept.as_ref().clone(),
        }
    }

    /// Drops the entries tagged with any of `tags`.
    pub fn purge(&self, tags: &[String]) {
        let sequence = self.inner.sequence.fetch_add(1, Ordering::SeqCst) + 1;
        for tag in tags {
            self.inner.purged.insert(tag.clone(), sequence);
        }
        let tags: HashSet<String> = tags.iter().cloned().collect();
        let dropped = self.inner.entries.invalidate_entries_if(move |_, entry| {
            entry.rendered.tags.iter().any(|t| tags.contains(t))
        });
        if let Err(err) = dropped {
            tracing::warn!(error = ?err, "could not drop purged responses; dropping all");
            self.inner.entries.invalidate_all();
        }
    }

    /// Drops every entry (when purges may have been missed).
    pub fn purge_all(&self) {
        let sequence = self.inner.sequence.fetch_add(1, Ordering::SeqCst) + 1;
        self.inner.purged_all.store(sequence, Ordering::SeqCst);
        self.inner.entries.invalidate_all();
    }

    /// Whether an answer made from a query started at `sequence` saw every purge of its tags.
    fn is_current(&self, sequence: u64, tags: &[String]) -> bool {
        sequence >= self.inner.purged_all.load(Ordering::SeqCst)
            && tags.iter().all(|tag| {
                self.inner
                    .purged
                    .get(tag)
                    .is_none_or(|purged| purged <= sequence)
            })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use uuid::Uuid;

    use super::*;
    use crate::cache::scope::CacheScope;

    fn key(n: u8) -> ResponseKey {
        ResponseKey::new(Uuid::nil(), "2025-01", "doc", None, &n.to_string())
    }

    fn rendered(tag: &str) -> Arc<Rendered> {
        Arc::new(Rendered::new(
            format!("{{\"{tag}\":1}}"),
            CacheScope::Catalog,
            vec![tag.to_string()],
            60,
        ))
    }

    async fn fill(tier: &LocalTier, n: u8, tag: &str) {
        let start = tier.purge_sequence();
        let made = rendered(tag);
        let (_, source) = tier
            .fill(
                &key(n),
                async move { Ok((made, Duration::from_secs(60), Source::Executed)) },
                start,
            )
            .await;
        assert_eq!(source, Source::Executed);
    }

    #[tokio::test]
    async fn a_purge_drops_the_tagged_entries_and_keeps_the_others() {
        let tier = LocalTier::new(1 << 20);
        fill(&tier, 1, "pr-a").await;
        fill(&tier, 2, "pr-b").await;
        tier.purge(&["pr-a".to_string()]);
        assert!(tier.get(&key(1)).await.is_none());
        assert!(tier.get(&key(2)).await.is_some());
        tier.purge_all();
        assert!(tier.get(&key(2)).await.is_none());
    }

    #[tokio::test]
    async fn an_answer_made_while_its_tag_was_purged_is_handed_out_but_not_kept() {
        let tier = LocalTier::new(1 << 20);
        let start = tier.purge_sequence();
        let purging = tier.clone();
        let (handed, source) = tier
            .fill(
                &key(1),
                async move {
                    purging.purge(&["pr-a".to_string()]);
                    Ok((rendered("pr-a"), Duration::from_secs(60), Source::Executed))
                },
                start,
            )
            .await;
        assert_eq!(
            (handed.body.as_str(), source),
            ("{\"pr-a\":1}", Source::Executed)
        );
        assert!(tier.get(&key(1)).await.is_none(), "not kept");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_fills_of_one_key_run_once() {
        let tier = LocalTier::new(1 << 20);
        let runs = Arc::new(AtomicUsize::new(0));
        let fills = (0..100).map(|_| {
            let (tier, runs) = (tier.clone(), runs.clone());
            tokio::spawn(async move {
                let start = tier.purge_sequence();
                tier.fill(
                    &key(7),
                    async move {
                        runs.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        Ok((rendered("pr-a"), Duration::from_secs(60), Source::Executed))
                    },
                    start,
                )
                .await
                .1
            })
        });
        let sources: Vec<Source> = futures::future::join_all(fills)
            .await
            .into_iter()
            .map(|joined| joined.unwrap())
            .collect();
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        assert_eq!(
            sources.iter().filter(|s| **s == Source::Executed).count(),
            1
        );
    }
}
