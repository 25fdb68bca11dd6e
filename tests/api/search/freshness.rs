//! A catalog change reaches search within a second: creations, renames, selling out and
//! deletions. The queries carry a typo, which only the index forgives, so a passing check was
//! answered by the index, not by the database.

use std::time::Duration;

use entities::cache_invalidation;
use entities::prelude::CacheInvalidation;
use sea_orm::{EntityTrait, Set};
use serde_json::json;

use super::listings::titles;
use crate::helpers::{Backend, TestApp, sized_product, spawn_app_on};
use crate::on_both_backends;

const PRODUCT_UPDATE: &str =
    include_str!("../../../schema/operations/admin/product_update.graphql");
const PRODUCT_DELETE: &str =
    include_str!("../../../schema/operations/admin/product_delete.graphql");
const INVENTORY: &str = include_str!("../../../schema/operations/admin/inventory.graphql");

/// Waits at most a second from now for `query` (sorted by title) to find exactly `expected`.
pub async fn within_a_second(app: &TestApp, query: &str, expected: &[&str]) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(1);
    loop {
        let found = titles(
            app,
            json!({ "first": 10, "query": query, "sortKey": "TITLE" }),
        )
        .await;
        if found == expected {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "`{query}` still finds {found:?} a second after the change, not {expected:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn a_change_is_searchable_within_a_second(backend: Backend) {
    let app = spawn_app_on(backend).await;
    app.search_caught_up().await;
    let parka = app.create_product(sized_product("Azure Parka", "AP")).await;
    within_a_second(&app, "asure", &["Azure Parka"]).await;

    app.admin(
        PRODUCT_UPDATE,
        "ProductUpdate",
        json!({ "id": parka["id"], "input": { "title": "Crimson Parka" } }),
    )
    .await;
    within_a_second(&app, "crimzon", &["Crimson Parka"]).await;
    within_a_second(&app, "asure", &[]).await;

    let quantities: Vec<_> = parka["variants"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|variant| json!({ "variantId": variant["id"], "quantity": 0 }))
        .collect();
    app.admin(
        INVENTORY,
        "InventorySet",
        json!({ "quantities": quantities, "reason": "sold out" }),
    )
    .await;
    within_a_second(&app, "parkka available_for_sale:false", &["Crimson Parka"]).await;

    app.admin(
        PRODUCT_DELETE,
        "ProductDelete",
        json!({ "id": parka["id"] }),
    )
    .await;
    within_a_second(&app, "parkka", &[]).await;
}

on_both_backends!(
    a_change_is_searchable_within_a_second,
    a_burst_of_changes_does_not_stall_the_index,
);

/// More catalog changes than one pass takes, all within the indexer's overlap: each pass still
/// gets past the rows it has seen to the new ones.
async fn a_burst_of_changes_does_not_stall_the_index(backend: Backend) {
    let app = spawn_app_on(backend).await;
    app.search_caught_up().await;
    let listing = vitrine::cache::tags::products(app.store.store_id);
    let now = chrono::Utc::now();
    let rows: Vec<cache_invalidation::ActiveModel> = (0..2_500)
        .map(|n| cache_invalidation::ActiveModel {
            id: Set(uuid::Uuid::now_v7()),
            store_id: Set(app.store.store_id),
            tags: Set(listing.clone()),
            created_at: Set(now + chrono::Duration::microseconds(n)),
            origin_due_at: Set(now),
            origin_purged_at: Set(Some(now)),
            cdn_attempts: Set(0),
            cdn_next_attempt_at: Set(now),
            cdn_purged_at: Set(Some(now)),
            cdn_error: Set(None),
        })
        .collect();
    for chunk in rows.chunks(500) {
        CacheInvalidation::insert_many(chunk.to_vec())
            .exec(app.db())
            .await
            .unwrap();
    }
    app.create_product(sized_product("Burst Parka", "BP")).await;
    within_a_second(&app, "brust", &["Burst Parka"]).await;
}
