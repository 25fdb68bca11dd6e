//! Orders after checkout, as merchants and buyers meet them: the admin listing, fulfilment with
//! capture on shipping, delivery, cancellation that restocks and voids or refunds, illegal steps
//! refused with a typed error, and the completer capturing or voiding authorizations before they
//! lapse (RELIABILITY.md T13).

mod follow_ups;
mod lifecycle;

use serde_json::{Value, json};

use crate::checkout::{cart_of, complete};
use crate::helpers::TestApp;

pub const ORDERS: &str = include_str!("../../schema/operations/admin/orders.graphql");

/// Runs one admin order operation; returns its root field's value.
pub async fn order_op(app: &TestApp, operation: &str, variables: Value) -> Value {
    let data = app.admin(ORDERS, operation, variables).await;
    let mut field = operation.to_string();
    field[..1].make_ascii_lowercase();
    if field == "adminOrderById" {
        field = "order".into();
    }
    data[field].clone()
}

/// A paid order of `quantity` units of a new variant stocked at `stock`; returns (order, variant).
pub async fn placed_order(app: &TestApp, stock: i64, quantity: i64) -> (Value, String) {
    let (cart_id, variant) = cart_of(app, stock, quantity).await;
    let paid = complete(app, &cart_id, "tok_visa").await;
    assert_eq!(paid["userErrors"], json!([]), "{paid}");
    (paid["order"].clone(), variant)
}

/// Switches the store to capturing payments when orders ship.
pub async fn capture_on_fulfilment(app: &TestApp) {
    let data = app
        .admin(
            "mutation Capture { storeUpdate(input: { paymentCapture: ON_FULFILLMENT }) { userErrors { field message } } }",
            "Capture",
            json!({}),
        )
        .await;
    assert_eq!(data["storeUpdate"]["userErrors"], json!([]));
}

/// The statuses of an order's history, oldest first.
pub fn history(order: &Value) -> Vec<String> {
    order["statusHistory"]
        .as_array()
        .unwrap()
        .iter()
        .map(|step| step["status"].as_str().unwrap().to_string())
        .collect()
}
