//! What a subscriber receives: Shopify's headers, a body signed with the store's secret that a
//! Shopify app's usual check accepts, retries under the same webhook id, a delivery log, a dead
//! letter after the last attempt, and a subscription's events in order, one at a time.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use entities::prelude::OutboxEvent;
use hmac::{Hmac, Mac};
use sea_orm::EntityTrait;
use serde_json::json;
use sha2::Sha256;

use super::receiver::{Answer, Behaviour, Hit, Receiver};
use super::{deliveries_of, subscribe, webhook_op};
use crate::helpers::{Backend, TestApp, sized_product, spawn_app_on, spawn_app_with};
use crate::on_both_backends;

/// What a Shopify app does with an incoming webhook: HMAC-SHA256 of the raw body with the
/// app's secret, base64, compared in constant time with `X-Shopify-Hmac-Sha256`.
fn shopify_app_accepts(secret: &str, hit: &Hit) -> bool {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(&hit.body);
    let Ok(sent) = STANDARD.decode(&hit.hmac) else {
        return false;
    };
    mac.verify_slice(&sent).is_ok()
}

async fn product_created(app: &TestApp, title: &str) -> String {
    let product = app.create_product(sized_product(title, title)).await;
    product["id"].as_str().unwrap().to_string()
}

const WAIT: Duration = Duration::from_secs(20);

async fn a_delivery_carries_shopify_headers_and_a_signed_body(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let receiver = Receiver::start(
        Behaviour::Healthy {
            delay: Duration::ZERO,
        },
        1,
    )
    .await;
    subscribe(
        &app,
        &app.store,
        "PRODUCTS_CREATE",
        &receiver.url("/hooks/products"),
    )
    .await;
    let product_id = product_created(&app, "Signed Tee").await;

    let hits = receiver.wait_for(WAIT, |hits| !hits.is_empty()).await;
    let hit = &hits[0];
    assert_eq!(hit.path, "/hooks/products");
    assert_eq!(hit.topic, "products/create");
    assert_eq!(hit.shop_domain, app.store.domain);
    assert_eq!(hit.api_version, "2025-01");
    assert!(
        chrono::DateTime::parse_from_rfc3339(&hit.triggered_at).is_ok(),
        "{}",
        hit.triggered_at
    );
    assert!(
        shopify_app_accepts(&app.store.webhook_secret, hit),
        "signature rejected"
    );
    assert!(!shopify_app_accepts("another secret", hit));
    let event = OutboxEvent::find_by_id(hit.event_id)
        .one(app.db())
        .await
        .unwrap()
        .expect("the event id names the outbox row");
    assert_eq!(hit.json(), event.payload);
    assert_eq!(hit.json()["id"], product_id.as_str());
    assert_ne!(hit.webhook_id, hit.event_id);
    assert_eq!(hits.len(), 1, "one event, one request");
}

async fn a_rotated_secret_signs_the_next_deliveries(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let receiver = Receiver::start(
        Behaviour::Healthy {
            delay: Duration::ZERO,
        },
        2,
    )
    .await;
    subscribe(&app, &app.store, "PRODUCTS_CREATE", &receiver.url("/hooks")).await;
    product_created(&app, "Before").await;
    receiver.wait_for(WAIT, |hits| hits.len() == 1).await;

    let data = webhook_op(&app, &app.store, "WebhookSecretRotate", json!({})).await;
    let secret = data["webhookSecretRotate"]["webhookSecret"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(secret, app.store.webhook_secret);
    product_created(&app, "After").await;
    let hits = receiver.wait_for(WAIT, |hits| hits.len() == 2).await;
    assert!(shopify_app_accepts(&app.store.webhook_secret, &hits[0]));
    assert!(shopify_app_accepts(&secret, &hits[1]));
    assert!(!shopify_app_accepts(&app.store.webhook_secret, &hits[1]));
}

async fn failed_attempts_are_retried_under_one_webhook_id_and_logged(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let receiver = Receiver::start(Behaviour::FailFirst(3), 3).await;
    let subscription = subscribe(&app, &app.store, "PRODUCTS_CREATE", &receiver.url("/h")).await;
    product_created(&app, "Retried").await;

    let hits = receiver.wait_for(WAIT, |hits| hits.len() == 4).await;
    let answers: Vec<Answer> = hits.iter().map(|hit| hit.answer).collect();
    assert_eq!(
        answers,
        [
            Answer::Refused,
            Answer::Refused,
            Answer::Refused,
            Answer::Took
        ]
    );
    assert!(hits.iter().all(|hit| hit.webhook_id == hits[0].webhook_id));
    assert!(hits.iter().all(|hit| hit.event_id == hits[0].event_id));
    assert!(
        hits.iter()
            .all(|hit| hit.body == hits[0].body && hit.hmac == hits[0].hmac)
    );

    let log = wait_for_log(&app, &subscription, |log| log[0]["status"] == "DELIVERED").await;
    let entry = &log[0];
    assert_eq!(entry["attempts"], 4);
    assert_eq!(entry["responseStatus"], 200);
    assert_eq!(entry["errorMessage"], json!(null));
    assert_eq!(entry["webhookId"], hits[0].webhook_id.to_string());
    assert_eq!(entry["eventId"], hits[0].event_id.to_string());
    assert_eq!(entry["topic"], "PRODUCTS_CREATE");
    assert_eq!(entry["nextAttemptAt"], json!(null));
    assert!(entry["latencyMs"].as_i64().is_some());
    assert!(entry["deliveredAt"].is_string());
}

async fn after_the_last_attempt_a_delivery_fails_and_the_next_goes_through(backend: Backend) {
    let app = spawn_app_with(backend, |settings| settings.webhook_max_attempts = 3).await;
    // Every attempt at the first event fails; the second is taken at its first.
    let receiver = Receiver::start(Behaviour::FailFirst(3), 4).await;
    let subscription = subscribe(&app, &app.store, "PRODUCTS_CREATE", &receiver.url("/h")).await;
    product_created(&app, "Doomed").await;
    product_created(&app, "Fine").await;

    let log = wait_for_log(&app, &subscription, |log| {
        log.len() == 2 && log[0]["status"] == "DELIVERED"
    })
    .await;
    let (second, first) = (&log[0], &log[1]);
    assert_eq!(first["status"], "FAILED");
    assert_eq!(first["attempts"], 3);
    assert_eq!(first["responseStatus"], 503);
    let error = first["errorMessage"].as_str().unwrap();
    assert!(error.contains("503"), "{error}");
    assert_eq!(first["nextAttemptAt"], json!(null));
    assert_eq!(second["attempts"], 1);
    let hits = receiver.hits();
    assert_eq!(
        hits.len(),
        4,
        "three attempts at the first, then the second"
    );
    let doomed = hits[0].event_id;
    assert!(hits[..3].iter().all(|hit| hit.event_id == doomed));
    assert_ne!(hits[3].event_id, doomed, "the second waited for the first");
    let failed = webhook_op(
        &app,
        &app.store,
        "WebhookDeliveries",
        json!({ "id": subscription, "first": 10, "status": "FAILED" }),
    )
    .await;
    let failed = &failed["webhookSubscription"]["deliveries"]["nodes"];
    assert_eq!(
        failed.as_array().unwrap().len(),
        1,
        "the dead letter stays in the log"
    );

    let refused = webhook_op(
        &app,
        &app.store,
        "WebhookDeliveryRetry",
        json!({ "id": second["id"] }),
    )
    .await;
    assert_eq!(
        refused["webhookDeliveryRetry"]["userErrors"][0]["code"],
        "ILLEGAL_TRANSITION"
    );
    let retried = webhook_op(
        &app,
        &app.store,
        "WebhookDeliveryRetry",
        json!({ "id": first["id"] }),
    )
    .await;
    assert_eq!(
        retried["webhookDeliveryRetry"]["webhookDelivery"]["status"],
        "PENDING"
    );
    let hits = receiver.wait_for(WAIT, |hits| hits.len() == 5).await;
    assert_eq!(hits[4].event_id, doomed);
    assert_eq!(
        hits[4].webhook_id, hits[0].webhook_id,
        "sent again under its webhook id"
    );
    let log = wait_for_log(&app, &subscription, |log| log[1]["status"] == "DELIVERED").await;
    assert_eq!(log[1]["attempts"], 1);
}

async fn a_subscriptions_events_arrive_in_order_one_at_a_time(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let receiver = Receiver::start(
        Behaviour::Healthy {
            delay: Duration::from_millis(5),
        },
        5,
    )
    .await;
    subscribe(
        &app,
        &app.store,
        "PRODUCTS_CREATE",
        &receiver.url("/created"),
    )
    .await;
    subscribe(
        &app,
        &app.store,
        "PRODUCTS_UPDATE",
        &receiver.url("/updated"),
    )
    .await;
    let mut created = Vec::new();
    for n in 0..15 {
        created.push(product_created(&app, &format!("Tee {n}")).await);
    }
    let hits = receiver
        .wait_for(WAIT, |hits| {
            hits.iter().filter(|h| h.path == "/created").count() == 15
        })
        .await;
    let order: Vec<String> = hits
        .iter()
        .filter(|hit| hit.path == "/created")
        .map(|hit| hit.json()["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(order, created);
    assert_eq!(receiver.overlaps(), 0);
    assert!(
        receiver.hits_on("/updated").is_empty(),
        "no product was updated"
    );
}

async fn a_deleted_subscription_gets_nothing_more(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let receiver = Receiver::start(
        Behaviour::Healthy {
            delay: Duration::ZERO,
        },
        6,
    )
    .await;
    let gone = subscribe(&app, &app.store, "PRODUCTS_CREATE", &receiver.url("/gone")).await;
    subscribe(&app, &app.store, "PRODUCTS_CREATE", &receiver.url("/kept")).await;
    product_created(&app, "Both").await;
    receiver.wait_for(WAIT, |hits| hits.len() == 2).await;

    webhook_op(
        &app,
        &app.store,
        "WebhookSubscriptionDelete",
        json!({ "id": gone }),
    )
    .await;
    product_created(&app, "Kept only").await;
    receiver.wait_for(WAIT, |hits| hits.len() == 3).await;
    // A later event for the kept one shows the relay is past the deleted subscription's share.
    product_created(&app, "Kept again").await;
    receiver.wait_for(WAIT, |hits| hits.len() == 4).await;
    assert_eq!(receiver.hits_on("/gone").len(), 1);
    assert_eq!(receiver.hits_on("/kept").len(), 3);
}

async fn a_private_callback_is_never_reached_unless_the_operator_allows_it(backend: Backend) {
    let app = spawn_app_with(backend, |settings| {
        settings.webhook_allow_private_networks = false;
        settings.webhook_max_attempts = 2;
    })
    .await;
    let receiver = Receiver::start(
        Behaviour::Healthy {
            delay: Duration::ZERO,
        },
        10,
    )
    .await;
    let by_ip = subscribe(&app, &app.store, "PRODUCTS_CREATE", &receiver.url("/ip")).await;
    let port = receiver.base.rsplit(':').next().unwrap();
    let by_name = format!("http://localhost:{port}/name");
    let by_name = subscribe(&app, &app.store, "PRODUCTS_CREATE", &by_name).await;
    product_created(&app, "Internal").await;

    for subscription in [by_ip, by_name] {
        let log = wait_for_log(&app, &subscription, |log| log[0]["status"] == "FAILED").await;
        let error = log[0]["errorMessage"].as_str().unwrap();
        assert!(error.contains("public address"), "{error}");
        assert_eq!(log[0]["responseStatus"], json!(null));
    }
    assert!(receiver.hits().is_empty(), "a private address was reached");
}

/// Waits until the subscription's delivery log (newest first) satisfies `done`.
async fn wait_for_log(
    app: &TestApp,
    subscription: &str,
    done: impl Fn(&[serde_json::Value]) -> bool,
) -> Vec<serde_json::Value> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let log = deliveries_of(app, &app.store, subscription).await;
        if !log.is_empty() && done(&log) {
            return log;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "delivery log stuck at {log:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

on_both_backends!(
    a_delivery_carries_shopify_headers_and_a_signed_body,
    a_rotated_secret_signs_the_next_deliveries,
    failed_attempts_are_retried_under_one_webhook_id_and_logged,
    after_the_last_attempt_a_delivery_fails_and_the_next_goes_through,
    a_subscriptions_events_arrive_in_order_one_at_a_time,
    a_deleted_subscription_gets_nothing_more,
    a_private_callback_is_never_reached_unless_the_operator_allows_it,
);
