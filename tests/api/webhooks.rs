//! Merchant webhooks over HTTP: subscriptions through the admin API, and deliveries the outbox
//! relay sends to a local receiver, signed and ordered, retried and dead-lettered, through relay
//! crashes and receiver failures (RELIABILITY.md T15). Shared here: the webhook documents and
//! subscribing a receiver path.

mod chaos;
mod deliveries;
mod receiver;
mod relays;
mod subscriptions;

use serde_json::{Value, json};
use vitrine::stores::CreatedStore;

use crate::helpers::{As, TestApp};

pub const WEBHOOKS: &str = include_str!("../../schema/operations/admin/webhooks.graphql");

/// Runs one operation of `WEBHOOKS` as `store`'s admin; returns `data`.
pub async fn webhook_op(
    app: &TestApp,
    store: &CreatedStore,
    operation: &str,
    variables: Value,
) -> Value {
    let (status, body) = app
        .request(As::Admin(store), WEBHOOKS, Some(operation), variables)
        .await;
    assert_eq!(status, 200, "{operation}: {body}");
    assert!(body.get("errors").is_none(), "{operation}: {body}");
    body["data"].clone()
}

/// Subscribes `url` to `topic` for `store`; returns the subscription's id.
pub async fn subscribe(app: &TestApp, store: &CreatedStore, topic: &str, url: &str) -> String {
    let data = webhook_op(
        app,
        store,
        "WebhookSubscriptionCreate",
        json!({ "topic": topic, "webhookSubscription": { "callbackUrl": url } }),
    )
    .await;
    let payload = &data["webhookSubscriptionCreate"];
    assert_eq!(payload["userErrors"], json!([]), "{payload}");
    payload["webhookSubscription"]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The delivery log of a subscription, newest first.
pub async fn deliveries_of(app: &TestApp, store: &CreatedStore, subscription: &str) -> Vec<Value> {
    let data = webhook_op(
        app,
        store,
        "WebhookDeliveries",
        json!({ "id": subscription, "first": 250 }),
    )
    .await;
    data["webhookSubscription"]["deliveries"]["nodes"]
        .as_array()
        .unwrap()
        .clone()
}
