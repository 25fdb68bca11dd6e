//! The test gateway against Stripe's rules: tokens, idempotency, capture, void, refund, expiry and
//! concurrent callers.

use std::time::{Duration, Instant};

use chrono::Utc;

use super::*;
use crate::payments::stripe::events::IntentObject;
use crate::payments::{AUTHORIZATION_LIFETIME, AuthorizationStatus};

fn request(token: &str, key: &str) -> AuthorizeRequest {
    AuthorizeRequest {
        amount_minor: 2500,
        currency: "USD".into(),
        payment_token: token.into(),
        idempotency_key: key.into(),
        description: "Order #1001".into(),
    }
}

async fn authorized(gateway: &TestGateway, key: &str) -> Authorization {
    gateway
        .authorize(&request(TOKEN_VISA, key))
        .await
        .expect("authorized")
}

fn refused(message: &str) -> GatewayError {
    GatewayError::Refused(message.into())
}

#[tokio::test]
async fn approving_tokens_hold_the_amount_for_seven_days() {
    let gateway = TestGateway::new();
    for token in [TOKEN_VISA, TOKEN_MASTERCARD, TOKEN_AMEX] {
        let before = Utc::now();
        let authorization = gateway.authorize(&request(token, token)).await.unwrap();
        assert_eq!(authorization.status, AuthorizationStatus::Authorized);
        assert_eq!(authorization.amount_minor, 2500);
        assert_eq!(authorization.captured_minor, 0);
        let lifetime = authorization.expires_at - before;
        assert!(lifetime <= AUTHORIZATION_LIFETIME);
        assert!(lifetime > AUTHORIZATION_LIFETIME - chrono::TimeDelta::seconds(2));
    }
    assert_eq!(gateway.authorizations().len(), 3);
    assert_eq!(gateway.name(), "test");
}

#[tokio::test]
async fn declining_tokens_decline_with_their_code_and_replay_the_same_decline() {
    let gateway = TestGateway::new();
    for (token, code) in [
        (TOKEN_DECLINED, "generic_decline"),
        (TOKEN_INSUFFICIENT_FUNDS, "insufficient_funds"),
    ] {
        let first = gateway.authorize(&request(token, token)).await.unwrap_err();
        assert!(matches!(&first, GatewayError::Declined { code: c, .. } if c == code));
        let again = gateway.authorize(&request(token, token)).await.unwrap_err();
        assert_eq!(again, first);
        assert_eq!(gateway.find_authorization(token).await, Ok(None));
    }
    assert!(gateway.authorizations().is_empty());
}

#[tokio::test]
async fn an_unknown_token_is_refused_and_creates_nothing() {
    let gateway = TestGateway::new();
    let error = gateway.authorize(&request("tok_nope", "k")).await;
    assert!(matches!(error, Err(GatewayError::Refused(_))));
    assert!(gateway.authorizations().is_empty());
}

#[tokio::test]
async fn the_same_key_and_parameters_return_the_stored_authorization() {
    let gateway = TestGateway::new();
    let first = authorized(&gateway, "order-1").await;
    let again = authorized(&gateway, "order-1").await;
    assert_eq!(again, first);
    assert_eq!(gateway.authorize_calls(), 2);
    let recorded = gateway.recorded();
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].request.idempotency_key, "order-1");
}

#[tokio::test]
async fn the_same_key_with_other_parameters_is_refused() {
    let gateway = TestGateway::new();
    authorized(&gateway, "order-1").await;
    let mut other_amount = request(TOKEN_VISA, "order-1");
    other_amount.amount_minor = 2600;
    let mut other_token = request(TOKEN_MASTERCARD, "order-1");
    other_token.description = "Order #1002".into();
    for changed in [other_amount, other_token] {
        let error = gateway.authorize(&changed).await.unwrap_err();
        assert_eq!(error, refused(IDEMPOTENCY_MISMATCH));
    }
    let reused_for_capture = gateway.capture("pi_x", 100, "order-1").await;
    assert_eq!(reused_for_capture, Err(refused(IDEMPOTENCY_MISMATCH)));
    assert_eq!(gateway.authorizations().len(), 1);
}

#[tokio::test]
async fn a_lost_response_is_unavailable_once_then_found_and_replayed() {
    let gateway = TestGateway::new();
    let lost = request(TOKEN_LOST_RESPONSE, "order-1");
    let first = gateway.authorize(&lost).await;
    assert!(matches!(first, Err(GatewayError::Unavailable(_))));
    let found = gateway.find_authorization("order-1").await.unwrap();
    let replayed = gateway.authorize(&lost).await.unwrap();
    assert_eq!(found, Some(replayed.clone()));
    assert_eq!(replayed.status, AuthorizationStatus::Authorized);
    assert_eq!(gateway.authorizations(), vec![replayed]);
}

#[tokio::test]
async fn a_server_error_is_unavailable_every_time_and_creates_nothing() {
    let gateway = TestGateway::new();
    let failing = request(TOKEN_SERVER_ERROR, "order-1");
    for _ in 0..2 {
        let error = gateway.authorize(&failing).await;
        assert!(matches!(error, Err(GatewayError::Unavailable(_))));
    }
    assert_eq!(gateway.find_authorization("order-1").await, Ok(None));
    assert!(gateway.authorizations().is_empty());
}

#[tokio::test]
async fn capture_takes_up_to_the_authorized_amount_once() {
    let gateway = TestGateway::new();
    let held = authorized(&gateway, "order-1").await;
    let above = gateway.capture(&held.reference, 2501, "capture-1").await;
    assert!(matches!(above, Err(GatewayError::Refused(_))));

    let captured = gateway.capture(&held.reference, 2000, "capture-1").await;
    let captured = captured.unwrap();
    assert_eq!(captured.status, AuthorizationStatus::Captured);
    assert_eq!(captured.captured_minor, 2000);
    let replay = gateway.capture(&held.reference, 2000, "capture-1").await;
    assert_eq!(replay, Ok(captured));
    let again = gateway.capture(&held.reference, 500, "capture-2").await;
    assert!(matches!(again, Err(GatewayError::Refused(_))));
    assert_eq!(gateway.captures_of(&held.reference), 4);
    assert_eq!(gateway.calls().capture, 4);
}

#[tokio::test]
async fn void_releases_only_an_uncaptured_authorization() {
    let gateway = TestGateway::new();
    let held = authorized(&gateway, "order-1").await;
    let voided = gateway.void(&held.reference, "void-1").await.unwrap();
    assert_eq!(voided.status, AuthorizationStatus::Voided);
    assert_eq!(gateway.void(&held.reference, "void-1").await, Ok(voided));
    let capture = gateway.capture(&held.reference, 100, "capture-1").await;
    assert!(matches!(capture, Err(GatewayError::Refused(_))));

    let other = authorized(&gateway, "order-2").await;
    gateway
        .capture(&other.reference, 2500, "capture-2")
        .await
        .unwrap();
    let void = gateway.void(&other.reference, "void-2").await;
    assert!(matches!(void, Err(GatewayError::Refused(_))));
}

#[tokio::test]
async fn refunds_return_at_most_what_was_captured() {
    let gateway = TestGateway::new();
    let held = authorized(&gateway, "order-1").await;
    let early = gateway.refund(&held.reference, 100, "refund-0").await;
    assert!(matches!(early, Err(GatewayError::Refused(_))));
    gateway
        .capture(&held.reference, 2000, "capture-1")
        .await
        .unwrap();

    let first = gateway
        .refund(&held.reference, 1500, "refund-1")
        .await
        .unwrap();
    assert_eq!(first.amount_minor, 1500);
    let replay = gateway.refund(&held.reference, 1500, "refund-1").await;
    assert_eq!(replay, Ok(first.clone()));
    let above = gateway.refund(&held.reference, 501, "refund-2").await;
    assert!(matches!(above, Err(GatewayError::Refused(_))));
    let rest = gateway
        .refund(&held.reference, 500, "refund-3")
        .await
        .unwrap();

    assert_eq!(gateway.refunds_of(&held.reference), vec![first, rest]);
    let now = gateway
        .find_authorization("order-1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((now.captured_minor, now.refunded_minor), (2000, 2000));
}

#[tokio::test]
async fn an_expired_authorization_lapses_and_cannot_be_captured() {
    let gateway = TestGateway::new();
    let held = authorized(&gateway, "order-1").await;
    assert!(gateway.expire(&held.reference));
    let capture = gateway.capture(&held.reference, 2500, "capture-1").await;
    assert!(matches!(capture, Err(GatewayError::Refused(_))));
    let lapsed = gateway.recorded_of(&held.reference).unwrap().authorization;
    assert_eq!(lapsed.status, AuthorizationStatus::Voided);
    assert!(!gateway.expire("pi_unknown"));
}

#[tokio::test]
async fn authorizations_since_list_what_was_created_then_with_its_key_as_it_stands_now() {
    let gateway = TestGateway::new();
    let before = Utc::now() - chrono::TimeDelta::seconds(1);
    let held = authorized(&gateway, "order-1").await;
    let taken = authorized(&gateway, "order-2").await;
    gateway
        .capture(&taken.reference, 2500, "capture-2")
        .await
        .unwrap();
    let _ = gateway.authorize(&request(TOKEN_DECLINED, "order-3")).await;

    let mut listed = gateway.authorizations_since(before).await.unwrap();
    listed.sort_by(|a, b| a.idempotency_key.cmp(&b.idempotency_key));

    let keys: Vec<_> = listed.iter().map(|k| k.idempotency_key.as_str()).collect();
    assert_eq!(keys, ["order-1", "order-2"]);
    assert_eq!(listed[0].authorization, held);
    assert_eq!(
        listed[1].authorization.status,
        AuthorizationStatus::Captured
    );
    let later = Utc::now() + chrono::TimeDelta::seconds(2);
    assert_eq!(gateway.authorizations_since(later).await, Ok(Vec::new()));
    assert_eq!(gateway.calls().authorizations_since, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_concurrent_authorizations_with_one_key_make_one_authorization() {
    let gateway = TestGateway::new().with_latency(Duration::from_millis(20));
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let gateway = gateway.clone();
            tokio::spawn(async move { gateway.authorize(&request(TOKEN_VISA, "order-1")).await })
        })
        .collect();
    let mut references = Vec::new();
    for task in tasks {
        references.push(task.await.unwrap().unwrap().reference);
    }
    references.dedup();
    assert_eq!(references.len(), 1);
    assert_eq!(gateway.authorizations().len(), 1);
    assert_eq!(gateway.authorize_calls(), 10);
}

#[tokio::test]
async fn clones_share_their_books_and_a_concurrency_limit_queues_calls() {
    let latency = Duration::from_millis(30);
    let gateway = TestGateway::new()
        .with_latency(latency)
        .with_max_concurrency(1);
    let clone = gateway.clone();
    let (first, second) = (request(TOKEN_VISA, "a"), request(TOKEN_VISA, "b"));
    let started = Instant::now();
    let (a, b) = tokio::join!(clone.authorize(&first), gateway.authorize(&second));
    assert!(a.is_ok() && b.is_ok());
    assert!(started.elapsed() >= latency * 2, "one call at a time");
    assert_eq!(clone.authorizations().len(), 2);
}

fn kinds(events: &[Event]) -> Vec<&str> {
    events.iter().map(|event| event.kind.as_str()).collect()
}

fn intent_of(event: &Event) -> IntentObject {
    serde_json::from_value(event.data.object.clone()).expect("a payment intent")
}

#[tokio::test]
async fn each_change_sends_stripes_events_once_carrying_the_object_as_it_stands() {
    use crate::payments::stripe::events::ChargeObject;
    let gateway = TestGateway::new();
    let held = authorized(&gateway, "order-1").await;
    let sent = gateway.drain_events();
    assert_eq!(
        kinds(&sent),
        [
            "payment_intent.created",
            "payment_intent.amount_capturable_updated"
        ]
    );
    let intent = intent_of(&sent[1]);
    assert_eq!(
        (intent.id.as_str(), intent.status.as_str()),
        (held.reference.as_str(), "requires_capture")
    );
    assert_eq!((intent.amount, intent.amount_capturable), (2500, 2500));
    assert_eq!(intent.metadata["idempotency_key"], "order-1");
    assert!(sent[1].id.starts_with("evt_") && sent[0].id != sent[1].id);

    authorized(&gateway, "order-1").await;
    gateway
        .capture(&held.reference, 2500, "capture-1")
        .await
        .unwrap();
    gateway
        .capture(&held.reference, 2500, "capture-1")
        .await
        .unwrap();
    gateway
        .refund(&held.reference, 700, "refund-1")
        .await
        .unwrap();
    let sent = gateway.drain_events();
    assert_eq!(
        kinds(&sent),
        [
            "charge.captured",
            "payment_intent.succeeded",
            "charge.refunded"
        ]
    );
    assert_eq!(intent_of(&sent[1]).amount_received, 2500);
    let charge: ChargeObject = serde_json::from_value(sent[2].data.object.clone()).unwrap();
    assert_eq!(
        (
            charge.amount_captured,
            charge.amount_refunded,
            charge.refunded
        ),
        (2500, 700, false)
    );
    assert_eq!(
        charge.payment_intent.as_deref(),
        Some(held.reference.as_str())
    );
    assert_eq!(gateway.events().len(), 5);
    assert!(gateway.drain_events().is_empty());
}

#[tokio::test]
async fn voids_lapses_and_declines_send_their_events() {
    use crate::payments::stripe::events::ChargeObject;
    let gateway = TestGateway::new();
    let voided = authorized(&gateway, "order-1").await;
    let lapsed = authorized(&gateway, "order-2").await;
    gateway.drain_events();
    gateway.void(&voided.reference, "void-1").await.unwrap();
    let sent = gateway.drain_events();
    assert_eq!(kinds(&sent), ["payment_intent.canceled", "charge.refunded"]);
    assert_eq!(
        intent_of(&sent[0]).cancellation_reason.as_deref(),
        Some("requested_by_customer")
    );
    let released: ChargeObject = serde_json::from_value(sent[1].data.object.clone()).unwrap();
    assert_eq!(
        (
            released.captured,
            released.refunded,
            released.amount_refunded
        ),
        (false, true, 2500)
    );

    gateway.expire(&lapsed.reference);
    let sent = gateway.drain_events();
    assert_eq!(kinds(&sent), ["payment_intent.canceled", "charge.expired"]);
    assert_eq!(
        intent_of(&sent[0]).cancellation_reason.as_deref(),
        Some("automatic")
    );

    let _ = gateway
        .authorize(&request(TOKEN_INSUFFICIENT_FUNDS, "order-3"))
        .await;
    let _ = gateway
        .authorize(&request(TOKEN_INSUFFICIENT_FUNDS, "order-3"))
        .await;
    let sent = gateway.drain_events();
    assert_eq!(
        kinds(&sent),
        ["payment_intent.created", "payment_intent.payment_failed"]
    );
    let failed = intent_of(&sent[1]);
    assert_eq!(failed.status, "requires_payment_method");
    let error = failed.last_payment_error.unwrap();
    assert_eq!(error.decline_code.as_deref(), Some("insufficient_funds"));
}

#[tokio::test]
async fn lost_answers_do_the_work_and_then_answer_unavailable() {
    let gateway = TestGateway::new();
    gateway.lose_answers(2);
    let lost = gateway.authorize(&request(TOKEN_VISA, "order-1")).await;
    assert!(matches!(lost, Err(GatewayError::Unavailable(_))));
    let found = gateway.find_authorization("order-1").await;
    assert!(matches!(found, Err(GatewayError::Unavailable(_))));
    let found = gateway.find_authorization("order-1").await.unwrap();
    assert_eq!(found.unwrap().status, AuthorizationStatus::Authorized);
}

#[tokio::test]
async fn next_events_waits_for_what_the_gateway_sends() {
    let gateway = TestGateway::new();
    let waiting = tokio::spawn({
        let gateway = gateway.clone();
        async move { gateway.next_events().await }
    });
    tokio::task::yield_now().await;
    authorized(&gateway, "order-1").await;
    let sent = waiting.await.unwrap();
    assert_eq!(sent.len(), 2);
}
