//! `webhookSubscriptionCreate`, `…Update`, `…Delete` and `webhookSubscriptions`: Shopify's shapes,
//! typed errors that change nothing, and one store never seeing another's subscriptions.

use serde_json::json;

use super::{WEBHOOKS, subscribe, webhook_op};
use crate::helpers::{As, Backend, TestApp, create_store, spawn_app_on};
use crate::on_both_backends;

async fn listed(app: &TestApp, topics: serde_json::Value) -> Vec<serde_json::Value> {
    let data = webhook_op(
        app,
        &app.store,
        "WebhookSubscriptions",
        json!({ "first": 50, "topics": topics }),
    )
    .await;
    data["webhookSubscriptions"]["nodes"]
        .as_array()
        .unwrap()
        .clone()
}

async fn subscriptions_are_created_listed_updated_and_deleted(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let data = webhook_op(
        &app,
        &app.store,
        "WebhookSubscriptionCreate",
        json!({
            "topic": "ORDERS_CREATE",
            "webhookSubscription": { "callbackUrl": "https://hooks.example.com/orders", "format": "JSON" }
        }),
    )
    .await;
    let created = &data["webhookSubscriptionCreate"]["webhookSubscription"];
    assert_eq!(data["webhookSubscriptionCreate"]["userErrors"], json!([]));
    assert_eq!(created["topic"], "ORDERS_CREATE");
    assert_eq!(created["callbackUrl"], "https://hooks.example.com/orders");
    assert_eq!(
        created["endpoint"],
        json!({ "__typename": "WebhookHttpEndpoint", "callbackUrl": "https://hooks.example.com/orders" })
    );
    assert_eq!(created["format"], "JSON");
    let id = created["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("gid://shopify/WebhookSubscription/"), "{id}");
    subscribe(
        &app,
        &app.store,
        "PRODUCTS_UPDATE",
        "https://hooks.example.com/products",
    )
    .await;

    assert_eq!(listed(&app, json!(null)).await.len(), 2);
    let orders_only = listed(&app, json!(["ORDERS_CREATE"])).await;
    assert_eq!(orders_only.len(), 1);
    assert_eq!(orders_only[0]["id"], id.as_str());

    let data = webhook_op(
        &app,
        &app.store,
        "WebhookSubscriptionUpdate",
        json!({ "id": id, "webhookSubscription": { "callbackUrl": "http://127.0.0.1:9/moved" } }),
    )
    .await;
    let updated = &data["webhookSubscriptionUpdate"];
    assert_eq!(updated["userErrors"], json!([]));
    assert_eq!(
        updated["webhookSubscription"]["callbackUrl"],
        "http://127.0.0.1:9/moved"
    );
    assert_eq!(updated["webhookSubscription"]["topic"], "ORDERS_CREATE");

    let data = webhook_op(
        &app,
        &app.store,
        "WebhookSubscriptionDelete",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(
        data["webhookSubscriptionDelete"],
        json!({ "deletedWebhookSubscriptionId": id, "userErrors": [] })
    );
    let left = listed(&app, json!(null)).await;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["topic"], "PRODUCTS_UPDATE");
}

async fn a_callback_url_that_is_not_http_is_a_typed_error_and_creates_nothing(backend: Backend) {
    let app = spawn_app_on(backend).await;
    for url in [
        "ftp://hooks.example.com/x",
        "not a url",
        "",
        "javascript:alert(1)",
        "/relative",
    ] {
        let data = webhook_op(
            &app,
            &app.store,
            "WebhookSubscriptionCreate",
            json!({ "topic": "ORDERS_CREATE", "webhookSubscription": { "callbackUrl": url } }),
        )
        .await;
        let payload = &data["webhookSubscriptionCreate"];
        assert_eq!(
            payload["webhookSubscription"],
            json!(null),
            "{url}: {payload}"
        );
        let error = &payload["userErrors"][0];
        assert_eq!(
            error["field"],
            json!(["webhookSubscription", "callbackUrl"]),
            "{url}"
        );
        let code = error["code"].as_str().unwrap();
        assert!(code == "INVALID" || code == "BLANK", "{url}: {code}");
    }
    assert_eq!(
        listed(&app, json!(null)).await,
        Vec::<serde_json::Value>::new()
    );

    let id = subscribe(
        &app,
        &app.store,
        "ORDERS_CREATE",
        "https://hooks.example.com/a",
    )
    .await;
    let data = webhook_op(
        &app,
        &app.store,
        "WebhookSubscriptionUpdate",
        json!({ "id": id, "webhookSubscription": { "callbackUrl": "gopher://x" } }),
    )
    .await;
    assert_eq!(
        data["webhookSubscriptionUpdate"]["userErrors"][0]["code"],
        "INVALID"
    );
    assert_eq!(
        listed(&app, json!(null)).await[0]["callbackUrl"],
        "https://hooks.example.com/a"
    );
}

async fn one_url_subscribes_to_a_topic_once(backend: Backend) {
    let app = spawn_app_on(backend).await;
    subscribe(
        &app,
        &app.store,
        "ORDERS_CREATE",
        "https://hooks.example.com/a",
    )
    .await;
    let data = webhook_op(
        &app,
        &app.store,
        "WebhookSubscriptionCreate",
        json!({ "topic": "ORDERS_CREATE", "webhookSubscription": { "callbackUrl": "https://hooks.example.com/a" } }),
    )
    .await;
    assert_eq!(
        data["webhookSubscriptionCreate"]["userErrors"][0]["code"],
        "TAKEN"
    );
    subscribe(
        &app,
        &app.store,
        "ORDERS_PAID",
        "https://hooks.example.com/a",
    )
    .await;
    assert_eq!(listed(&app, json!(null)).await.len(), 2);
}

async fn a_store_never_sees_or_changes_another_stores_subscriptions(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let id = subscribe(
        &app,
        &app.store,
        "ORDERS_CREATE",
        "https://hooks.example.com/a",
    )
    .await;
    let other = create_store(&app.database, "Other").await;
    let data = webhook_op(&app, &other, "WebhookSubscriptions", json!({ "first": 50 })).await;
    assert_eq!(data["webhookSubscriptions"]["nodes"], json!([]));
    let data = webhook_op(
        &app,
        &other,
        "WebhookDeliveries",
        json!({ "id": id, "first": 5 }),
    )
    .await;
    assert_eq!(data["webhookSubscription"], json!(null));
    let data = webhook_op(
        &app,
        &other,
        "WebhookSubscriptionDelete",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(
        data["webhookSubscriptionDelete"]["deletedWebhookSubscriptionId"],
        json!(null)
    );
    assert_eq!(
        data["webhookSubscriptionDelete"]["userErrors"][0]["code"],
        "NOT_FOUND"
    );
    assert_eq!(listed(&app, json!(null)).await.len(), 1);
}

async fn only_admins_manage_webhooks(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let (_, body) = app
        .request(
            As::Storefront(&app.store),
            WEBHOOKS,
            Some("WebhookSubscriptions"),
            json!({ "first": 5 }),
        )
        .await;
    assert!(body["errors"].is_array(), "{body}");
    let (_, body) = app
        .request(
            As::Storefront(&app.store),
            WEBHOOKS,
            Some("WebhookSecretRotate"),
            json!({}),
        )
        .await;
    assert!(body["errors"].is_array(), "{body}");
    assert_eq!(listed(&app, json!(null)).await.len(), 0);
}

on_both_backends!(
    subscriptions_are_created_listed_updated_and_deleted,
    a_callback_url_that_is_not_http_is_a_typed_error_and_creates_nothing,
    one_url_subscribes_to_a_topic_once,
    a_store_never_sees_or_changes_another_stores_subscriptions,
    only_admins_manage_webhooks,
);
