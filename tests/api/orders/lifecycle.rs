//! A merchant moves orders through fulfilment and cancels them; the buyer's customer account
//! lists them. Every step is in the history and the outbox; an illegal step changes nothing.

use serde_json::{Value, json};
use vitrine::ids::{self, GidKind};

use super::{capture_on_fulfilment, history, order_op, placed_order};
use crate::carts::{cart_op, level};
use crate::checkout::{complete, error_codes, events_about, order_uuid};
use crate::customers::signed_in;
use crate::helpers::{As, Backend, TestApp, spawn_app_on};
use crate::inventory::assert_levels_match_the_ledger;
use crate::on_both_backends;

on_both_backends!(
    merchants_prepare_ship_and_deliver_orders,
    stores_capturing_on_fulfilment_capture_when_the_order_ships,
    cancelling_restocks_and_voids_or_refunds,
    the_listing_is_newest_first_and_filters_by_status_and_name,
    a_signed_in_buyer_finds_their_orders_in_their_account,
);

fn user_error_codes(payload: &Value) -> Vec<String> {
    error_codes(payload)
}

async fn merchants_prepare_ship_and_deliver_orders(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let (order, _) = placed_order(&app, 5, 1).await;
    let id = json!({ "id": order["id"] });

    let early = order_op(&app, "OrderMarkDelivered", id.clone()).await;
    assert_eq!(
        user_error_codes(&early),
        vec!["ILLEGAL_TRANSITION"],
        "{early}"
    );
    assert_eq!(early["order"], Value::Null);

    let processing = order_op(&app, "OrderMarkProcessing", id.clone()).await;
    assert_eq!(processing["order"]["status"], "PROCESSING", "{processing}");
    let shipped = order_op(
        &app,
        "OrderFulfill",
        json!({ "id": order["id"], "trackingNumber": " 1Z999AA10123456784 " }),
    )
    .await;
    let shipped = &shipped["order"];
    assert_eq!(shipped["status"], "SHIPPED");
    assert_eq!(shipped["fulfillmentStatus"], "FULFILLED");
    assert_eq!(shipped["trackingNumber"], "1Z999AA10123456784");
    let delivered = order_op(&app, "OrderMarkDelivered", id.clone()).await;
    let delivered = &delivered["order"];
    assert_eq!(delivered["status"], "DELIVERED");
    assert_eq!(
        history(delivered),
        vec!["PENDING", "CONFIRMED", "PROCESSING", "SHIPPED", "DELIVERED"]
    );
    assert_eq!(delivered["statusHistory"][4]["actor"], "merchant");

    let late = order_op(
        &app,
        "OrderCancel",
        json!({ "id": order["id"], "reason": "CUSTOMER" }),
    )
    .await;
    assert_eq!(
        user_error_codes(&late),
        vec!["ILLEGAL_TRANSITION"],
        "{late}"
    );
    let unchanged = order_op(&app, "AdminOrderById", id).await;
    assert_eq!(unchanged["status"], "DELIVERED");

    let gid = ids::encode(GidKind::Order, order_uuid(order["id"].as_str().unwrap()));
    assert_eq!(
        events_about(&app, &gid).await,
        vec![
            "checkouts/create",
            "orders/create",
            "orders/paid",
            "orders/updated",
            "orders/fulfilled",
            "orders/updated"
        ]
    );
}

async fn stores_capturing_on_fulfilment_capture_when_the_order_ships(backend: Backend) {
    let app = spawn_app_on(backend).await;
    capture_on_fulfilment(&app).await;
    let (order, _) = placed_order(&app, 5, 2).await;
    assert_eq!(order["financialStatus"], "AUTHORIZED");
    let read = order_op(&app, "AdminOrderById", json!({ "id": order["id"] })).await;
    let reference = read["payments"][0]["gatewayReference"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(app.gateway.captures_of(&reference), 0);

    let shipped = order_op(&app, "OrderFulfill", json!({ "id": order["id"] })).await;
    let shipped = &shipped["order"];
    assert_eq!(shipped["financialStatus"], "PAID", "{shipped}");
    assert_eq!(shipped["payments"][0]["status"], "CAPTURED");
    assert_eq!(shipped["payments"][0]["captured"]["amount"], "25.00");
    let kinds: Vec<&str> = shipped["payments"][0]["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|event| event["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, vec!["authorize_requested", "authorized", "captured"]);
    assert_eq!(app.gateway.captures_of(&reference), 1);
}

async fn cancelling_restocks_and_voids_or_refunds(backend: Backend) {
    let app = spawn_app_on(backend).await;
    // Captured at checkout: cancelling refunds.
    let (paid, paid_variant) = placed_order(&app, 5, 2).await;
    let cancelled = order_op(
        &app,
        "OrderCancel",
        json!({ "id": paid["id"], "reason": "CUSTOMER" }),
    )
    .await;
    let cancelled = &cancelled["order"];
    assert_eq!(cancelled["status"], "CANCELLED", "{cancelled}");
    assert_eq!(cancelled["cancelReason"], "CUSTOMER");
    assert!(cancelled["canceledAt"].is_string());
    assert_eq!(cancelled["financialStatus"], "REFUNDED");
    assert_eq!(cancelled["payments"][0]["refunded"]["amount"], "25.00");
    assert_eq!(
        level(&app, &paid_variant).await,
        (5, 0),
        "the units are back on hand"
    );
    let reference = cancelled["payments"][0]["gatewayReference"]
        .as_str()
        .unwrap();
    assert_eq!(app.gateway.refunds_of(reference).len(), 1);

    // Authorized only: cancelling voids, and never captures.
    capture_on_fulfilment(&app).await;
    let (held, held_variant) = placed_order(&app, 3, 3).await;
    let voided = order_op(
        &app,
        "OrderCancel",
        json!({ "id": held["id"], "reason": "INVENTORY" }),
    )
    .await;
    let voided = &voided["order"];
    assert_eq!(voided["financialStatus"], "VOIDED", "{voided}");
    let reference = voided["payments"][0]["gatewayReference"].as_str().unwrap();
    assert_eq!(app.gateway.captures_of(reference), 0);
    assert_eq!(level(&app, &held_variant).await, (3, 0));
    assert_levels_match_the_ledger(&app, &[paid_variant, held_variant]).await;

    let again = order_op(
        &app,
        "OrderCancel",
        json!({ "id": held["id"], "reason": "OTHER" }),
    )
    .await;
    assert_eq!(user_error_codes(&again), vec!["ILLEGAL_TRANSITION"]);
    let gid = ids::encode(GidKind::Order, order_uuid(held["id"].as_str().unwrap()));
    assert_eq!(
        events_about(&app, &gid).await,
        vec![
            "checkouts/create",
            "orders/create",
            "orders/cancelled",
            "orders/updated"
        ]
    );
}

async fn order_numbers(listing: &Value) -> Vec<i64> {
    listing["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|order| order["orderNumber"].as_i64().unwrap())
        .collect()
}

async fn the_listing_is_newest_first_and_filters_by_status_and_name(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(placed_order(&app, 5, 1).await.0["id"].clone());
    }
    order_op(
        &app,
        "OrderCancel",
        json!({ "id": ids[1], "reason": "FRAUD" }),
    )
    .await;

    let first_page = order_op(&app, "Orders", json!({ "first": 2 })).await;
    assert_eq!(order_numbers(&first_page).await, vec![1003, 1002]);
    assert_eq!(first_page["pageInfo"]["hasNextPage"], true);
    let cursor = first_page["pageInfo"]["endCursor"].clone();
    let second_page = order_op(&app, "Orders", json!({ "first": 2, "after": cursor })).await;
    assert_eq!(order_numbers(&second_page).await, vec![1001]);

    let cancelled = order_op(
        &app,
        "Orders",
        json!({ "first": 10, "status": "CANCELLED" }),
    )
    .await;
    assert_eq!(order_numbers(&cancelled).await, vec![1002]);
    let named = order_op(&app, "Orders", json!({ "first": 10, "query": "#1001" })).await;
    assert_eq!(order_numbers(&named).await, vec![1001]);

    // Storefront tokens read neither the listing nor payments.
    let (status, body) = app
        .request(
            As::Storefront(&app.store),
            super::ORDERS,
            Some("Orders"),
            json!({ "first": 1 }),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "ACCESS_DENIED",
        "{body}"
    );
}

const CUSTOMERS: &str = include_str!("../../../schema/operations/storefront/customers.graphql");

async fn orders_of_customer(app: &TestApp, token: &str) -> Vec<i64> {
    let (status, body) = app
        .request(
            As::Storefront(&app.store),
            CUSTOMERS,
            Some("CustomerOrders"),
            json!({ "customerAccessToken": token, "first": 10 }),
        )
        .await;
    assert_eq!(status, 200);
    assert!(body.get("errors").is_none(), "{body}");
    order_numbers(&body["data"]["customer"]["orders"]).await
}

async fn a_signed_in_buyer_finds_their_orders_in_their_account(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let buyer = signed_in(&app, &app.store, "buyer@example.com").await;
    let other = signed_in(&app, &app.store, "other@example.com").await;
    let (cart_id, _) = crate::checkout::cart_of(&app, 5, 1).await;
    let identified = cart_op(
        &app,
        "CartBuyerIdentityUpdate",
        json!({ "cartId": cart_id, "buyerIdentity": { "customerAccessToken": buyer } }),
    )
    .await;
    assert_eq!(identified["userErrors"], json!([]));
    let paid = complete(&app, &cart_id, "tok_visa").await;
    assert_eq!(paid["userErrors"], json!([]), "{paid}");
    // A guest order is in nobody's account.
    placed_order(&app, 5, 1).await;

    assert_eq!(orders_of_customer(&app, &buyer).await, vec![1001]);
    assert_eq!(orders_of_customer(&app, &other).await, Vec::<i64>::new());
}
