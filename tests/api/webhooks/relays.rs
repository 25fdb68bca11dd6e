//! Relay instances together and apart: several servers on one database never send one delivery
//! at the same moment; a stopping relay lets the attempt in flight finish and records it; a
//! killed relay's delivery is sent again by the next, under the same webhook id.

use std::time::Duration;

use entities::outbox_event;
use entities::prelude::{OutboxEvent, WebhookDelivery, WebhookSubscription};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use tokio_util::sync::CancellationToken;
use vitrine::startup::relay_options;
use vitrine::workers::Relay;

use super::receiver::{Behaviour, Receiver};
use super::subscribe;
use crate::checkout::eventually;
use crate::helpers::{Backend, TestApp, sized_product, spawn_app_with};
use crate::on_both_backends;

const WAIT: Duration = Duration::from_secs(30);

/// A server whose own relay looks once at start and then not for an hour, so the relays a test
/// starts itself do all the work.
async fn app_without_relay(backend: Backend) -> TestApp {
    spawn_app_with(backend, |settings| {
        settings.relay_tick_seconds = 3600.0;
        settings.webhook_timeout_seconds = 1.0;
    })
    .await
}

fn relay(app: &TestApp) -> Relay {
    let mut settings = app.settings().clone();
    settings.relay_tick_seconds = 0.05;
    Relay::new(app.database.clone(), relay_options(&settings).unwrap()).unwrap()
}

async fn three_servers_never_send_one_delivery_twice(backend: Backend) {
    let app = app_without_relay(backend).await;
    let receiver = Receiver::start(
        Behaviour::Healthy {
            delay: Duration::from_millis(15),
        },
        7,
    )
    .await;
    for path in ["/a", "/b", "/c"] {
        subscribe(&app, &app.store, "PRODUCTS_CREATE", &receiver.url(path)).await;
    }
    subscribe(
        &app,
        &app.store,
        "INVENTORY_LEVELS_UPDATE",
        &receiver.url("/stock"),
    )
    .await;
    let mut servers = Vec::new();
    for _ in 0..3 {
        servers.push(
            app.instance_with(|s| {
                s.relay_tick_seconds = 0.02;
                // Far longer than an answer takes, so no attempt is ever timed out and resent.
                s.webhook_timeout_seconds = 10.0;
            })
            .await,
        );
    }
    for n in 0..20 {
        app.create_product(sized_product(&format!("Tee {n}"), &format!("T{n}")))
            .await;
    }
    let deliveries = all_delivered(&app).await;
    assert!(
        deliveries >= 100,
        "20 products for 3 paths and 40 stocked variants: {deliveries}"
    );
    let hits = receiver.hits();
    assert_eq!(hits.len(), deliveries, "each delivery sent exactly once");
    let mut seen = std::collections::HashSet::new();
    for hit in &hits {
        assert!(
            seen.insert((hit.path.clone(), hit.event_id)),
            "sent twice: {hit:?}"
        );
    }
    assert_eq!(
        receiver.overlaps(),
        0,
        "two attempts ran at once on one subscription"
    );
    for server in servers {
        server.kill().await;
    }
}

/// Waits until every outbox event is fanned out and every delivery taken; returns how many
/// deliveries there are.
pub async fn all_delivered(app: &TestApp) -> usize {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let unpublished = OutboxEvent::find()
            .filter(outbox_event::Column::PublishedAt.is_null())
            .count(app.db())
            .await
            .unwrap();
        let deliveries = WebhookDelivery::find().all(app.db()).await.unwrap();
        if unpublished == 0 && deliveries.iter().all(|d| d.status == "delivered") {
            return deliveries.len();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "deliveries still pending"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn a_stopping_relay_finishes_the_attempt_in_flight(backend: Backend) {
    let app = app_without_relay(backend).await;
    let receiver = Receiver::start(
        Behaviour::Healthy {
            delay: Duration::from_millis(400),
        },
        8,
    )
    .await;
    subscribe(&app, &app.store, "PRODUCTS_CREATE", &receiver.url("/slow")).await;
    app.create_product(sized_product("Slow", "SLOW")).await;

    let stop = CancellationToken::new();
    let running = tokio::spawn(relay(&app).run(stop.clone()));
    receiver.wait_for(WAIT, |hits| hits.len() == 1).await;
    stop.cancel();
    tokio::time::timeout(WAIT, running)
        .await
        .expect("the relay stops")
        .unwrap();

    let deliveries = WebhookDelivery::find().all(app.db()).await.unwrap();
    assert_eq!(deliveries.len(), 1);
    assert_eq!(deliveries[0].status, "delivered", "{:?}", deliveries[0]);
    assert_eq!(deliveries[0].attempts, 1);
    let subscriptions = WebhookSubscription::find().all(app.db()).await.unwrap();
    assert_eq!(
        subscriptions[0].leased_until, None,
        "the lease was given back"
    );
}

async fn a_killed_relays_delivery_is_sent_again_under_the_same_webhook_id(backend: Backend) {
    let app = app_without_relay(backend).await;
    let receiver = Receiver::start(
        Behaviour::Healthy {
            delay: Duration::from_millis(500),
        },
        9,
    )
    .await;
    subscribe(&app, &app.store, "PRODUCTS_CREATE", &receiver.url("/hook")).await;
    app.create_product(sized_product("Crash", "CRASH")).await;

    let first = tokio::spawn(relay(&app).run(CancellationToken::new()));
    receiver.wait_for(WAIT, |hits| hits.len() == 1).await;
    first.abort();
    let _ = first.await;
    let second = tokio::spawn(relay(&app).run(CancellationToken::new()));
    let hits = receiver.wait_for(WAIT, |hits| hits.len() == 2).await;
    assert_eq!(hits[0].webhook_id, hits[1].webhook_id);
    assert_eq!(hits[0].body, hits[1].body);
    let delivery = || async {
        WebhookDelivery::find()
            .one(app.db())
            .await
            .unwrap()
            .unwrap()
    };
    eventually(WAIT, "the resent delivery is recorded", || async {
        delivery().await.status == "delivered"
    })
    .await;
    assert_eq!(
        delivery().await.attempts,
        1,
        "the killed attempt was never recorded"
    );
    second.abort();
}

on_both_backends!(
    three_servers_never_send_one_delivery_twice,
    a_stopping_relay_finishes_the_attempt_in_flight,
    a_killed_relays_delivery_is_sent_again_under_the_same_webhook_id,
);
