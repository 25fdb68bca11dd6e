//! The writing side of the purge outbox: a write that changes what a cached response says calls
//! `record` last, in its own transaction, with the tags it made stale (`tags` says which write
//! purges what; the functions below compose those sets). The row commits or rolls back with the
//! write, so a committed change is always purged, even if the server dies right after; the purge
//! worker (`workers::purge`) does the purging, and a request purges its own writes before it
//! answers (`own_writes`). Nothing here talks to a cache.

use chrono::Utc;
use entities::cache_invalidation;
use entities::prelude::CacheInvalidation;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::{own_writes, tags};
use crate::error::Result;
use crate::stores::Store;

/// How long the worker leaves a row to the request that wrote it (which purges it within
/// milliseconds of answering, unless it dies first).
const OWN_WRITES_GRACE: chrono::Duration = chrono::Duration::seconds(5);

/// Owes a purge of `tags` (duplicates dropped); no row when there are none.
pub async fn record(db: &impl ConnectionTrait, store: &Store, tags: Vec<String>) -> Result<()> {
    record_for(db, store.id, tags).await
}

/// `record`, for a store known by its id.
pub async fn record_for(
    db: &impl ConnectionTrait,
    store_id: Uuid,
    tags: Vec<String>,
) -> Result<()> {
    let tags = distinct(tags);
    if tags.is_empty() {
        return Ok(());
    }
    let now = Utc::now();
    let id = Uuid::now_v7();
    let origin_due_at = if own_writes::note(id, &tags) {
        now + OWN_WRITES_GRACE
    } else {
        now
    };
    cache_invalidation::ActiveModel {
        id: Set(id),
        store_id: Set(store_id),
        tags: Set(tags.join(" ")),
        created_at: Set(now),
        origin_due_at: Set(origin_due_at),
        origin_purged_at: Set(None),
        cdn_attempts: Set(0),
        cdn_next_attempt_at: Set(now),
        cdn_purged_at: Set(None),
        cdn_error: Set(None),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Marks rows the request that wrote them purged at the origin itself.
pub async fn purged_at_origin(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    CacheInvalidation::update_many()
        .col_expr(
            cache_invalidation::Column::OriginPurgedAt,
            Expr::value(Utc::now()),
        )
        .filter(cache_invalidation::Column::Id.is_in(ids.iter().copied()))
        .filter(cache_invalidation::Column::OriginPurgedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// The tags of a row, as `record` joined them.
pub fn tags_of(row: &cache_invalidation::Model) -> Vec<String> {
    row.tags.split_whitespace().map(str::to_string).collect()
}

/// A product write: the product, each of its `variants` (those it has, and those it just lost),
/// and the store's product listings.
pub fn product_tags(store_id: Uuid, product_id: Uuid, variants: &[Uuid]) -> Vec<String> {
    let mut purged = vec![tags::product(product_id), tags::products(store_id)];
    purged.extend(variants.iter().map(|id| tags::variant(*id)));
    purged
}

/// A collection write (details or members): the collection, the collection listings, and the
/// product listings (a collection's products are listed through it).
pub fn collection_tags(store_id: Uuid, collection_id: Uuid) -> Vec<String> {
    vec![
        tags::collection(collection_id),
        tags::collections(store_id),
        tags::products(store_id),
    ]
}

/// A variant that came into stock or sold out: the variant, its product, the product listings.
pub fn availability_tags(store_id: Uuid, product_id: Uuid, variant_id: Uuid) -> Vec<String> {
    product_tags(store_id, product_id, &[variant_id])
}

/// A write to the store's menus, pages or settings: every response of the store.
pub fn store_tags(store_id: Uuid) -> Vec<String> {
    vec![tags::store(store_id)]
}

/// `tags` in their first order, each once.
fn distinct(tags: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::with_capacity(tags.len());
    tags.into_iter()
        .filter(|tag| seen.insert(tag.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_tags_are_kept_once_in_their_first_order() {
        let tags = distinct(vec!["b".into(), "a".into(), "b".into(), "c".into()]);
        assert_eq!(tags, vec!["b", "a", "c"]);
    }

    #[test]
    fn a_stock_flip_purges_the_variant_its_product_and_the_listings_and_nothing_else() {
        let store_id = Uuid::now_v7();
        let (product, variant) = (Uuid::now_v7(), Uuid::now_v7());
        let purged = availability_tags(store_id, product, variant);
        assert_eq!(purged.len(), 3);
        for tag in [
            tags::variant(variant),
            tags::product(product),
            tags::products(store_id),
        ] {
            assert!(purged.contains(&tag), "{tag}");
        }
    }
}
