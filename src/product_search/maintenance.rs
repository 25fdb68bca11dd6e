//! What operators run against an index (`vitrine search reindex` and `vitrine search check`):
//!
//! - A reindex builds a whole new index aside while the live one answers, takes in the changes
//!   made meanwhile, and swaps it in; running servers switch at their next indexer tick. With
//!   `--store` on Meilisearch, the store's documents are replaced in place instead (each one is
//!   replaced atomically, so none is ever missing) and strays removed. The embedded index has one
//!   writer, the server, so there a store's reindex is a whole one, built aside.
//! - The check compares every document the catalog makes with the digest the index holds:
//!   missing (in the catalog, not indexed), stale (indexed, differs) and stray (indexed, not in
//!   the catalog). A repair owes the index those products (and the store's content) through the
//!   purge outbox, so the indexer of whichever process writes the index takes them in.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use search::{AsideIndex, SearchBackend};
use uuid::Uuid;

use super::documents;
use super::indexer::{Indexer, Rebuilding};
use crate::cache::{invalidation, tags};
use crate::config::Settings;
use crate::db::Database;

/// The most changes a reindex takes in after its rebuild before it swaps (the running servers'
/// indexers take in whatever comes after).
const MOST_CATCH_UP_PASSES: usize = 100;

/// Rebuilds the index (of every store, or of one in place where the backend allows), telling
/// `report` how it goes. Returns how many products were indexed.
pub async fn reindex(
    settings: &Settings,
    db: &Database,
    store: Option<Uuid>,
    report: &mut (dyn FnMut(Rebuilding) + Send),
) -> anyhow::Result<usize> {
    if let (Some(store), Some(_)) = (store, &settings.meili_url) {
        let live = super::backend(settings).await?;
        let indexer = Indexer::new(db.clone(), live);
        return Ok(indexer.rebuild(Some(store), report).await?);
    }
    let aside = aside(settings).await?;
    let indexer = Indexer::new(db.clone(), aside.backend());
    let indexed = indexer.fill(report).await?;
    for _ in 0..MOST_CATCH_UP_PASSES {
        if indexer.caught_up().await? || indexer.pass().await? == 0 {
            break;
        }
    }
    drop(indexer);
    aside.publish().await?;
    Ok(indexed)
}

async fn aside(settings: &Settings) -> anyhow::Result<Box<dyn AsideIndex>> {
    Ok(match &settings.meili_url {
        Some(url) => {
            let key = settings.meili_key.as_ref().map(|key| key.expose());
            let prefix = &settings.meili_index_prefix;
            Box::new(search::meilisearch::MeilisearchBackend::aside(url, key, prefix).await?)
        }
        None => Box::new(search::tantivy::TantivyBackend::aside(&super::index_dir(
            settings,
        ))?),
    })
}

/// The live index for reading beside the server that writes it.
async fn reader(settings: &Settings) -> anyhow::Result<Arc<dyn SearchBackend>> {
    match &settings.meili_url {
        Some(_) => super::backend(settings).await,
        None => Ok(Arc::new(search::tantivy::TantivyBackend::open_read_only(
            &super::index_dir(settings),
        )?)),
    }
}

/// How a store's index differs from its catalog.
#[derive(Debug, Default)]
pub struct Discrepancies {
    /// Documents the index holds.
    pub indexed: usize,
    /// Documents the catalog makes.
    pub expected: usize,
    pub missing: Vec<Uuid>,
    pub stale: Vec<Uuid>,
    pub stray: Vec<Uuid>,
}

impl Discrepancies {
    pub fn is_empty(&self) -> bool {
        self.missing.is_empty() && self.stale.is_empty() && self.stray.is_empty()
    }
}

/// Compares the live index with the catalog of each store.
pub async fn check(
    settings: &Settings,
    db: &Database,
    stores: &[Uuid],
) -> anyhow::Result<Vec<Discrepancies>> {
    let index = reader(settings).await?;
    let mut found = Vec::with_capacity(stores.len());
    for store in stores {
        found.push(check_store(db, index.as_ref(), *store).await?);
    }
    Ok(found)
}

async fn check_store(
    db: &Database,
    index: &dyn SearchBackend,
    store: Uuid,
) -> anyhow::Result<Discrepancies> {
    let mut expected: HashMap<Uuid, String> = HashMap::new();
    let ids = documents::shown_product_ids(db.reader(), store).await?;
    for chunk in ids.chunks(documents::BATCH) {
        let (shown, _) = documents::products(db.reader(), store, chunk).await?;
        expected.extend(shown.iter().map(|doc| (doc.id, doc.digest())));
    }
    let content = documents::content(db.reader(), store).await?;
    expected.extend(content.iter().map(|doc| (doc.id, doc.digest())));
    let indexed: HashMap<Uuid, String> = index.digests(store).await?.into_iter().collect();
    let mut found = Discrepancies {
        indexed: indexed.len(),
        expected: expected.len(),
        ..Discrepancies::default()
    };
    for (id, digest) in &expected {
        match indexed.get(id) {
            None => found.missing.push(*id),
            Some(held) if held != digest => found.stale.push(*id),
            Some(_) => {}
        }
    }
    found.stray = indexed
        .keys()
        .filter(|id| !expected.contains_key(id))
        .copied()
        .collect();
    for ids in [&mut found.missing, &mut found.stale, &mut found.stray] {
        ids.sort();
    }
    Ok(found)
}

/// Owes the index every document `found` names, through the purge outbox: a product by its tag
/// (reindexed, or removed when the storefront no longer shows it, as any stray is), content
/// by the store's tag (the store's content reindexed).
pub async fn repair(db: &Database, store: Uuid, found: &Discrepancies) -> anyhow::Result<()> {
    let products: BTreeSet<Uuid> = documents::shown_product_ids(db.reader(), store)
        .await?
        .into_iter()
        .collect();
    let (owed_products, owed_content): (Vec<Uuid>, Vec<Uuid>) = found
        .missing
        .iter()
        .chain(&found.stale)
        .partition(|id| products.contains(id));
    let mut owed: Vec<String> = owed_products
        .iter()
        .chain(&found.stray)
        .map(|id| tags::product(*id))
        .collect();
    if !owed_content.is_empty() {
        owed.push(tags::store(store));
    }
    let tx = db.begin().await?;
    for chunk in owed.chunks(500) {
        invalidation::record_for(&tx, store, chunk.to_vec()).await?;
    }
    tx.commit().await?;
    Ok(())
}
