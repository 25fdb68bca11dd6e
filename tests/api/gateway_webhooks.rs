//! The payment gateway's webhooks over HTTP (RELIABILITY.md T12): `POST /webhooks/stripe` refuses
//! what Stripe did not sign and changes nothing; each event a manual-capture integration receives
//! moves the payment it names forward, once, whatever the order and however often it comes; a
//! pending checkout nobody is finishing is settled by its authorization event; and the chaos run
//! delivers every event of hundreds of checkouts 1–3 times, out of order, during the buyers' own
//! checkouts and an hour late, and finds each order and payment as a clean run leaves it.
//! Shared here: a server with a signing secret, and delivering the test gateway's events to it.

mod chaos;
mod events;
mod signatures;

use chrono::Utc;
use entities::gateway_event;
use entities::prelude::*;
use sea_orm::{EntityTrait, QueryOrder};
use serde_json::Value;
use vitrine::config::{Secret, Settings};
use vitrine::payments::records::Payment;
use vitrine::payments::stripe::events::Event;
use vitrine::payments::stripe::signature;
use vitrine::payments::{PaymentGateway, TestGateway};

use crate::checkout::{order_uuid, payments_of};
use crate::helpers::{Backend, TestApp, spawn_app_with_gateway};
use crate::orders::placed_order;

/// The endpoint's signing secret in these tests.
pub const SECRET: &str = "whsec_vitrine_tests";

/// A server whose webhook endpoint takes events signed with `SECRET`, with settings changed by
/// `configure`.
pub async fn webhook_app(backend: Backend, configure: impl FnOnce(&mut Settings)) -> TestApp {
    webhook_app_with(backend, TestGateway::new(), configure).await
}

/// `webhook_app`, paying through `gateway`.
pub async fn webhook_app_with(
    backend: Backend,
    gateway: TestGateway,
    configure: impl FnOnce(&mut Settings),
) -> TestApp {
    spawn_app_with_gateway(backend, gateway, |settings| {
        settings.stripe_webhook_secret = Some(Secret::new(SECRET));
        configure(settings);
    })
    .await
}

/// A server's webhook endpoint, as Stripe reaches it.
#[derive(Clone)]
pub struct Endpoint {
    client: reqwest::Client,
    url: String,
}

impl Endpoint {
    pub fn of(app: &TestApp) -> Endpoint {
        Endpoint {
            client: app.client(),
            url: format!("{}/webhooks/stripe", app.address),
        }
    }

    /// Posts `body` with `signature` as its `Stripe-Signature` header (none when `None`);
    /// returns the status and the JSON answer.
    pub async fn post(&self, body: &[u8], signature: Option<&str>) -> (u16, Value) {
        let mut request = self
            .client
            .post(&self.url)
            .header("Content-Type", "application/json")
            .body(body.to_vec());
        if let Some(signature) = signature {
            request = request.header(signature::HEADER, signature);
        }
        let response = request.send().await.expect("send the event");
        let status = response.status().as_u16();
        (status, response.json().await.expect("a JSON answer"))
    }

    /// Delivers `event` as Stripe does: its JSON, signed with `SECRET` now.
    pub async fn deliver(&self, event: &Event) -> (u16, Value) {
        let body = serde_json::to_vec(event).expect("an event serializes");
        let header = signature::sign(SECRET, &body, Utc::now().timestamp());
        self.post(&body, Some(&header)).await
    }
}

/// `Endpoint::post` to `app`.
pub async fn post(app: &TestApp, body: &[u8], signature: Option<&str>) -> (u16, Value) {
    Endpoint::of(app).post(body, signature).await
}

/// `Endpoint::deliver` to `app`.
pub async fn deliver(app: &TestApp, event: &Event) -> (u16, Value) {
    Endpoint::of(app).deliver(event).await
}

/// Delivers `event`, expecting it taken; returns the outcome the endpoint reported.
pub async fn delivered(app: &TestApp, event: &Event) -> String {
    let (status, answer) = deliver(app, event).await;
    assert_eq!(status, 200, "{} {}: {answer}", event.kind, event.id);
    answer["outcome"].as_str().expect("an outcome").to_string()
}

/// An order placed and authorized in a store that captures on fulfilment (the caller switched it
/// so); returns its payment.
pub async fn authorized_payment(app: &TestApp) -> Payment {
    let (order, _) = placed_order(app, 5, 1).await;
    let payments = payments_of(app, order_uuid(order["id"].as_str().unwrap())).await;
    payments.into_iter().next().expect("the order's payment")
}

/// Captures `payment` at the gateway alone, as in Stripe's dashboard, so that only its webhook
/// tells Vitrine; returns the events the gateway sent since they were last drained.
pub async fn captured_at_the_gateway(app: &TestApp, payment: &Payment) -> Vec<Event> {
    let reference = payment.gateway_reference.as_deref().expect("authorized");
    app.gateway
        .capture(reference, payment.amount_minor, "dashboard-capture")
        .await
        .expect("captured");
    app.gateway.drain_events()
}

/// The first of `events` of type `kind`.
pub fn of_kind<'a>(events: &'a [Event], kind: &str) -> &'a Event {
    let found = events.iter().find(|event| event.kind == kind);
    found.unwrap_or_else(|| panic!("no {kind} among {events:?}"))
}

/// Every stored gateway event, oldest first.
pub async fn stored(app: &TestApp) -> Vec<gateway_event::Model> {
    GatewayEvent::find()
        .order_by_asc(gateway_event::Column::ReceivedAt)
        .all(app.db())
        .await
        .unwrap()
}
