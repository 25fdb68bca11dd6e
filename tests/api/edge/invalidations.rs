//! Which purge each write owes: one row per committed write, in its transaction, naming exactly
//! the tags `cache::tags` says it makes stale; none for a refused write or a cart hold that leaves
//! the variant as available as it was. The worker then marks every row purged at the origin.

use serde_json::json;
use vitrine::cache::tags;

use super::{mark, rows_of_store, sorted, tag_sets_since, uuid_of};
use crate::carts::{cart_op, create_cart};
use crate::checkout::eventually;
use crate::helpers::{
    Backend, TestApp, collection_of, no_search_indexing, sized_product, spawn_app_with,
};
use crate::on_both_backends;
use crate::outbox::catalog::{accepted, ids_of};

const PRODUCT_UPDATE: &str =
    include_str!("../../../schema/operations/admin/product_update.graphql");
const PRODUCT_DELETE: &str =
    include_str!("../../../schema/operations/admin/product_delete.graphql");
const VARIANTS: &str = include_str!("../../../schema/operations/admin/variants_bulk.graphql");
const COLLECTIONS: &str = include_str!("../../../schema/operations/admin/collections.graphql");
const CONTENT: &str = include_str!("../../../schema/operations/admin/content.graphql");
const INVENTORY: &str = include_str!("../../../schema/operations/admin/inventory.graphql");

on_both_backends!(
    each_product_and_variant_write_owes_one_purge_of_the_product_its_variants_and_the_listings,
    collection_writes_owe_a_purge_of_the_collection_and_both_listings,
    menus_pages_and_store_settings_owe_a_purge_of_the_whole_store,
    stock_owes_a_purge_only_when_a_variant_sells_out_or_comes_back,
    the_worker_purges_every_row_at_the_origin,
);

/// What a write to `product` purges, with the variants named.
fn product_purge(app: &TestApp, product: &str, variants: &[&str]) -> Vec<String> {
    let mut expected = vec![
        tags::product(uuid_of(product)),
        tags::products(app.store.store_id),
    ];
    expected.extend(variants.iter().map(|gid| tags::variant(uuid_of(gid))));
    sorted(expected)
}

async fn each_product_and_variant_write_owes_one_purge_of_the_product_its_variants_and_the_listings(
    backend: Backend,
) {
    let app = spawn_app_with(backend, no_search_indexing).await;

    // Creation: one row, however many variants and opening stocks.
    let product = app.create_product(sized_product("Purged Tee", "PT")).await;
    let id = product["id"].as_str().unwrap();
    let [s, m, l] = <[String; 3]>::try_from(ids_of(&product)).unwrap();
    let all = [s.as_str(), m.as_str(), l.as_str()];
    assert_eq!(
        tag_sets_since(&app, 0).await,
        vec![product_purge(&app, id, &all)]
    );

    // An update of the product's own fields, then of two variants.
    let at = mark(&app).await;
    let vars = json!({ "id": id, "input": { "vendor": "Zeta" } });
    accepted(&app, PRODUCT_UPDATE, "ProductUpdate", vars).await;
    let variants = json!([{ "id": s, "price": "11.00" }, { "id": m, "price": "21.00" }]);
    let vars = json!({ "productId": id, "variants": variants });
    accepted(&app, VARIANTS, "VariantsBulkUpdate", vars).await;
    let expected = product_purge(&app, id, &all);
    assert_eq!(
        tag_sets_since(&app, at).await,
        vec![expected.clone(), expected]
    );

    // A deleted variant is purged with those that remain.
    let at = mark(&app).await;
    let vars = json!({ "productId": id, "variantsIds": [s] });
    accepted(&app, VARIANTS, "VariantsBulkDelete", vars).await;
    assert_eq!(
        tag_sets_since(&app, at).await,
        vec![product_purge(&app, id, &all)]
    );

    // A refused write owes nothing.
    let at = mark(&app).await;
    let vars = json!({ "id": id, "input": { "title": "" } });
    let data = app.admin(PRODUCT_UPDATE, "ProductUpdate", vars).await;
    assert_ne!(data["productUpdate"]["userErrors"], json!([]));
    assert_eq!(mark(&app).await, at);

    // Deletion purges the product and the variants that went with it.
    accepted(&app, PRODUCT_DELETE, "ProductDelete", json!({ "id": id })).await;
    let remaining = [m.as_str(), l.as_str()];
    assert_eq!(
        tag_sets_since(&app, at).await,
        vec![product_purge(&app, id, &remaining)]
    );
}

async fn collection_writes_owe_a_purge_of_the_collection_and_both_listings(backend: Backend) {
    let app = spawn_app_with(backend, no_search_indexing).await;
    let first = app.create_product(json!({ "title": "First" })).await;
    let second = app.create_product(json!({ "title": "Second" })).await;
    let at = mark(&app).await;

    collection_of(&app, "Summer", std::slice::from_ref(&first)).await;
    let rows = rows_of_store(&app, app.store.store_id).await;
    let collection = app
        .storefront("{ collection(handle: \"summer\") { id } }", json!({}))
        .await["collection"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let expected = sorted([
        tags::collection(uuid_of(&collection)),
        tags::collections(app.store.store_id),
        tags::products(app.store.store_id),
    ]);
    assert_eq!(rows.len(), at + 1);
    assert_eq!(tag_sets_since(&app, at).await, vec![expected.clone()]);

    // Members added, members already there (nothing changes), members removed, deletion.
    let at = mark(&app).await;
    let add = json!({ "id": collection, "productIds": [second["id"]] });
    accepted(&app, COLLECTIONS, "CollectionAddProducts", add.clone()).await;
    accepted(&app, COLLECTIONS, "CollectionAddProducts", add).await;
    let remove = json!({ "id": collection, "productIds": [first["id"]] });
    accepted(&app, COLLECTIONS, "CollectionRemoveProducts", remove).await;
    let vars = json!({ "id": collection, "input": { "title": "Winter" } });
    accepted(&app, COLLECTIONS, "CollectionUpdate", vars).await;
    app.admin(COLLECTIONS, "CollectionDelete", json!({ "id": collection }))
        .await;
    assert_eq!(tag_sets_since(&app, at).await, vec![expected; 4]);
}

async fn menus_pages_and_store_settings_owe_a_purge_of_the_whole_store(backend: Backend) {
    let app = spawn_app_with(backend, no_search_indexing).await;
    let at = mark(&app).await;
    let items = json!([{ "title": "Home", "url": "/" }]);
    let vars = json!({ "handle": "main-menu", "title": "Main", "items": items });
    accepted(&app, CONTENT, "MenuUpsert", vars).await;
    let page = accepted(
        &app,
        CONTENT,
        "PageCreate",
        json!({ "input": { "title": "About" } }),
    )
    .await;
    let vars = json!({ "id": page["page"]["id"], "input": { "body": "<p>Hi</p>" } });
    accepted(&app, CONTENT, "PageUpdate", vars).await;
    let vars = json!({ "input": { "name": "Renamed Store" } });
    accepted(&app, CONTENT, "StoreUpdate", vars).await;

    let whole_store = vec![tags::store(app.store.store_id)];
    assert_eq!(tag_sets_since(&app, at).await, vec![whole_store; 4]);
}

async fn stock_owes_a_purge_only_when_a_variant_sells_out_or_comes_back(backend: Backend) {
    let app = spawn_app_with(backend, no_search_indexing).await;
    let product = app.create_product(sized_product("Stock Tee", "ST")).await;
    let id = product["id"].as_str().unwrap();
    // S has 5 units, M none, L 2.
    let [_s, m, l] = <[String; 3]>::try_from(ids_of(&product)).unwrap();
    let at = mark(&app).await;

    // A hold that leaves a unit free owes nothing: the cart's hot path stays one level update.
    let cart = create_cart(&app, &[(l.as_str(), 1)]).await;
    assert_eq!(cart["userErrors"], json!([]), "{cart}");
    assert_eq!(mark(&app).await, at);

    // Holding the last unit sells L out; giving it back brings it back.
    let cart_id = cart["cart"]["id"].as_str().unwrap();
    let line = cart["cart"]["lines"]["nodes"][0]["id"].as_str().unwrap();
    let vars = json!({ "cartId": cart_id, "lines": [{ "id": line, "quantity": 2 }] });
    cart_op(&app, "CartLinesUpdate", vars).await;
    let vars = json!({ "cartId": cart_id, "lineIds": [line] });
    cart_op(&app, "CartLinesRemove", vars).await;
    let flipped = product_purge(&app, id, &[l.as_str()]);
    assert_eq!(
        tag_sets_since(&app, at).await,
        vec![flipped.clone(), flipped]
    );

    // A merchant's count that brings M into stock owes a purge; one that only adds to L does not.
    let at = mark(&app).await;
    let vars = json!({ "quantities": [{ "variantId": m, "quantity": 3 }] });
    accepted(&app, INVENTORY, "InventorySet", vars).await;
    let vars = json!({ "changes": [{ "variantId": l, "quantity": 1 }] });
    accepted(&app, INVENTORY, "InventoryAdjust", vars).await;
    assert_eq!(
        tag_sets_since(&app, at).await,
        vec![product_purge(&app, id, &[m.as_str()])]
    );
}

async fn the_worker_purges_every_row_at_the_origin(backend: Backend) {
    let app = spawn_app_with(backend, no_search_indexing).await;
    for title in ["One", "Two", "Three"] {
        app.create_product(json!({ "title": title })).await;
    }
    eventually(
        std::time::Duration::from_secs(5),
        "origin purges",
        || async {
            let rows = rows_of_store(&app, app.store.store_id).await;
            rows.len() == 3 && rows.iter().all(|row| row.origin_purged_at.is_some())
        },
    )
    .await;
    // No CDN is configured, so nothing is sent there.
    let rows = rows_of_store(&app, app.store.store_id).await;
    assert!(
        rows.iter()
            .all(|row| row.cdn_attempts == 0 && row.cdn_purged_at.is_none())
    );
}
