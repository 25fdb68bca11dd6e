//! A cart becomes a confirmed order: its stock is sold, its payment authorized and captured, the
//! cart closed, the events written; the buyer reads the order with its token and nobody else
//! does. A declined card leaves the cart open with its stock, and another card succeeds.

use serde_json::{Value, json};
use vitrine::ids::{self, GidKind};

use super::{CHECKOUT, cart_of, complete, error_codes, events_about, order_uuid, payments_of};
use crate::carts::{cart_op, create_cart, level, stocked_variant};
use crate::helpers::{As, Backend, TestApp, spawn_app_on};
use crate::inventory::assert_levels_match_the_ledger;
use crate::on_both_backends;

on_both_backends!(
    a_completed_cart_becomes_a_confirmed_paid_order,
    the_buyer_reads_the_order_with_its_token_and_only_with_it,
    a_declined_card_keeps_the_cart_and_its_stock_for_another_card,
    orders_are_numbered_per_store_from_1001,
);

async fn read_order(app: &TestApp, id: &Value, token: Option<&str>) -> Value {
    let variables = json!({ "id": id, "accessToken": token });
    let (status, body) = app
        .request(
            As::Storefront(&app.store),
            CHECKOUT,
            Some("Order"),
            variables,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["order"].clone()
}

async fn a_completed_cart_becomes_a_confirmed_paid_order(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let tee = stocked_variant(&app, "Tee", 5).await;
    let mug = stocked_variant(&app, "Mug", 3).await;
    let created = create_cart(&app, &[(&tee, 2), (&mug, 1)]).await;
    let cart_id = created["cart"]["id"].as_str().unwrap();

    let payload = complete(&app, cart_id, "tok_visa").await;
    assert_eq!(payload["userErrors"], json!([]), "{payload}");
    let order = &payload["order"];
    assert_eq!(order["status"], "CONFIRMED");
    assert_eq!(
        order["financialStatus"], "PAID",
        "the store captures at once"
    );
    assert_eq!(order["fulfillmentStatus"], "UNFULFILLED");
    assert_eq!(order["email"], "ada@example.com");
    assert_eq!(order["totalPrice"]["amount"], "37.50");
    assert_eq!(order["subtotalPrice"]["amount"], "37.50");
    let quantities: Vec<i64> = order["lineItems"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|line| line["quantity"].as_i64().unwrap())
        .collect();
    assert_eq!(quantities, vec![2, 1]);
    assert_eq!(order["lineItems"]["nodes"][0]["title"], "Tee");
    assert_eq!(order["shippingAddress"]["city"], "London");
    assert_eq!(
        order["billingAddress"]["city"], "London",
        "billing defaults to shipping"
    );
    let steps: Vec<&str> = order["statusHistory"]
        .as_array()
        .unwrap()
        .iter()
        .map(|step| step["status"].as_str().unwrap())
        .collect();
    assert_eq!(steps, vec!["PENDING", "CONFIRMED"]);

    // The stock left with the order, through the ledger; the cart is gone from the storefront.
    assert_eq!(level(&app, &tee).await, (3, 0));
    assert_eq!(level(&app, &mug).await, (2, 0));
    assert_levels_match_the_ledger(&app, &[tee.clone(), mug.clone()]).await;
    let cart = cart_op(&app, "Cart", json!({ "id": cart_id })).await;
    assert_eq!(cart, Value::Null);

    // Authorized for the total, then captured; every change left an outbox row.
    let order_id = order_uuid(order["id"].as_str().unwrap());
    let payments = payments_of(&app, order_id).await;
    assert_eq!(payments.len(), 1);
    assert_eq!(payments[0].status, "captured");
    assert_eq!(payments[0].amount_minor, 3750);
    assert_eq!(payments[0].captured_minor, 3750);
    let gid = ids::encode(GidKind::Order, order_id);
    assert_eq!(
        events_about(&app, &gid).await,
        vec!["checkouts/create", "orders/create", "orders/paid"]
    );
}

async fn the_buyer_reads_the_order_with_its_token_and_only_with_it(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let (cart_id, _) = cart_of(&app, 5, 1).await;
    let payload = complete(&app, &cart_id, "tok_visa").await;
    let id = &payload["order"]["id"];
    let token = payload["orderAccessToken"].as_str().expect("a token");

    let read = read_order(&app, id, Some(token)).await;
    assert_eq!(read["id"], *id);
    assert_eq!(read["status"], "CONFIRMED");
    assert_eq!(read_order(&app, id, None).await, Value::Null);
    assert_eq!(
        read_order(&app, id, Some("not-the-token")).await,
        Value::Null
    );

    // Another order's token opens only that order.
    let (other_cart, _) = cart_of(&app, 5, 1).await;
    let other = complete(&app, &other_cart, "tok_visa").await;
    let other_token = other["orderAccessToken"].as_str().unwrap();
    assert_eq!(read_order(&app, id, Some(other_token)).await, Value::Null);
}

async fn a_declined_card_keeps_the_cart_and_its_stock_for_another_card(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let (cart_id, variant) = cart_of(&app, 4, 2).await;

    for token in ["tok_chargeDeclined", "tok_chargeDeclinedInsufficientFunds"] {
        let declined = complete(&app, &cart_id, token).await;
        assert_eq!(
            error_codes(&declined),
            vec!["PAYMENT_DECLINED"],
            "{declined}"
        );
        assert_eq!(declined["order"], Value::Null);
        assert_eq!(
            level(&app, &variant).await,
            (4, 2),
            "the cart still holds its units"
        );
        let cart = cart_op(&app, "Cart", json!({ "id": cart_id })).await;
        assert_eq!(cart["totalQuantity"], 2, "the cart is open again");
    }
    // The shopper can still change the cart, then pay with a good card.
    let update = cart_op(
        &app,
        "CartLinesAdd",
        json!({ "cartId": cart_id, "lines": [{ "merchandiseId": variant, "quantity": 1 }] }),
    )
    .await;
    assert_eq!(update["userErrors"], json!([]), "{update}");

    let paid = complete(&app, &cart_id, "tok_visa").await;
    assert_eq!(paid["userErrors"], json!([]), "{paid}");
    assert_eq!(paid["order"]["totalPrice"]["amount"], "37.50");
    assert_eq!(
        paid["order"]["orderNumber"], 1001,
        "the declined attempts kept the number"
    );
    assert_eq!(level(&app, &variant).await, (1, 0));
    let order_id = order_uuid(paid["order"]["id"].as_str().unwrap());
    let statuses: Vec<String> = payments_of(&app, order_id)
        .await
        .into_iter()
        .map(|payment| payment.status)
        .collect();
    assert_eq!(statuses, vec!["failed", "failed", "captured"]);
    let gid = ids::encode(GidKind::Order, order_id);
    assert_eq!(
        events_about(&app, &gid).await,
        vec![
            "checkouts/create",
            "checkouts/update",
            "checkouts/update",
            "checkouts/update",
            "checkouts/update",
            "orders/create",
            "orders/paid"
        ],
        "placed, declined, placed again, declined, placed again, confirmed, captured"
    );
    assert_levels_match_the_ledger(&app, &[variant]).await;
}

async fn orders_are_numbered_per_store_from_1001(backend: Backend) {
    let app = spawn_app_on(backend).await;
    for expected in 1001..1004 {
        let (cart_id, _) = cart_of(&app, 5, 1).await;
        let payload = complete(&app, &cart_id, "tok_visa").await;
        assert_eq!(payload["order"]["orderNumber"], expected);
        assert_eq!(payload["order"]["name"], format!("#{expected}"));
    }
    // Cart mutations name the completed cart's state.
    let (cart_id, variant) = cart_of(&app, 5, 1).await;
    complete(&app, &cart_id, "tok_visa").await;
    let refused = cart_op(
        &app,
        "CartLinesAdd",
        json!({ "cartId": cart_id, "lines": [{ "merchandiseId": variant, "quantity": 1 }] }),
    )
    .await;
    assert_eq!(
        refused["userErrors"][0]["code"], "CART_COMPLETED",
        "{refused}"
    );
}
