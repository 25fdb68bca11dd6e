//! Stock under concurrency, on PostgreSQL and on the embedded SQLite default: hundreds of
//! simultaneous set/adjust requests over overlapping variants never deadlock, never surface as
//! internal errors, never take stock below what is reserved (while carts hold and release units
//! at the same time), and leave a ledger that sums to every level.

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use tokio::task::JoinSet;
use uuid::Uuid;
use vitrine::ids::{self, GidKind};
use vitrine::inventory::{ledger, levels};

use crate::helpers::{Backend, TestApp, sized_product, spawn_app_on};

const INVENTORY: &str = include_str!("../../schema/operations/admin/inventory.graphql");

const REQUESTS: usize = 500;
const ROUNDS: u64 = 3;
const HELD: i64 = 10;
const HOLDS: usize = 100;

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

pub fn variant_uuid(gid: &str) -> Uuid {
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

/// Carts holding and giving back units while the merchant counts stock: each hold reserves 1 to 3
/// units of one variant and, half the time, releases them again, each step its own transaction.
async fn spawn_holds(
    app: &TestApp,
    variants: &[String],
    rng: &mut StdRng,
    holds: &mut JoinSet<()>,
) {
    let store = app.store_model().await;
    for _ in 0..HOLDS {
        let (database, store) = (app.database.clone(), store.clone());
        let variant = variant_uuid(&variants[rng.random_range(0..variants.len())]);
        let (quantity, give_back) = (rng.random_range(1..=3), rng.random_bool(0.5));
        holds.spawn(async move {
            let tx = database.begin().await.unwrap();
            let held = levels::reserve(&tx, &store, variant, quantity, "race")
                .await
                .unwrap();
            tx.commit().await.unwrap();
            if held.is_some() && give_back {
                let tx = database.begin().await.unwrap();
                let released = levels::release(&tx, &store, variant, quantity, "race")
                    .await
                    .unwrap();
                assert!(released.is_some(), "held units can be given back");
                tx.commit().await.unwrap();
            }
        });
    }
}

/// Sends `REQUESTS` random changes at once, with carts holding stock meanwhile; returns how many
/// changes were applied and refused.
async fn race(app: &TestApp, variants: &[String], seed: u64) -> (usize, usize) {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut holds = JoinSet::new();
    spawn_holds(app, variants, &mut rng, &mut holds).await;
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
    while let Some(held) = holds.join_next().await {
        held.expect("a hold or release failed");
    }
    (applied, refused)
}

/// Every level keeps `0 <= reserved <= on_hand` and equals the sum of its ledger.
pub async fn assert_levels_match_the_ledger(app: &TestApp, variants: &[String]) {
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
