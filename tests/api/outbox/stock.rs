//! Stock: every committed change of a variant's on-hand units announces its level; holds for
//! carts and refused counts announce nothing.

use serde_json::{Value, json};

use super::{Event, mark, since, topics};
use crate::carts::{cart_op, create_cart, level, stocked_variant};
use crate::checkout::{cart_of, complete};
use crate::helpers::{Backend, TestApp, spawn_app_on};
use crate::on_both_backends;

const INVENTORY: &str = include_str!("../../../schema/operations/admin/inventory.graphql");
const ORDERS: &str = include_str!("../../../schema/operations/admin/orders.graphql");

const LEVEL: &str = "inventory_levels/update";

on_both_backends!(
    merchant_counts_announce_each_level_and_refused_counts_nothing,
    holding_stock_for_a_cart_announces_nothing,
    a_sale_and_its_cancellation_announce_the_level,
);

/// Sends a set (`InventorySet`) or adjust (`InventoryAdjust`) of one variant; returns the
/// payload's user errors.
async fn count(app: &TestApp, operation: &str, variant: &str, quantity: i64) -> Value {
    let changes = json!([{ "variantId": variant, "quantity": quantity }]);
    let vars = match operation {
        "InventorySet" => json!({ "quantities": changes }),
        _ => json!({ "changes": changes }),
    };
    let data = app.admin(INVENTORY, operation, vars).await;
    data.as_object().unwrap().values().next().unwrap()["userErrors"].clone()
}

/// `(on_hand, available)` an inventory event reports, after checking it names `variant`.
fn reported(event: &Event, variant: &str) -> (i64, i64) {
    let body = &event.payload;
    assert_eq!(body["inventory_item_id"], variant, "{body}");
    assert!(body["updated_at"].is_string(), "{body}");
    let number = |field: &str| body[field].as_i64().unwrap();
    (number("on_hand"), number("available"))
}

async fn merchant_counts_announce_each_level_and_refused_counts_nothing(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let free = stocked_variant(&app, "Free Tee", 10).await;
    let held = stocked_variant(&app, "Held Tee", 10).await;
    create_cart(&app, &[(&held, 3)]).await;
    let at = mark(&app).await;

    assert_eq!(count(&app, "InventorySet", &held, 20).await, json!([]));
    assert_eq!(count(&app, "InventoryAdjust", &held, -5).await, json!([]));
    // Counting what is already there moves nothing.
    assert_eq!(count(&app, "InventorySet", &held, 15).await, json!([]));
    // Below what the cart holds: refused.
    assert_ne!(count(&app, "InventorySet", &held, 2).await, json!([]));
    assert_ne!(count(&app, "InventoryAdjust", &held, -14).await, json!([]));
    // The free variant comes first (ids ascend) and its event is written before the held one
    // refuses the request: rolled back with it.
    let quantities = json!([
        { "variantId": free, "quantity": 30 },
        { "variantId": held, "quantity": 1 }
    ]);
    let data = app
        .admin(
            INVENTORY,
            "InventorySet",
            json!({ "quantities": quantities }),
        )
        .await;
    assert_ne!(data["inventorySetQuantities"]["userErrors"], json!([]));
    assert_eq!(level(&app, &free).await, (10, 0));

    let events = since(&app, at).await;
    assert_eq!(topics(&events), vec![(LEVEL, held.as_str()); 2]);
    assert_eq!(reported(&events[0], &held), (20, 17));
    assert_eq!(reported(&events[1], &held), (15, 12));
}

async fn holding_stock_for_a_cart_announces_nothing(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let variant = stocked_variant(&app, "Hot Tee", 5).await;
    let at = mark(&app).await;

    let created = create_cart(&app, &[(&variant, 2)]).await;
    let cart = &created["cart"];
    let line = cart["lines"]["nodes"][0]["id"].clone();
    let vars = json!({ "cartId": cart["id"], "lines": [{ "id": line, "quantity": 4 }] });
    cart_op(&app, "CartLinesUpdate", vars).await;
    assert_eq!(level(&app, &variant).await, (5, 4));
    let vars = json!({ "cartId": cart["id"], "lineIds": [line] });
    cart_op(&app, "CartLinesRemove", vars).await;
    assert_eq!(level(&app, &variant).await, (5, 0));

    assert!(since(&app, at).await.is_empty());
}

async fn a_sale_and_its_cancellation_announce_the_level(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let (cart_id, variant) = cart_of(&app, 5, 2).await;
    let at = mark(&app).await;

    let placed = complete(&app, &cart_id, "tok_visa").await;
    let order = placed["order"]["id"].clone();
    assert!(order.is_string(), "{placed}");
    let vars = json!({ "id": order, "reason": "CUSTOMER" });
    let cancelled = app.admin(ORDERS, "OrderCancel", vars).await;
    assert_eq!(cancelled["orderCancel"]["userErrors"], json!([]));

    let stock: Vec<Event> = since(&app, at)
        .await
        .into_iter()
        .filter(|event| event.topic == LEVEL)
        .collect();
    assert_eq!(topics(&stock), vec![(LEVEL, variant.as_str()); 2]);
    assert_eq!(reported(&stock[0], &variant), (3, 3), "sold");
    assert_eq!(reported(&stock[1], &variant), (5, 5), "restocked");
}
