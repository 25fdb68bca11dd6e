//! Rebuilds without downtime, on each backend: an index built aside takes writes while the live
//! one keeps answering as before, and once published replaces it for whoever searches the live
//! one (at its next refresh), which then takes writes as usual.

use search::{AsideIndex, SearchBackend};
use uuid::Uuid;

use crate::catalog;
use crate::suite::query;

async fn total(backend: &dyn SearchBackend, store: Uuid) -> u64 {
    backend.search(&query(store, "")).await.unwrap().total
}

async fn a_published_rebuild_replaces_the_live_index(
    live: &dyn SearchBackend,
    aside: Box<dyn AsideIndex>,
) {
    let (before, after) = (Uuid::new_v4(), Uuid::new_v4());
    let (mut old, mut new) = (catalog::products(before), catalog::products(after));
    old.truncate(3);
    new.truncate(2);
    live.index_products(&old).await.unwrap();
    live.set_watermark(1).await.unwrap();
    assert!(!live.refresh().await.unwrap(), "nothing was published yet");

    let built = aside.backend();
    built.index_products(&new).await.unwrap();
    built.set_watermark(2).await.unwrap();
    assert!(!live.refresh().await.unwrap(), "nothing was published yet");
    assert_eq!(
        total(live, before).await,
        3,
        "the live index answers during a rebuild"
    );
    assert_eq!(
        total(live, after).await,
        0,
        "the index aside is not searched before it is published"
    );
    drop(built);

    aside.publish().await.unwrap();
    assert!(
        live.refresh().await.unwrap(),
        "the live index sees the rebuild published"
    );
    assert!(!live.refresh().await.unwrap(), "and sees it once");
    assert_eq!(total(live, after).await, 2);
    assert_eq!(total(live, before).await, 0, "the old index is gone");
    assert_eq!(
        live.watermark().await.unwrap(),
        Some(2),
        "the new index brings its watermark"
    );

    live.index_products(&old).await.unwrap();
    assert_eq!(total(live, before).await, 3, "the new index takes writes");
}

#[tokio::test]
async fn tantivy_a_published_rebuild_replaces_the_live_index() {
    let root = std::env::temp_dir().join(format!("vitrine-search-{}", Uuid::new_v4()));
    let live = search::tantivy::TantivyBackend::open(&root).unwrap();
    let aside = search::tantivy::TantivyBackend::aside(&root).unwrap();
    a_published_rebuild_replaces_the_live_index(&live, Box::new(aside)).await;
    let generations = std::fs::read_dir(&root)
        .unwrap()
        .filter(|entry| entry.as_ref().unwrap().path().is_dir())
        .count();
    assert_eq!(
        generations, 1,
        "the replaced generation is removed from disk"
    );
    drop(live);
    let reopened = search::tantivy::TantivyBackend::open(&root).unwrap();
    assert_eq!(total(&reopened, Uuid::nil()).await, 0);
    assert_eq!(
        reopened.watermark().await.unwrap(),
        Some(2),
        "a restart opens the published index"
    );
    std::fs::remove_dir_all(&root).unwrap();
}

#[tokio::test]
#[ignore = "needs a Meilisearch server at MEILI_URL"]
async fn meilisearch_a_published_rebuild_replaces_the_live_index() {
    let url = std::env::var("MEILI_URL").expect("MEILI_URL names the Meilisearch server to test");
    let key = std::env::var("MEILI_KEY").ok();
    let prefix = format!("conformance_rebuild_{}", Uuid::new_v4().simple());
    let live = search::meilisearch::MeilisearchBackend::connect(&url, key.as_deref(), &prefix)
        .await
        .unwrap();
    let aside = search::meilisearch::MeilisearchBackend::aside(&url, key.as_deref(), &prefix)
        .await
        .unwrap();
    a_published_rebuild_replaces_the_live_index(&live, Box::new(aside)).await;
}
