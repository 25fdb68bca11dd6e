//! Only Stripe's events get in: a request with no signature, a signature made with another
//! secret or over another body, a malformed header or a signature older than five minutes is
//! answered 400 and changes nothing, not even the store of events; the same event properly signed
//! is then applied. Without a signing secret the endpoint answers 503 and reads nothing.

use chrono::Utc;
use vitrine::payments::stripe::events::INTENT_SUCCEEDED;
use vitrine::payments::stripe::signature;

use super::{
    SECRET, authorized_payment, captured_at_the_gateway, deliver, of_kind, post, stored,
    webhook_app,
};
use crate::checkout::payments_of;
use crate::helpers::{Backend, spawn_app_on};
use crate::on_both_backends;
use crate::orders::capture_on_fulfilment;

on_both_backends!(
    unsigned_or_badly_signed_events_are_refused_and_change_nothing,
    without_a_signing_secret_the_endpoint_is_unavailable,
);

async fn unsigned_or_badly_signed_events_are_refused_and_change_nothing(backend: Backend) {
    let app = webhook_app(backend, |_| {}).await;
    capture_on_fulfilment(&app).await;
    let payment = &authorized_payment(&app).await;
    let event = of_kind(
        &captured_at_the_gateway(&app, payment).await,
        INTENT_SUCCEEDED,
    )
    .clone();
    let body = serde_json::to_vec(&event).unwrap();
    let now = Utc::now().timestamp();

    let other_body = serde_json::to_vec(&serde_json::json!({ "id": "evt_other" })).unwrap();
    let refused = [
        ("missing", None),
        (
            "another secret",
            Some(signature::sign("whsec_other", &body, now)),
        ),
        (
            "another body",
            Some(signature::sign(SECRET, &other_body, now)),
        ),
        ("malformed", Some("t=soon,v1=abc".to_string())),
        ("no v1", Some(format!("t={now}"))),
        ("stale", Some(signature::sign(SECRET, &body, now - 301))),
    ];
    for (why, header) in refused {
        let (status, answer) = post(&app, &body, header.as_deref()).await;
        assert_eq!(status, 400, "{why}: {answer}");
        assert!(answer["error"].is_string(), "{why}: {answer}");
    }
    assert!(stored(&app).await.is_empty());
    let unchanged = &payments_of(&app, payment.order_id).await[0];
    assert_eq!(unchanged.status, "authorized");

    let (status, answer) = deliver(&app, &event).await;
    assert_eq!((status, answer["outcome"].as_str()), (200, Some("applied")));
    let captured = &payments_of(&app, payment.order_id).await[0];
    assert_eq!(captured.status, "captured");
    assert_eq!(captured.captured_minor, payment.amount_minor);
}

async fn without_a_signing_secret_the_endpoint_is_unavailable(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let body = br#"{"id":"evt_1","type":"payment_intent.succeeded"}"#;
    let header = signature::sign(SECRET, body, Utc::now().timestamp());
    let (status, answer) = post(&app, body, Some(&header)).await;
    assert_eq!(status, 503, "{answer}");
    assert!(
        answer["error"]
            .as_str()
            .unwrap()
            .contains("stripe_webhook_secret")
    );
    assert!(stored(&app).await.is_empty());
}
