//! Each event a manual-capture integration receives, delivered to a real server: captures,
//! refunds and voids made at the gateway alone (as in Stripe's dashboard) reach the payment and
//! its history through their events; events the buyer's checkout already recorded are stale;
//! repeats are duplicates and an older snapshot after a newer one changes nothing; a checkout
//! whose gateway answers were all lost is settled by its authorization (or decline) event, which
//! never captures; events about nothing of ours are stored and answered 200.

use entities::payment_event;
use entities::prelude::*;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use uuid::Uuid;
use vitrine::ids::{self, GidKind};
use vitrine::payments::PaymentGateway;
use vitrine::payments::stripe::events::{
    CHARGE_CAPTURED, CHARGE_REFUNDED, Event, INTENT_AMOUNT_CAPTURABLE_UPDATED, INTENT_CANCELED,
    INTENT_CREATED, INTENT_PAYMENT_FAILED, INTENT_SUCCEEDED,
};

use super::{
    SECRET, authorized_payment, captured_at_the_gateway, delivered, of_kind, post, stored,
    webhook_app,
};
use crate::carts::level;
use crate::checkout::{
    cart_of, complete, complete_with, error_codes, events_about, input, new_key, order_uuid,
    payments_of,
};
use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;
use crate::orders::{capture_on_fulfilment, order_op};

on_both_backends!(
    gateway_side_changes_reach_the_payment_and_its_history_through_their_events,
    repeated_and_reordered_events_change_nothing,
    a_checkout_whose_answers_were_lost_is_settled_by_its_events_without_capturing,
    events_about_nothing_of_ours_are_stored_and_answered,
);

/// The kinds of a payment's history, oldest first.
async fn history(app: &TestApp, payment_id: Uuid) -> Vec<payment_event::Model> {
    PaymentEvent::find()
        .filter(payment_event::Column::PaymentId.eq(payment_id))
        .order_by_asc(payment_event::Column::CreatedAt)
        .order_by_asc(payment_event::Column::Id)
        .all(app.db())
        .await
        .unwrap()
}

async fn kinds(app: &TestApp, payment_id: Uuid) -> Vec<String> {
    let events = history(app, payment_id).await;
    events.into_iter().map(|event| event.kind).collect()
}

async fn gateway_side_changes_reach_the_payment_and_its_history_through_their_events(
    backend: Backend,
) {
    let app = webhook_app(backend, |_| {}).await;
    capture_on_fulfilment(&app).await;
    let payment = authorized_payment(&app).await;
    let reference = payment.gateway_reference.clone().unwrap();
    let placed = app.gateway.drain_events();
    assert_eq!(
        delivered(&app, of_kind(&placed, INTENT_CREATED)).await,
        "ignored"
    );
    let authorized = of_kind(&placed, INTENT_AMOUNT_CAPTURABLE_UPDATED);
    assert_eq!(delivered(&app, authorized).await, "stale");

    let captured = captured_at_the_gateway(&app, &payment).await;
    assert_eq!(
        delivered(&app, of_kind(&captured, CHARGE_CAPTURED)).await,
        "ignored"
    );
    assert_eq!(
        delivered(&app, of_kind(&captured, INTENT_SUCCEEDED)).await,
        "applied"
    );
    let total = payment.amount_minor;
    let now = &payments_of(&app, payment.order_id).await[0];
    assert_eq!(
        (now.status.as_str(), now.captured_minor),
        ("captured", total)
    );

    for (amount, status) in [(500, "captured"), (total - 500, "refunded")] {
        let key = format!("dashboard-refund-{amount}");
        app.gateway.refund(&reference, amount, &key).await.unwrap();
        let refunded = app.gateway.drain_events();
        assert_eq!(
            delivered(&app, of_kind(&refunded, CHARGE_REFUNDED)).await,
            "applied"
        );
        assert_eq!(payments_of(&app, payment.order_id).await[0].status, status);
    }
    let now = &payments_of(&app, payment.order_id).await[0];
    assert_eq!((now.captured_minor, now.refunded_minor), (total, total));
    assert_eq!(
        kinds(&app, payment.id).await,
        [
            "authorize_requested",
            "authorized",
            "captured",
            "refunded",
            "refunded"
        ]
    );
    let order_gid = ids::encode(GidKind::Order, payment.order_id);
    let topics = events_about(&app, &order_gid).await;
    assert_eq!(topics.iter().filter(|t| *t == "orders/paid").count(), 1);

    // The merchant sees each applied event in the payment's history, with the event behind it.
    let order = order_op(&app, "AdminOrderById", json!({ "id": order_gid })).await;
    let events = order["payments"][0]["events"].as_array().unwrap().clone();
    let capture = events.iter().find(|e| e["kind"] == "captured").unwrap();
    let detail: Value = serde_json::from_str(capture["detail"].as_str().unwrap()).unwrap();
    assert_eq!(detail["webhook"]["type"], INTENT_SUCCEEDED);
    assert_eq!(
        detail["webhook"]["id"],
        of_kind(&captured, INTENT_SUCCEEDED).id.as_str()
    );

    let voided = authorized_payment(&app).await;
    app.gateway.drain_events();
    let voided_reference = voided.gateway_reference.clone().unwrap();
    app.gateway
        .void(&voided_reference, "dashboard-void")
        .await
        .unwrap();
    let released = app.gateway.drain_events();
    assert_eq!(
        delivered(&app, of_kind(&released, INTENT_CANCELED)).await,
        "applied"
    );
    assert_eq!(
        delivered(&app, of_kind(&released, CHARGE_REFUNDED)).await,
        "stale"
    );
    assert_eq!(payments_of(&app, voided.order_id).await[0].status, "voided");
    assert_eq!(kinds(&app, voided.id).await.last().unwrap(), "voided");

    let (cart_id, _) = cart_of(&app, 5, 1).await;
    let refused = complete(&app, &cart_id, "tok_chargeDeclined").await;
    assert_eq!(error_codes(&refused), ["PAYMENT_DECLINED"]);
    let declined = app.gateway.drain_events();
    assert_eq!(
        delivered(&app, of_kind(&declined, INTENT_PAYMENT_FAILED)).await,
        "stale"
    );

    let rows = stored(&app).await;
    assert_eq!(rows.len(), 9);
    assert!(rows.iter().all(|row| row.processed_at.is_some()));
    let applied = rows
        .iter()
        .filter(|row| row.outcome.as_deref() == Some("applied"));
    assert!(
        applied
            .clone()
            .all(|row| row.store_id == Some(app.store.store_id))
    );
    assert_eq!(applied.count(), 4);
    assert_eq!(app.gateway.captures_of(&reference), 1);
}

async fn repeated_and_reordered_events_change_nothing(backend: Backend) {
    let app = webhook_app(backend, |_| {}).await;
    capture_on_fulfilment(&app).await;
    let payment = authorized_payment(&app).await;
    let reference = payment.gateway_reference.clone().unwrap();
    let sent = captured_at_the_gateway(&app, &payment).await;
    let succeeded = of_kind(&sent, INTENT_SUCCEEDED);
    let authorized = of_kind(&sent, INTENT_AMOUNT_CAPTURABLE_UPDATED);

    assert_eq!(delivered(&app, succeeded).await, "applied");
    assert_eq!(delivered(&app, succeeded).await, "duplicate");
    assert_eq!(delivered(&app, authorized).await, "stale");
    assert_eq!(delivered(&app, authorized).await, "duplicate");
    app.gateway
        .refund(&reference, payment.amount_minor, "dashboard-refund")
        .await
        .unwrap();
    let refunded = app.gateway.drain_events();
    assert_eq!(
        delivered(&app, of_kind(&refunded, CHARGE_REFUNDED)).await,
        "applied"
    );
    // The capture's snapshot again, under another id (as a newer event would carry it): older
    // news than the refund.
    let older = Event {
        id: "evt_older_snapshot".into(),
        ..succeeded.clone()
    };
    assert_eq!(delivered(&app, &older).await, "stale");

    let now = &payments_of(&app, payment.order_id).await[0];
    assert_eq!(
        (now.status.as_str(), now.refunded_minor),
        ("refunded", payment.amount_minor)
    );
    assert_eq!(
        kinds(&app, payment.id).await,
        ["authorize_requested", "authorized", "captured", "refunded"]
    );
    let topics = events_about(&app, &ids::encode(GidKind::Order, payment.order_id)).await;
    assert_eq!(topics.iter().filter(|t| *t == "orders/paid").count(), 1);
    assert_eq!(stored(&app).await.len(), 4);
}

async fn a_checkout_whose_answers_were_lost_is_settled_by_its_events_without_capturing(
    backend: Backend,
) {
    // The completer stays out: only the events can settle these checkouts.
    let app = webhook_app(backend, |settings| {
        settings.completer_grace_seconds = 3600.0;
    })
    .await;
    let (cart_id, variant) = cart_of(&app, 5, 2).await;
    let key = new_key();
    app.gateway.lose_answers(3);
    let pending = complete_with(&app, &cart_id, &key, input("tok_visa")).await;
    assert_eq!(error_codes(&pending), ["PAYMENT_PENDING"]);
    let authorized = of_kind(
        &app.gateway.drain_events(),
        INTENT_AMOUNT_CAPTURABLE_UPDATED,
    )
    .clone();
    assert_eq!(delivered(&app, &authorized).await, "applied");
    assert_eq!(delivered(&app, &authorized).await, "duplicate");

    let answer = complete_with(&app, &cart_id, &key, input("tok_visa")).await;
    assert_eq!(answer["userErrors"], json!([]), "{answer}");
    let order_id = order_uuid(answer["order"]["id"].as_str().unwrap());
    assert_eq!(answer["order"]["status"], "CONFIRMED");
    let steps = answer["order"]["statusHistory"].as_array().unwrap();
    assert_eq!(steps.last().unwrap()["actor"], "gateway");
    let payment = &payments_of(&app, order_id).await[0];
    assert_eq!(payment.status, "authorized");
    assert_eq!(level(&app, &variant).await, (3, 0));
    // The store captures at once, but a webhook never captures: that is the completer's job.
    let reference = payment.gateway_reference.as_deref().unwrap();
    assert_eq!(app.gateway.captures_of(reference), 0);

    let (cart_id, variant) = cart_of(&app, 5, 1).await;
    let key = new_key();
    app.gateway.lose_answers(3);
    let pending = complete_with(&app, &cart_id, &key, input("tok_chargeDeclined")).await;
    assert_eq!(error_codes(&pending), ["PAYMENT_PENDING"]);
    let failed = of_kind(&app.gateway.drain_events(), INTENT_PAYMENT_FAILED).clone();
    assert_eq!(delivered(&app, &failed).await, "applied");
    let answer = complete_with(&app, &cart_id, &key, input("tok_chargeDeclined")).await;
    assert_eq!(error_codes(&answer), ["PAYMENT_DECLINED"]);
    let row = Payment::find()
        .filter(entities::payment::Column::GatewayReference.is_null())
        .filter(entities::payment::Column::Status.eq("failed"))
        .one(app.db())
        .await
        .unwrap()
        .expect("the declined payment");
    assert_eq!(row.decline_code.as_deref(), Some("generic_decline"));
    assert_eq!(
        level(&app, &variant).await,
        (5, 1),
        "the cart keeps its hold"
    );
}

async fn events_about_nothing_of_ours_are_stored_and_answered(backend: Backend) {
    let app = webhook_app(backend, |_| {}).await;
    let event = |id: &str, kind: &str, object: Value| -> Event {
        serde_json::from_value(json!({
            "id": id, "object": "event", "created": 1_700_000_000, "type": kind,
            "data": { "object": object }
        }))
        .unwrap()
    };
    let intent = |metadata: Value| {
        json!({
            "id": "pi_elsewhere", "object": "payment_intent", "amount": 900, "currency": "usd",
            "status": "succeeded", "amount_received": 900, "created": 1_700_000_000,
            "metadata": metadata
        })
    };
    let foreign = event("evt_foreign", INTENT_SUCCEEDED, intent(json!({})));
    assert_eq!(delivered(&app, &foreign).await, "unmatched");
    let key = format!("vitrine-authorize-{}", Uuid::now_v7());
    let unknown_payment = event(
        "evt_unknown_payment",
        INTENT_SUCCEEDED,
        intent(json!({ "idempotency_key": key })),
    );
    assert_eq!(delivered(&app, &unknown_payment).await, "unmatched");
    let other_type = event("evt_customer", "customer.created", json!({ "id": "cus_1" }));
    assert_eq!(delivered(&app, &other_type).await, "ignored");

    let not_an_event = br#"{"hello":"world"}"#;
    let now = chrono::Utc::now().timestamp();
    let header = vitrine::payments::stripe::signature::sign(SECRET, not_an_event, now);
    let (status, _) = post(&app, not_an_event, Some(&header)).await;
    assert_eq!(status, 400);

    let rows = stored(&app).await;
    let outcomes: Vec<_> = rows.iter().map(|row| row.outcome.as_deref()).collect();
    assert_eq!(
        outcomes,
        [Some("unmatched"), Some("unmatched"), Some("ignored")]
    );
    assert!(rows.iter().all(|row| row.payment_id.is_none()));
    assert_eq!(rows[0].object_id.as_deref(), Some("pi_elsewhere"));
    assert_eq!(rows[2].payload["data"]["object"]["id"], "cus_1");
}
