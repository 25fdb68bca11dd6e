//! One attempt at a delivery: a POST of the event's JSON to the callback URL with Shopify's
//! webhook headers, signed with the store's secret. The body is the same bytes on every attempt
//! (the stored payload serialized with sorted keys), so the signature is too.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{DateTime, SecondsFormat, Utc};
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue};
use uuid::Uuid;

use super::network;
use crate::webhooks::{API_VERSION, signing};

/// The client deliveries go out through: `timeout` for the whole exchange, no redirects (a
/// receiver that moved must update its subscription), and unless `private_networks` are
/// allowed, names resolved to public addresses only.
pub fn client(timeout: Duration, private_networks: bool) -> anyhow::Result<reqwest::Client> {
    let mut builder = reqwest::Client::builder()
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("Vitrine-Webhooks/", env!("CARGO_PKG_VERSION")));
    if !private_networks {
        builder = builder.dns_resolver(Arc::new(network::PublicOnly));
    }
    builder
        .build()
        .context("Failed to build the webhook HTTP client")
}

/// What to send.
pub struct Request<'a> {
    pub callback_url: &'a str,
    /// The `X-Shopify-Webhook-Id`: the delivery's id.
    pub webhook_id: Uuid,
    /// The `X-Shopify-Event-Id`: the outbox event's id.
    pub event_id: Uuid,
    pub topic: &'a str,
    pub shop_domain: &'a str,
    pub secret: &'a str,
    pub triggered_at: DateTime<Utc>,
    pub payload: &'a serde_json::Value,
}

/// How an attempt went.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The receiver's HTTP status, when it answered.
    pub status: Option<u16>,
    /// Why it failed: no answer, or not a 2xx.
    pub error: Option<String>,
    pub latency: Duration,
}

impl Outcome {
    pub fn taken(&self) -> bool {
        self.error.is_none()
    }
}

/// Sends one attempt and reports how it went; never fails itself. Unless `private_networks`
/// are allowed, a callback URL whose host is a private IP is refused without connecting.
pub async fn send(
    client: &reqwest::Client,
    private_networks: bool,
    request: &Request<'_>,
) -> Outcome {
    if let Some(reason) = (!private_networks)
        .then(|| network::refuse_literal(request.callback_url))
        .flatten()
    {
        return Outcome {
            status: None,
            error: Some(format!("refused to connect: {reason}")),
            latency: Duration::ZERO,
        };
    }
    let body = serde_json::to_vec(request.payload).unwrap_or_default();
    let headers = match headers(request, &body) {
        Ok(headers) => headers,
        Err(err) => {
            return Outcome {
                status: None,
                error: Some(format!("{err:#}")),
                latency: Duration::ZERO,
            };
        }
    };
    let started = Instant::now();
    let sent = client
        .post(request.callback_url)
        .headers(headers)
        .body(body)
        .send()
        .await;
    let latency = started.elapsed();
    match sent {
        Ok(response) if response.status().is_success() => Outcome {
            status: Some(response.status().as_u16()),
            error: None,
            latency,
        },
        Ok(response) => Outcome {
            status: Some(response.status().as_u16()),
            error: Some(format!("the receiver answered {}", response.status())),
            latency,
        },
        Err(err) => Outcome {
            status: None,
            error: Some(describe(&err)),
            latency,
        },
    }
}

fn headers(request: &Request<'_>, body: &[u8]) -> anyhow::Result<HeaderMap> {
    let value = |text: &str| {
        HeaderValue::from_str(text).with_context(|| format!("{text:?} is not a header value"))
    };
    let triggered_at = request
        .triggered_at
        .to_rfc3339_opts(SecondsFormat::Micros, true);
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert("x-shopify-topic", value(request.topic)?);
    headers.insert(
        "x-shopify-hmac-sha256",
        value(&signing::sign(request.secret, body))?,
    );
    headers.insert("x-shopify-shop-domain", value(request.shop_domain)?);
    headers.insert("x-shopify-api-version", value(API_VERSION)?);
    headers.insert(
        "x-shopify-webhook-id",
        value(&request.webhook_id.to_string())?,
    );
    headers.insert("x-shopify-event-id", value(&request.event_id.to_string())?);
    headers.insert("x-shopify-triggered-at", value(&triggered_at)?);
    Ok(headers)
}

/// A short reason for the delivery log.
fn describe(err: &reqwest::Error) -> String {
    if err.is_timeout() {
        "the receiver did not answer in time".into()
    } else if err.is_connect() {
        format!("could not connect to the receiver: {}", root_cause(err))
    } else {
        format!("the request failed: {err}")
    }
}

/// The innermost error under `err` (a refused name says why there).
fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = err;
    while let Some(inner) = cause.source() {
        cause = inner;
    }
    cause.to_string()
}
