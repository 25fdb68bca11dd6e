//! Checkouts the gateway leaves in doubt: an answer lost on the way back is asked for again under
//! the same key (one authorization, T11); a gateway that fails leaves the order to the completer,
//! which learns nothing was charged and gives the cart back.

use std::time::Duration;

use serde_json::{Value, json};

use super::{
    cart_of, complete_with, error_codes, eventually, input, new_key, order_uuid, orders_of,
    payments_of,
};
use crate::carts::{cart_op, level};
use crate::helpers::{Backend, TestApp, spawn_app_on};
use crate::on_both_backends;

on_both_backends!(
    a_lost_gateway_answer_is_asked_again_and_charges_once,
    a_failing_gateway_leaves_the_checkout_to_the_completer,
);

const LOST_ANSWER_TRIALS: usize = 20;

async fn a_lost_gateway_answer_is_asked_again_and_charges_once(backend: Backend) {
    let app = spawn_app_on(backend).await;
    for trial in 0..LOST_ANSWER_TRIALS {
        let (cart_id, variant) = cart_of(&app, 2, 1).await;
        let paid = complete_with(
            &app,
            &cart_id,
            &new_key(),
            input("tok_vitrine_lostResponse"),
        )
        .await;
        assert_eq!(paid["userErrors"], json!([]), "trial {trial}: {paid}");
        let order_id = order_uuid(paid["order"]["id"].as_str().unwrap());
        let payments = payments_of(&app, order_id).await;
        let made = app
            .gateway
            .recorded()
            .into_iter()
            .filter(|r| r.request.idempotency_key == payments[0].idempotency_key)
            .count();
        assert_eq!(made, 1, "trial {trial}: one authorization at the gateway");
        assert_eq!(level(&app, &variant).await, (1, 0));
    }
    assert_eq!(app.gateway.authorizations().len(), LOST_ANSWER_TRIALS);
}

async fn payment_statuses(app: &TestApp) -> Vec<String> {
    let mut statuses = Vec::new();
    for order in orders_of(app).await {
        statuses.extend(
            payments_of(app, order.id)
                .await
                .into_iter()
                .map(|p| p.status),
        );
    }
    statuses
}

async fn a_failing_gateway_leaves_the_checkout_to_the_completer(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let (cart_id, variant) = cart_of(&app, 3, 2).await;
    let key = new_key();
    let pending = complete_with(&app, &cart_id, &key, input("tok_vitrine_serverError")).await;
    assert_eq!(error_codes(&pending), vec!["PAYMENT_PENDING"], "{pending}");
    assert_eq!(
        level(&app, &variant).await,
        (3, 2),
        "the units stay held meanwhile"
    );
    // The completer asks the gateway, learns nothing is held, and gives the cart back.
    eventually(
        Duration::from_secs(10),
        "the completer settling the payment",
        || async { payment_statuses(&app).await == ["failed"] },
    )
    .await;
    let cart = cart_op(&app, "Cart", json!({ "id": cart_id })).await;
    assert_eq!(cart["totalQuantity"], 2, "the cart is open again");
    let replayed = complete_with(&app, &cart_id, &key, input("tok_vitrine_serverError")).await;
    assert_eq!(error_codes(&replayed), vec!["PAYMENT_FAILED"], "{replayed}");
    assert_eq!(replayed["order"], Value::Null);

    let paid = complete_with(&app, &cart_id, &new_key(), input("tok_visa")).await;
    assert_eq!(paid["userErrors"], json!([]), "{paid}");
    assert_eq!(level(&app, &variant).await, (1, 0));
    assert_eq!(app.gateway.authorizations().len(), 1);
}
