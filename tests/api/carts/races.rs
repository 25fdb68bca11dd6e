//! Carts under real concurrency: many shoppers at once over HTTP, against one server or two
//! sharing the database. Units held never exceed the stock, `reserved` always equals the rows
//! that hold it, and a cart's holds equal its lines (RELIABILITY.md T1 and T2).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use async_graphql::futures_util::future::join_all;
use entities::{cart_line, inventory_reservation, prelude::*};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use rand::{Rng, SeedableRng};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{cart_op, create_cart, held, holds_of_cart, level, stocked_variant, wanted_by_lines};
use crate::helpers::{As, Backend, TestApp, authorised, spawn_app, spawn_app_on};
use crate::inventory::variant_uuid;
use crate::on_both_backends;

on_both_backends!(
    a_thousand_shoppers_race_for_ten_units,
    multi_line_carts_on_shared_stock_never_hold_more_than_it,
    concurrent_edits_of_one_cart_leave_its_holds_equal_to_its_lines,
);

const SHOPPERS: usize = 1_000;
const STOCK: i64 = 10;

const RACE_CREATE: &str = "mutation Race($input: CartInput) { cartCreate(input: $input) { \
    cart { id totalQuantity } userErrors { code } warnings { code target } } }";

/// Sends one `cartCreate` to `address`; returns the HTTP status and body.
async fn create_at(
    client: &reqwest::Client,
    address: &str,
    app: &TestApp,
    lines: Value,
) -> (u16, Value) {
    let request = client
        .post(format!("{address}/api/2025-01/graphql.json"))
        .json(&json!({ "query": RACE_CREATE, "variables": { "input": { "lines": lines } } }));
    let response = authorised(request, As::Storefront(&app.store))
        .send()
        .await
        .expect("send");
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON"))
}

/// Watches a level while a race runs: `on_hand - reserved` never goes below zero, and, since
/// nothing is released during a race, `reserved` never goes down (a lost update would).
fn watch_level(
    app: &TestApp,
    variant: &str,
    stop: Arc<AtomicBool>,
) -> tokio::task::JoinHandle<usize> {
    let db = app.database.clone();
    let variant = variant_uuid(variant);
    tokio::spawn(async move {
        let mut samples = 0;
        while !stop.load(Ordering::Relaxed) {
            let level = InventoryLevel::find_by_id(variant)
                .one(db.reader())
                .await
                .unwrap()
                .unwrap();
            assert!(
                level.reserved <= level.on_hand && level.reserved >= 0,
                "{level:?}"
            );
            samples += 1;
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        samples
    })
}

/// T1: `SHOPPERS` concurrent `cartCreate`s of 1 unit of a variant stocked at `STOCK`, spread over
/// `addresses`: exactly `STOCK` carts hold a unit, every other one is told it is out of stock.
async fn last_units_race(app: &TestApp, addresses: &[String], round: usize) {
    let variant = stocked_variant(app, &format!("Drop {round}"), STOCK).await;
    let stop = Arc::new(AtomicBool::new(false));
    let watcher = watch_level(app, &variant, stop.clone());
    let client = app.client();
    let answers = join_all((0..SHOPPERS).map(|shopper| {
        let address = &addresses[shopper % addresses.len()];
        let lines = json!([{ "merchandiseId": variant, "quantity": 1 }]);
        create_at(&client, address, app, lines)
    }))
    .await;
    stop.store(true, Ordering::Relaxed);
    assert!(
        watcher.await.unwrap() > 0,
        "the level was watched during the race"
    );

    let mut holding = 0;
    let mut sold_out = 0;
    for (status, body) in &answers {
        assert_eq!(*status, 200, "{body}");
        assert!(body.get("errors").is_none(), "{body}");
        let payload = &body["data"]["cartCreate"];
        assert_eq!(payload["userErrors"], json!([]), "{body}");
        match payload["cart"]["totalQuantity"].as_i64() {
            Some(1) => {
                assert_eq!(payload["warnings"], json!([]));
                holding += 1;
            }
            Some(0) => {
                assert_eq!(payload["warnings"][0]["code"], "MERCHANDISE_OUT_OF_STOCK");
                sold_out += 1;
            }
            other => panic!("unexpected cart quantity {other:?}: {body}"),
        }
    }
    assert_eq!(
        (holding, sold_out),
        (STOCK as usize, SHOPPERS - STOCK as usize),
        "round {round}"
    );
    assert_eq!(level(app, &variant).await, (STOCK, STOCK));
    assert_eq!(held(app, &variant).await, STOCK);
}

async fn a_thousand_shoppers_race_for_ten_units(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let addresses = [app.address.clone()];
    for round in 0..3 {
        last_units_race(&app, &addresses, round).await;
    }
}

#[tokio::test]
async fn a_thousand_shoppers_race_for_ten_units_across_two_servers() {
    let app = spawn_app().await;
    let addresses = [app.address.clone(), app.another_instance().await];
    for round in 0..3 {
        last_units_race(&app, &addresses, round).await;
    }
}

/// One generated scenario of T2: stock of each shared variant, and each cart's lines
/// `(variant index, quantity)`.
#[derive(Debug, Clone)]
struct Scenario {
    stock: Vec<i64>,
    carts: Vec<Vec<(usize, i64)>>,
}

const VARIANTS: usize = 3;
const CARTS: usize = 50;

fn scenarios(count: usize) -> Vec<Scenario> {
    let lines = prop::collection::vec((0..VARIANTS, 1i64..=3), 2..=4);
    let strategy = (
        prop::collection::vec(1i64..=20, VARIANTS),
        prop::collection::vec(lines, CARTS),
    )
        .prop_map(|(stock, carts)| Scenario { stock, carts });
    let mut runner = TestRunner::deterministic();
    (0..count)
        .map(|_| strategy.new_tree(&mut runner).unwrap().current())
        .collect()
}

/// How many generated scenarios to run (`CART_SCENARIOS`, default 60).
fn scenario_count() -> usize {
    std::env::var("CART_SCENARIOS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(60)
}

async fn multi_line_carts_on_shared_stock_never_hold_more_than_it(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let client = app.client();
    for (number, scenario) in scenarios(scenario_count()).into_iter().enumerate() {
        let mut variants = Vec::new();
        for (index, stock) in scenario.stock.iter().enumerate() {
            variants.push(stocked_variant(&app, &format!("Shared {number}-{index}"), *stock).await);
        }
        let answers = join_all(scenario.carts.iter().map(|lines| {
            let lines: Value = lines
                .iter()
                .map(|(variant, quantity)| json!({ "merchandiseId": variants[*variant], "quantity": quantity }))
                .collect();
            create_at(&client, &app.address, &app, lines)
        }))
        .await;
        for (status, body) in &answers {
            assert_eq!(*status, 200, "{body}");
            assert_eq!(
                body["data"]["cartCreate"]["userErrors"],
                json!([]),
                "{body}"
            );
        }
        check_holds(&app, &variants, &scenario).await;
    }
}

/// Every level holds at most its stock, its `reserved` is the sum of its reservation rows, and
/// each cart's rows equal its lines.
async fn check_holds(app: &TestApp, variants: &[String], scenario: &Scenario) {
    let ids: Vec<Uuid> = variants.iter().map(|v| variant_uuid(v)).collect();
    let rows = InventoryReservation::find()
        .filter(inventory_reservation::Column::VariantId.is_in(ids.clone()))
        .all(app.db())
        .await
        .unwrap();
    let lines = CartLine::find()
        .filter(cart_line::Column::VariantId.is_in(ids))
        .all(app.db())
        .await
        .unwrap();
    for (variant, stock) in variants.iter().zip(&scenario.stock) {
        let (on_hand, reserved) = level(app, variant).await;
        let id = variant_uuid(variant);
        let rows_hold: i64 = rows
            .iter()
            .filter(|r| r.variant_id == id)
            .map(|r| r.quantity)
            .sum();
        assert_eq!(on_hand, *stock);
        assert!(
            reserved <= on_hand,
            "{scenario:?}: {reserved} held of {on_hand}"
        );
        assert_eq!(
            reserved, rows_hold,
            "{scenario:?}: lost update on {variant}"
        );
    }
    let mut by_rows: BTreeMap<(Uuid, Uuid), i64> = BTreeMap::new();
    for row in &rows {
        *by_rows.entry((row.cart_id, row.variant_id)).or_default() += row.quantity;
    }
    let mut by_lines: BTreeMap<(Uuid, Uuid), i64> = BTreeMap::new();
    for line in &lines {
        *by_lines.entry((line.cart_id, line.variant_id)).or_default() += i64::from(line.quantity);
    }
    assert_eq!(by_rows, by_lines, "{scenario:?}: holds differ from lines");
}

async fn concurrent_edits_of_one_cart_leave_its_holds_equal_to_its_lines(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let mut rng = rand::rngs::StdRng::seed_from_u64(9);
    let variants = [
        stocked_variant(&app, "Edit A", 8).await,
        stocked_variant(&app, "Edit B", 5).await,
    ];
    for _round in 0..5 {
        let created = create_cart(&app, &[(&variants[0], 2), (&variants[1], 1)]).await;
        let id = created["cart"]["id"].as_str().unwrap().to_string();
        let line_ids: Vec<Value> = created["cart"]["lines"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|line| line["id"].clone())
            .collect();
        let edits: Vec<(&str, Value)> = (0..40)
            .map(|_| {
                let variant = &variants[rng.random_range(0..2)];
                let line = &line_ids[rng.random_range(0..line_ids.len())];
                match rng.random_range(0..3) {
                    0 => ("CartLinesAdd", json!({ "cartId": id, "lines": [{ "merchandiseId": variant, "quantity": rng.random_range(1..=3) }] })),
                    1 => ("CartLinesUpdate", json!({ "cartId": id, "lines": [{ "id": line, "quantity": rng.random_range(0..=4) }] })),
                    _ => ("CartLinesRemove", json!({ "cartId": id, "lineIds": [line] })),
                }
            })
            .collect();
        let answers = join_all(edits.into_iter().map(|(operation, variables)| {
            app.request(
                As::Storefront(&app.store),
                super::CART,
                Some(operation),
                variables,
            )
        }))
        .await;
        for (status, body) in &answers {
            assert_eq!(*status, 200, "{body}");
            assert!(body.get("errors").is_none(), "{body}");
        }
        let cart = cart_op(&app, "Cart", json!({ "id": id })).await;
        assert_eq!(holds_of_cart(&app, &id).await, wanted_by_lines(&cart));
        // Give everything back for the next round.
        let all: Vec<Value> = cart["lines"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["id"].clone())
            .collect();
        cart_op(
            &app,
            "CartLinesRemove",
            json!({ "cartId": id, "lineIds": all }),
        )
        .await;
    }
    for variant in &variants {
        let (_, reserved) = level(&app, variant).await;
        assert_eq!(reserved, held(&app, variant).await);
        assert_eq!(reserved, 0);
    }
}
