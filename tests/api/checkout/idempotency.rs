//! Idempotency keys: the same key with the same request always gets the same answer (the order
//! and its token, or the same refusal) without asking the gateway again; the same key with
//! another cart or input is refused and changes nothing; a key past its 24 hours is forgotten
//! (RELIABILITY.md T9 sequentially, T10).

use entities::{idempotency_key, prelude::*};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use super::{cart_of, complete_with, error_codes, input, new_key, orders_of};
use crate::carts::{cart_op, level};
use crate::helpers::{Backend, spawn_app_on};
use crate::on_both_backends;

on_both_backends!(
    the_same_key_replays_the_same_answer,
    a_key_sent_with_another_request_is_refused_and_changes_nothing,
    a_key_past_its_retention_is_processed_as_new,
);

async fn the_same_key_replays_the_same_answer(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let (cart_id, _) = cart_of(&app, 5, 1).await;
    let key = new_key();
    let first = complete_with(&app, &cart_id, &key, input("tok_visa")).await;
    assert_eq!(first["userErrors"], json!([]), "{first}");
    for _ in 0..3 {
        let again = complete_with(&app, &cart_id, &key, input("tok_visa")).await;
        assert_eq!(again["order"]["id"], first["order"]["id"]);
        assert_eq!(again["orderAccessToken"], first["orderAccessToken"]);
        assert_eq!(again["userErrors"], json!([]));
    }
    assert_eq!(app.gateway.authorize_calls(), 1);
    assert_eq!(orders_of(&app).await.len(), 1);

    // A decline is an answer too: the same key replays it, a new key tries again.
    let (declined_cart, _) = cart_of(&app, 5, 1).await;
    let key = new_key();
    let declined = complete_with(&app, &declined_cart, &key, input("tok_chargeDeclined")).await;
    assert_eq!(error_codes(&declined), vec!["PAYMENT_DECLINED"]);
    let replayed = complete_with(&app, &declined_cart, &key, input("tok_chargeDeclined")).await;
    assert_eq!(replayed, declined);
    assert_eq!(app.gateway.authorize_calls(), 2);
}

/// T10 asks for 200 cases; a case is two checkouts.
const MISUSE_CASES: usize = 25;

async fn a_key_sent_with_another_request_is_refused_and_changes_nothing(backend: Backend) {
    let app = spawn_app_on(backend).await;
    for case in 0..MISUSE_CASES {
        let (paid_cart, _) = cart_of(&app, 5, 1).await;
        let key = new_key();
        let paid = complete_with(&app, &paid_cart, &key, input("tok_visa")).await;
        assert_eq!(paid["userErrors"], json!([]), "{paid}");
        let orders = orders_of(&app).await.len();
        let calls = app.gateway.authorize_calls();

        // Another cart under the same key, or the same cart with another input.
        let (other_cart, other_variant) = cart_of(&app, 5, 2).await;
        let mut other_input = input("tok_visa");
        other_input["email"] = json!(format!("other{case}@example.com"));
        for (cart, body) in [(&other_cart, input("tok_visa")), (&paid_cart, other_input)] {
            let misuse = complete_with(&app, cart, &key, body).await;
            assert_eq!(
                error_codes(&misuse),
                vec!["IDEMPOTENCY_KEY_REUSED"],
                "{misuse}"
            );
            assert_eq!(misuse["order"], serde_json::Value::Null);
        }
        assert_eq!(orders_of(&app).await.len(), orders);
        assert_eq!(app.gateway.authorize_calls(), calls);
        assert_eq!(level(&app, &other_variant).await, (5, 2));
        let other = cart_op(&app, "Cart", json!({ "id": other_cart })).await;
        assert_eq!(other["totalQuantity"], 2, "the other cart is still open");
    }
}

async fn a_key_past_its_retention_is_processed_as_new(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let (cart_id, _) = cart_of(&app, 5, 1).await;
    let key = new_key();
    let first = complete_with(&app, &cart_id, &key, input("tok_visa")).await;
    assert_eq!(first["userErrors"], json!([]));
    // A day and an hour later (the key's clock moved back instead of ours forward).
    IdempotencyKey::update_many()
        .col_expr(
            idempotency_key::Column::CreatedAt,
            Expr::value(chrono::Utc::now() - chrono::Duration::hours(25)),
        )
        .filter(idempotency_key::Column::Key.eq(key.as_str()))
        .exec(app.db())
        .await
        .unwrap();
    let later = complete_with(&app, &cart_id, &key, input("tok_visa")).await;
    assert_eq!(
        error_codes(&later),
        vec!["CART_ALREADY_COMPLETED"],
        "{later}"
    );
    assert_eq!(later["order"]["id"], first["order"]["id"]);
    assert_eq!(app.gateway.authorize_calls(), 1);
}
