//! Edge caching, from a write to the purge: every write that changes a cached answer owes a purge
//! in its own transaction (`invalidations`); the purge worker purges the origin and sends the CDN
//! its purges, retrying a failing CDN (`cdn_purge`); and, through a real Varnish started per test
//! with `deploy/varnish/vitrine.vcl` (`varnish`), public catalog reads are cached, purged within a
//! second of a write, kept apart per store, and mostly hits under a Zipf browse (`through_varnish`,
//! `hit_ratio`); the VCL itself is tested against a stand-in origin (`vcl`). Shared here: reading a store's purge rows back.

mod cdn_purge;
mod hit_ratio;
mod invalidations;
mod through_varnish;
mod varnish;
mod vcl;

use entities::cache_invalidation;
use entities::prelude::CacheInvalidation;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::helpers::TestApp;

/// Every purge row of a store, in creation (id) order.
pub async fn rows_of_store(app: &TestApp, store_id: Uuid) -> Vec<cache_invalidation::Model> {
    CacheInvalidation::find()
        .filter(cache_invalidation::Column::StoreId.eq(store_id))
        .order_by_asc(cache_invalidation::Column::Id)
        .all(app.db())
        .await
        .unwrap()
}

/// The tag sets of the store's rows after the first `at`, each sorted.
pub async fn tag_sets_since(app: &TestApp, at: usize) -> Vec<Vec<String>> {
    rows_of_store(app, app.store.store_id)
        .await
        .iter()
        .skip(at)
        .map(|row| {
            let mut tags: Vec<String> = row.tags.split(' ').map(str::to_string).collect();
            tags.sort();
            tags
        })
        .collect()
}

/// How many purge rows the store has so far.
pub async fn mark(app: &TestApp) -> usize {
    rows_of_store(app, app.store.store_id).await.len()
}

/// A gid's uuid.
pub fn uuid_of(gid: &str) -> Uuid {
    vitrine::ids::decode_any(gid).expect("a gid").1
}

/// `tags`, sorted, as strings.
pub fn sorted(tags: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut tags: Vec<String> = tags.into_iter().collect();
    tags.sort();
    tags
}
