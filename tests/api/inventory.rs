//! Stock under concurrency, on PostgreSQL and on the embedded SQLite default: hundreds of
//! simultaneous set/adjust requests over overlapping variants never deadlock, never surface as
//! internal errors, never take stock below what is reserved, and leave a ledger that sums to every
//! level. Deleting stock that carts hold is a clean removal, and the database itself refuses
//! more reserved than on hand.

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait};
use serde_json::{Value, json};
use tokio::task::JoinSet;
use uuid::Uuid;
use vitrine::ids::{self, GidKind};
use vitrine::inventory::{ledger, levels};

use crate::helpers::{As, BACKENDS, Backend, TestApp, sized_product, spawn_app_on};

const INVENTORY: &str = include_str!("../../schema/operations/admin/inventory.graphql");
const VARIANTS: &str = include_str!("../../schema/operations/admin/variants_bulk.graphql");

const REQUESTS: usize = 500;
const ROUNDS: u64 = 3;
const HELD: i64 = 10;

/// Three products of three variants each, 40 on hand, the first variant of each with `HELD` units
/// reserved; returns the variants' global IDs.
async fn stocked_variants(app: &TestApp) -> Vec<String> {
    let mut variants = Vec::new();
    for n in 0..3 {
        let product = app
            .create_product(sized_product(&format!("Busy Tee {n}"), &format!("B{n}")))
            .await;
        for variant in product["variants"]["nodes"].as_array().unwrap() {
            variants.push(variant["id"].as_str().unwrap().to_string());
        }
    }
    let quantities: Vec<Value> = variants
        .iter()
        .map(|id| json!({ "variantId": id, "quantity": 40 }))
        .collect();
    let set = app
        .admin(
            INVENTORY,
            "InventorySet",
            json!({ "quantities": quantities }),
        )
        .await;
    assert_eq!(set["inventorySetQuantities"]["userErrors"], json!([]));
    let store = app.store_model().await;
    let tx = app.database.begin().await.unwrap();
    for id in variants.iter().step_by(3) {
        let held = levels::reserve(&tx, &store, variant_uuid(id), HELD, "test hold")
            .await
            .unwrap();
        assert!(held.is_some(), "40 on hand can hold {HELD}");
    }
    tx.commit().await.unwrap();
    variants
}

fn variant_uuid(gid: &str) -> Uuid {
    ids::decode(GidKind::ProductVariant, gid).expect("a variant gid")
}

/// One random request: set or adjust 2 to 4 of the variants, in a random order.
fn random_change(rng: &mut StdRng, variants: &[String]) -> (&'static str, Value) {
    let mut chosen: Vec<&String> = variants.iter().collect();
    chosen.shuffle(rng);
    chosen.truncate(rng.random_range(2..=4));
    if rng.random_bool(0.5) {
        let quantities: Vec<Value> = chosen
            .iter()
            .map(|id| json!({ "variantId": id, "quantity": rng.random_range(0..=60) }))
            .collect();
        ("InventorySet", json!({ "quantities": quantities }))
    } else {
        let changes: Vec<Value> = chosen
            .iter()
            .map(|id| json!({ "variantId": id, "quantity": rng.random_range(-25..=25) }))
            .collect();
        ("InventoryAdjust", json!({ "changes": changes }))
    }
}

/// Sends `REQUESTS` random changes at once; returns how many were applied and refused.
async fn race(app: &TestApp, variants: &[String], seed: u64) -> (usize, usize) {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut tasks = JoinSet::new();
    for _ in 0..REQUESTS {
        let (operation, variables) = random_change(&mut rng, variants);
        let (address, store) = (app.address.clone(), app.store.clone());
        tasks.spawn(async move {
            let body =
                json!({ "query": INVENTORY, "operationName": operation, "variables": variables });
            let response = reqwest::Client::new()
                .post(format!("{address}/api/2025-01/graphql.json"))
                .header("X-Shopify-Access-Token", &store.admin_token)
                .json(&body)
                .send()
                .await
                .expect("send");
            (
                response.status().as_u16(),
                response.json::<Value>().await.expect("JSON"),
            )
        });
    }
    let (mut applied, mut refused) = (0, 0);
    while let Some(joined) = tasks.join_next().await {
        let (status, body) = joined.expect("request task");
        assert_eq!(status, 200, "{body}");
        assert!(
            body.get("errors").is_none(),
            "no internal or deadlock errors: {body}"
        );
        let payload = body["data"]
            .as_object()
            .and_then(|data| data.values().next())
            .expect("one payload");
        match payload["userErrors"].as_array().map(Vec::as_slice) {
            Some([]) => applied += 1,
            Some([error]) => {
                assert_eq!(error["code"], "GREATER_THAN_OR_EQUAL_TO", "{error}");
                assert_eq!(error["field"][2], "quantity", "{error}");
                assert_eq!(payload["inventoryLevels"], Value::Null);
                refused += 1;
            }
            other => panic!("unexpected payload {other:?}: {payload}"),
        }
    }
    (applied, refused)
}

/// Every level keeps `0 <= reserved <= on_hand` and equals the sum of its ledger.
async fn assert_levels_match_the_ledger(app: &TestApp, variants: &[String]) {
    let store = app.store_model().await;
    let ids: Vec<Uuid> = variants.iter().map(|id| variant_uuid(id)).collect();
    let found = levels::levels_of(app.db(), &store, &ids).await.unwrap();
    assert_eq!(found.len(), ids.len());
    for level in found {
        assert!(
            0 <= level.reserved && level.reserved <= level.on_hand,
            "{level:?}"
        );
        let sums = ledger::totals(app.db(), &store, level.variant_id)
            .await
            .unwrap();
        assert_eq!(sums, (level.on_hand, level.reserved), "ledger of {level:?}");
    }
}

async fn concurrent_stock_changes_keep_every_level_whole(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let variants = stocked_variants(&app).await;
    for round in 0..ROUNDS {
        let (applied, refused) = race(&app, &variants, round).await;
        println!("{backend:?} round {round}: {applied} applied, {refused} refused");
        assert_eq!(applied + refused, REQUESTS);
        assert!(
            applied > 0 && refused > 0,
            "the race exercised both outcomes"
        );
        assert_levels_match_the_ledger(&app, &variants).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_stock_changes_keep_every_level_whole_on_postgres() {
    concurrent_stock_changes_keep_every_level_whole(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_stock_changes_keep_every_level_whole_on_sqlite() {
    concurrent_stock_changes_keep_every_level_whole(Backend::Sqlite).await;
}

/// A cart, one line of `variant` and its reservation, written as the cart module will.
async fn hold_in_a_cart(app: &TestApp, variant: Uuid, quantity: i64) {
    let store = app.store_model().await;
    let now = chrono::Utc::now();
    let cart = Uuid::now_v7();
    let tx = app.database.begin().await.unwrap();
    let insert = |table: &str, columns: Vec<&str>, values: Vec<sea_orm::Value>| {
        Query::insert()
            .into_table(Alias::new(table))
            .columns(columns.into_iter().map(Alias::new))
            .values_panic(values.into_iter().map(Expr::val))
            .to_owned()
    };
    let empty = json!({});
    tx.execute(&insert(
        "carts",
        vec![
            "id",
            "store_id",
            "token",
            "buyer_identity",
            "note",
            "attributes",
            "discount_codes",
            "status",
            "expires_at",
            "created_at",
            "updated_at",
        ],
        vec![
            cart.into(),
            store.id.into(),
            cart.simple().to_string().into(),
            empty.clone().into(),
            "".into(),
            empty.clone().into(),
            json!([]).into(),
            "open".into(),
            now.into(),
            now.into(),
            now.into(),
        ],
    ))
    .await
    .unwrap();
    tx.execute(&insert(
        "cart_lines",
        vec![
            "id",
            "store_id",
            "cart_id",
            "variant_id",
            "quantity",
            "attributes",
            "created_at",
            "updated_at",
        ],
        vec![
            Uuid::now_v7().into(),
            store.id.into(),
            cart.into(),
            variant.into(),
            (quantity as i32).into(),
            json!([]).into(),
            now.into(),
            now.into(),
        ],
    ))
    .await
    .unwrap();
    tx.execute(&insert(
        "inventory_reservations",
        vec![
            "id",
            "store_id",
            "variant_id",
            "cart_id",
            "quantity",
            "expires_at",
            "created_at",
        ],
        vec![
            Uuid::now_v7().into(),
            store.id.into(),
            variant.into(),
            cart.into(),
            quantity.into(),
            now.into(),
            now.into(),
        ],
    ))
    .await
    .unwrap();
    levels::reserve(&tx, &store, variant, quantity, "cart")
        .await
        .unwrap()
        .expect("stock to hold");
    tx.commit().await.unwrap();
}

async fn count(app: &TestApp, table: &str) -> u64 {
    let query = Query::select()
        .expr(Expr::col(Alias::new("id")).count())
        .from(Alias::new(table))
        .to_owned();
    let row = app.db().query_one(&query).await.unwrap().unwrap();
    row.try_get_by_index::<i64>(0).unwrap() as u64
}

#[tokio::test]
async fn deleting_a_variant_that_sits_in_a_cart_removes_it_from_the_cart() {
    for backend in BACKENDS {
        let app = spawn_app_on(backend).await;
        let product = app.create_product(sized_product("Held Tee", "H")).await;
        let small = product["variants"]["nodes"][0]["id"]
            .as_str()
            .unwrap()
            .to_string();
        hold_in_a_cart(&app, variant_uuid(&small), 2).await;

        let removed = app
            .admin(
                VARIANTS,
                "VariantsBulkDelete",
                json!({ "productId": product["id"], "variantsIds": [small] }),
            )
            .await;

        assert_eq!(
            removed["productVariantsBulkDelete"]["userErrors"],
            json!([]),
            "{backend:?}"
        );
        assert_eq!(
            count(&app, "cart_lines").await,
            0,
            "{backend:?}: the line left the cart"
        );
        assert_eq!(
            count(&app, "inventory_reservations").await,
            0,
            "{backend:?}"
        );
        assert_eq!(count(&app, "carts").await, 1, "{backend:?}: the cart stays");
        let store = app.store_model().await;
        let sums = ledger::totals(app.db(), &store, variant_uuid(&small))
            .await
            .unwrap();
        assert_eq!(
            sums,
            (0, 0),
            "{backend:?}: the stock left through the ledger"
        );
    }
}

#[tokio::test]
async fn deleting_a_product_held_by_a_cart_removes_it_cleanly() {
    for backend in BACKENDS {
        let app = spawn_app_on(backend).await;
        let product = app.create_product(sized_product("Gone Tee", "G")).await;
        let small = product["variants"]["nodes"][0]["id"]
            .as_str()
            .unwrap()
            .to_string();
        hold_in_a_cart(&app, variant_uuid(&small), 1).await;
        let deleted = app
            .admin(
                include_str!("../../schema/operations/admin/product_delete.graphql"),
                "ProductDelete",
                json!({ "id": product["id"] }),
            )
            .await;
        assert_eq!(
            deleted["productDelete"]["userErrors"],
            json!([]),
            "{backend:?}"
        );
        assert_eq!(count(&app, "cart_lines").await, 0, "{backend:?}");
        let movements = entities::inventory_movement::Entity::find()
            .count(app.db())
            .await
            .unwrap();
        assert!(movements > 0);
        let store = app.store_model().await;
        let sums = ledger::totals(app.db(), &store, variant_uuid(&small))
            .await
            .unwrap();
        assert_eq!(sums, (0, 0), "{backend:?}");
    }
}

#[tokio::test]
async fn the_database_refuses_more_reserved_than_on_hand() {
    for backend in BACKENDS {
        let app = spawn_app_on(backend).await;
        let product = app.create_product(sized_product("Checked Tee", "K")).await;
        let small = variant_uuid(product["variants"]["nodes"][0]["id"].as_str().unwrap());
        let overdraw = Query::update()
            .table(Alias::new("inventory_levels"))
            .value(
                Alias::new("reserved"),
                Expr::col(Alias::new("on_hand")).add(1),
            )
            .and_where(Expr::col(Alias::new("variant_id")).eq(small))
            .to_owned();
        let tx = app.database.begin().await.unwrap();
        let refused = tx.execute(&overdraw).await;
        assert!(refused.is_err(), "{backend:?}: the CHECK constraint holds");
    }
}

#[tokio::test]
async fn a_set_below_the_reserved_units_is_refused_with_a_typed_error() {
    for backend in BACKENDS {
        let app = spawn_app_on(backend).await;
        let product = app.create_product(sized_product("Reserved Tee", "R")).await;
        let small = product["variants"]["nodes"][0]["id"]
            .as_str()
            .unwrap()
            .to_string();
        hold_in_a_cart(&app, variant_uuid(&small), 3).await;
        let (_, body) = app
            .request(
                As::Admin(&app.store),
                INVENTORY,
                Some("InventorySet"),
                json!({ "quantities": [{ "variantId": small, "quantity": 2 }] }),
            )
            .await;
        let error = &body["data"]["inventorySetQuantities"]["userErrors"][0];
        assert_eq!(
            error["code"], "GREATER_THAN_OR_EQUAL_TO",
            "{backend:?}: {body}"
        );
        assert_eq!(error["field"], json!(["quantities", "0", "quantity"]));
    }
}
