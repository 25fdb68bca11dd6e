//! Keeps the search index in step with the catalog. Writes that change what a shopper sees
//! record the cache tags they made stale in the purge outbox (`cache_invalidations`, in the
//! write's transaction); the indexer reads the same rows: a product tag reindexes the product
//! (or removes it, once the storefront no longer shows it), a collection tag reindexes the
//! collection and its members (those in the database and those the index still files under it),
//! a store tag (pages, menus, settings) reindexes the store's content.
//!
//! Each index keeps its own watermark (the creation time of the newest row it took in), so that
//! any number of indexes follow the catalog independently. Rows are read from a little before the
//! watermark (`OVERLAP`), so a row whose transaction committed after a later one's is still seen;
//! rows taken in within the overlap are remembered and not taken in twice. Reindexing is
//! idempotent, so a row taken in again after a restart costs a little work and nothing else. An
//! index that has never been filled, or whose watermark is older than the purge outbox keeps
//! rows, is rebuilt whole first.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use entities::cache_invalidation;
use entities::prelude::{CacheInvalidation, Store as StoreEntity};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use search::{Page, SearchBackend, SearchQuery};
use tokio::sync::Mutex;
use uuid::Uuid;

use super::documents;
use crate::cache::invalidation;
use crate::cache::tags::{self, Tag};
use crate::db::Database;
use crate::error::{AppError, Result};

/// How far before the watermark rows are read again: longer than a write's transaction takes
/// to commit.
pub const OVERLAP: Duration = Duration::from_secs(10);

/// Rows taken in per pass.
const ROWS_PER_PASS: u64 = 1_000;

/// An index older than this is rebuilt whole: the purge outbox may have dropped the rows it
/// missed (`workers::purge` keeps rows an hour).
const OLDEST_WATERMARK: Duration = Duration::from_secs(45 * 60);

/// The most products one collection reindexes through the index's own listing of it.
const MOST_MEMBERS: usize = 100_000;

/// How a rebuild goes, for a progress bar.
#[derive(Debug, Clone, Copy)]
pub enum Rebuilding {
    /// A store's products were listed: this many more to index.
    Found(usize),
    /// This many more products were indexed (or found gone).
    Indexed(usize),
}

/// What one pass must bring up to date, per store.
#[derive(Debug, Default)]
struct Owed {
    products: BTreeSet<Uuid>,
    collections: BTreeSet<Uuid>,
    content: bool,
    /// Every product of the store (its search synonyms changed).
    every_product: bool,
}

impl Owed {
    fn is_empty(&self) -> bool {
        self.products.is_empty()
            && self.collections.is_empty()
            && !self.content
            && !self.every_product
    }
}

/// Where the indexer has got.
#[derive(Default)]
struct Progress {
    /// The creation time of the newest row taken in.
    watermark: Option<DateTime<Utc>>,
    /// Rows taken in that are still within the overlap, with their creation time.
    seen: HashMap<Uuid, DateTime<Utc>>,
}

/// The indexer of one index.
#[derive(Clone)]
pub struct Indexer {
    db: Database,
    backend: Arc<dyn SearchBackend>,
    progress: Arc<Mutex<Option<Progress>>>,
    ready: Arc<AtomicBool>,
}

impl Indexer {
    pub fn new(db: Database, backend: Arc<dyn SearchBackend>) -> Indexer {
        Indexer {
            db,
            backend,
            progress: Arc::new(Mutex::new(None)),
            ready: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Whether the index holds the whole catalog (searches use the database until it does).
    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Acquire)
    }

    /// One pass: the first rebuilds the index if it must, every pass takes in the rows recorded
    /// since the last. Returns how many rows it took in.
    pub async fn pass(&self) -> Result<usize> {
        let mut progress = self.progress.lock().await;
        if self.backend.refresh().await.map_err(AppError::Internal)? {
            tracing::info!("the search index was replaced; resuming from its watermark");
            *progress = None;
        }
        if progress.is_none() {
            *progress = Some(self.resume().await?);
        }
        let progress = progress.as_mut().expect("resumed above");
        let taken = self.take_in(progress).await?;
        self.ready.store(true, Ordering::Release);
        Ok(taken)
    }

    /// Where a fresh process starts: the index's own watermark, or a rebuild.
    async fn resume(&self) -> Result<Progress> {
        let watermark = self.backend.watermark().await.map_err(AppError::Internal)?;
        let oldest = Utc::now() - chrono::Duration::from_std(OLDEST_WATERMARK).unwrap_or_default();
        let watermark = watermark.and_then(DateTime::<Utc>::from_timestamp_millis);
        match watermark {
            Some(watermark) if watermark > oldest => Ok(Progress {
                watermark: Some(watermark),
                seen: HashMap::new(),
            }),
            _ => Ok(self.refill(&mut |_| {}).await?.0),
        }
    }

    /// Fills the index with the whole catalog, telling `report` how it goes; the passes after
    /// take in the changes made meanwhile. Returns how many products it indexed.
    pub async fn fill(&self, report: &mut (dyn FnMut(Rebuilding) + Send)) -> Result<usize> {
        let mut progress = self.progress.lock().await;
        let (filled, indexed) = self.refill(report).await?;
        *progress = Some(filled);
        Ok(indexed)
    }

    /// Rebuilds the index whole and records where its changes start: a little before the
    /// rebuild began, so that what changed while it read the catalog is taken in after.
    async fn refill(
        &self,
        report: &mut (dyn FnMut(Rebuilding) + Send),
    ) -> Result<(Progress, usize)> {
        let started = Utc::now();
        let indexed = self.rebuild(None, report).await?;
        let watermark = started - overlap();
        self.backend
            .set_watermark(watermark.timestamp_millis())
            .await
            .map_err(AppError::Internal)?;
        let progress = Progress {
            watermark: Some(watermark),
            seen: HashMap::new(),
        };
        Ok((progress, indexed))
    }

    /// Reindexes every store (or one) whole, removing what the index holds that the catalog no
    /// longer shows, and telling `report` how it goes. Returns how many products it indexed.
    pub async fn rebuild(
        &self,
        only: Option<Uuid>,
        report: &mut (dyn FnMut(Rebuilding) + Send),
    ) -> Result<usize> {
        let stores: Vec<Uuid> = match only {
            Some(store) => vec![store],
            None => {
                StoreEntity::find()
                    .select_only()
                    .column(entities::store::Column::Id)
                    .into_tuple()
                    .all(self.db.reader())
                    .await?
            }
        };
        let mut indexed = 0;
        for store in stores {
            let ids = documents::shown_product_ids(self.db.reader(), store).await?;
            report(Rebuilding::Found(ids.len()));
            for chunk in ids.chunks(documents::BATCH) {
                indexed += self.reindex_products(store, chunk).await?;
                report(Rebuilding::Indexed(chunk.len()));
            }
            self.reindex_content(store).await?;
        }
        Ok(indexed)
    }

    /// Whether the newest change recorded has been taken in (for tests and the admin).
    pub async fn caught_up(&self) -> Result<bool> {
        let newest = CacheInvalidation::find()
            .order_by_desc(cache_invalidation::Column::CreatedAt)
            .order_by_desc(cache_invalidation::Column::Id)
            .one(self.db.reader())
            .await?;
        let progress = self.progress.lock().await;
        let Some(progress) = progress.as_ref() else {
            return Ok(false);
        };
        Ok(match newest {
            None => true,
            Some(row) => {
                progress.seen.contains_key(&row.id)
                    || progress
                        .watermark
                        .is_some_and(|watermark| row.created_at < watermark - overlap())
            }
        })
    }

    /// Up to `ROWS_PER_PASS` rows not taken in yet, oldest first. The rows of the overlap are read
    /// again page by page (most of them seen already), so that however many there are, the pass
    /// gets past them to the new ones.
    async fn unseen_rows(&self, progress: &Progress) -> Result<Vec<cache_invalidation::Model>> {
        let since = progress.watermark.map(|at| at - overlap());
        let mut after: Option<(DateTime<Utc>, Uuid)> = None;
        let mut unseen = Vec::new();
        loop {
            let mut page = CacheInvalidation::find()
                .order_by_asc(cache_invalidation::Column::CreatedAt)
                .order_by_asc(cache_invalidation::Column::Id)
                .limit(ROWS_PER_PASS);
            if let Some(since) = since {
                page = page.filter(cache_invalidation::Column::CreatedAt.gte(since));
            }
            if let Some((at, id)) = after {
                page = page.filter(
                    Condition::any()
                        .add(cache_invalidation::Column::CreatedAt.gt(at))
                        .add(
                            Condition::all()
                                .add(cache_invalidation::Column::CreatedAt.eq(at))
                                .add(cache_invalidation::Column::Id.gt(id)),
                        ),
                );
            }
            let rows = page.all(self.db.reader()).await?;
            let full = rows.len() as u64 == ROWS_PER_PASS;
            after = rows.last().map(|row| (row.created_at, row.id));
            unseen.extend(
                rows.into_iter()
                    .filter(|row| !progress.seen.contains_key(&row.id)),
            );
            if !full || unseen.len() as u64 >= ROWS_PER_PASS {
                return Ok(unseen);
            }
        }
    }

    async fn take_in(&self, progress: &mut Progress) -> Result<usize> {
        let rows = self.unseen_rows(progress).await?;
        if rows.is_empty() {
            return Ok(0);
        }
        let mut owed: BTreeMap<Uuid, Owed> = BTreeMap::new();
        for row in &rows {
            owe(owed.entry(row.store_id).or_default(), row);
        }
        // Rows that owe the index nothing (listing purges, its own among them) are only seen.
        owed.retain(|_, owed| !owed.is_empty());
        tracing::debug!(
            rows = rows.len(),
            ?owed,
            "search index takes in catalog changes"
        );
        for (store, owed) in owed {
            self.settle(store, owed).await?;
        }
        let newest = rows.iter().map(|row| row.created_at).max();
        progress
            .seen
            .extend(rows.iter().map(|row| (row.id, row.created_at)));
        if let Some(newest) = newest {
            let watermark = progress.watermark.map_or(newest, |known| known.max(newest));
            progress.watermark = Some(watermark);
            let horizon = watermark - overlap();
            progress.seen.retain(|_, at| *at >= horizon);
            self.backend
                .set_watermark(watermark.timestamp_millis())
                .await
                .map_err(AppError::Internal)?;
        }
        Ok(rows.len())
    }

    /// Brings the store's documents up to date, then purges the store's searches from the
    /// caches: one answered before the index took the change in is stale now.
    async fn settle(&self, store: Uuid, owed: Owed) -> Result<()> {
        let mut products: BTreeSet<Uuid> = owed.products;
        if owed.every_product {
            products.extend(documents::shown_product_ids(self.db.reader(), store).await?);
        }
        for collection in &owed.collections {
            let members = documents::collection_members(self.db.reader(), store, *collection);
            products.extend(members.await?);
            products.extend(self.indexed_members(store, *collection).await?);
        }
        let products: Vec<Uuid> = products.into_iter().collect();
        self.reindex_products(store, &products).await?;
        if owed.content || !owed.collections.is_empty() {
            self.reindex_content(store).await?;
        }
        let tx = self.db.begin().await?;
        invalidation::record_for(&tx, store, vec![tags::search(store)]).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The products the index files under `collection`, which may include some that left it.
    async fn indexed_members(&self, store: Uuid, collection: Uuid) -> Result<Vec<Uuid>> {
        let listing = SearchQuery {
            collection: Some(collection),
            page: Page {
                offset: 0,
                limit: MOST_MEMBERS,
            },
            ..SearchQuery::new(store, "")
        };
        let found = self
            .backend
            .search(&listing)
            .await
            .map_err(AppError::Internal)?;
        Ok(found.hits.into_iter().map(|hit| hit.id).collect())
    }

    async fn reindex_products(&self, store: Uuid, ids: &[Uuid]) -> Result<usize> {
        let mut indexed = 0;
        for chunk in ids.chunks(documents::BATCH) {
            let (shown, gone) = documents::products(self.db.reader(), store, chunk).await?;
            self.backend
                .index_products(&shown)
                .await
                .map_err(AppError::Internal)?;
            self.backend
                .delete(store, &gone)
                .await
                .map_err(AppError::Internal)?;
            indexed += shown.len();
        }
        Ok(indexed)
    }

    /// Indexes the store's collections and pages, and removes documents the index holds that are
    /// neither a product the storefront shows nor content of the store.
    async fn reindex_content(&self, store: Uuid) -> Result<()> {
        let content = documents::content(self.db.reader(), store).await?;
        self.backend
            .index_content(&content)
            .await
            .map_err(AppError::Internal)?;
        let mut known: HashSet<Uuid> = content.iter().map(|doc| doc.id).collect();
        known.extend(documents::shown_product_ids(self.db.reader(), store).await?);
        let indexed = self
            .backend
            .digests(store)
            .await
            .map_err(AppError::Internal)?;
        let stale: Vec<Uuid> = indexed
            .into_iter()
            .map(|(id, _)| id)
            .filter(|id| !known.contains(id))
            .collect();
        self.backend
            .delete(store, &stale)
            .await
            .map_err(AppError::Internal)?;
        Ok(())
    }
}

fn overlap() -> chrono::Duration {
    chrono::Duration::from_std(OVERLAP).unwrap_or_default()
}

/// What `row`'s tags owe the index.
fn owe(owed: &mut Owed, row: &cache_invalidation::Model) {
    for tag in invalidation::tags_of(row) {
        match tags::parse(&tag) {
            Some(Tag::Product(id)) => {
                owed.products.insert(id);
            }
            Some(Tag::Collection(id)) => {
                owed.collections.insert(id);
            }
            Some(Tag::Store(_)) => owed.content = true,
            Some(Tag::SearchSynonyms(_)) => owed.every_product = true,
            _ => {}
        }
    }
}
