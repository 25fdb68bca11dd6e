//! The Stripe adapter: PaymentIntents with manual capture over Stripe's form-encoded HTTP API.
//! Authorize confirms an intent from a card token, capture and cancel move it, refunds return
//! captured money, `find_authorization` searches intents by the key kept in their metadata, and
//! `authorizations_since` lists intents by creation time for reconciliation.
//! Every changing call sends an `Idempotency-Key`, so a retry after a lost answer never charges
//! twice. It maps Stripe's answers onto `GatewayError` and decides nothing else.
//!
//! Stripe's webhooks come the other way: their events (`events`) and signatures (`signature`)
//! live here too, read by `payments::webhooks`.

pub mod events;
pub mod signature;
mod wire;

use std::fmt;
use std::time::Duration;

use anyhow::Context;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use reqwest::{Client, RequestBuilder};
use serde::de::DeserializeOwned;

use self::wire::{ListPage, PaymentIntent, RefundObject, SearchResult};
use crate::payments::{
    Authorization, AuthorizeRequest, GatewayError, KeyedAuthorization, PaymentGateway, Refund,
};

/// Stripe's API.
pub const DEFAULT_API_BASE: &str = "https://api.stripe.com";
/// The API version the adapter is written against, pinned so an account's default version
/// cannot change the shapes it reads (`latest_charge`, intent statuses).
pub const API_VERSION: &str = "2024-06-20";

/// How to reach Stripe.
#[derive(Clone)]
pub struct StripeConfig {
    /// `sk_live_…`, `sk_test_…` or a restricted `rk_…` key.
    pub secret_key: String,
    /// `https://api.stripe.com`, or a stand-in in tests.
    pub api_base: String,
    /// The whole of one request, connecting included; past it the outcome is unknown.
    pub timeout: Duration,
}

impl StripeConfig {
    /// Stripe itself, with a ten-second timeout.
    pub fn new(secret_key: impl Into<String>) -> StripeConfig {
        StripeConfig {
            secret_key: secret_key.into(),
            api_base: DEFAULT_API_BASE.into(),
            timeout: Duration::from_secs(10),
        }
    }
}

impl fmt::Debug for StripeConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StripeConfig")
            .field("secret_key", &"[redacted]")
            .field("api_base", &self.api_base)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// The Stripe gateway. Cheap to clone (the HTTP client pools its connections).
#[derive(Clone)]
pub struct StripeGateway {
    client: Client,
    api_base: String,
    secret_key: String,
}

impl fmt::Debug for StripeGateway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StripeGateway")
            .field("api_base", &self.api_base)
            .finish_non_exhaustive()
    }
}

impl StripeGateway {
    /// A gateway for `config`; fails on an unusable base URL or secret key.
    pub fn new(config: StripeConfig) -> anyhow::Result<StripeGateway> {
        let api_base = config.api_base.trim_end_matches('/').to_string();
        reqwest::Url::parse(&api_base)
            .with_context(|| format!("Failed to parse the Stripe API base {api_base:?}"))?;
        anyhow::ensure!(
            !config.secret_key.is_empty()
                && config.secret_key.bytes().all(|b| b.is_ascii_graphic()),
            "The Stripe secret key is empty or has characters a key never has"
        );
        let client = Client::builder()
            .timeout(config.timeout)
            .user_agent(concat!("vitrine/", env!("CARGO_PKG_VERSION")))
            .build()
            .context("Failed to build the HTTP client for Stripe")?;
        Ok(StripeGateway {
            client,
            api_base,
            secret_key: config.secret_key,
        })
    }

    /// A form POST under an idempotency key.
    async fn post<T: DeserializeOwned>(
        &self,
        path: &str,
        form: &[(&str, String)],
        idempotency_key: &str,
    ) -> Result<T, GatewayError> {
        if idempotency_key.is_empty() {
            return Err(GatewayError::Refused(
                "an idempotency key is required".into(),
            ));
        }
        let request = self
            .client
            .post(format!("{}{path}", self.api_base))
            .header("Idempotency-Key", idempotency_key)
            .form(form);
        self.send(request).await
    }

    /// Sends with the key and version, and reads a success body or maps the error.
    async fn send<T: DeserializeOwned>(&self, request: RequestBuilder) -> Result<T, GatewayError> {
        let request = request
            .bearer_auth(&self.secret_key)
            .header("Stripe-Version", API_VERSION);
        let response = request.send().await.map_err(unknown_outcome)?;
        let status = response.status();
        let body = response.bytes().await.map_err(unknown_outcome)?;
        if !status.is_success() {
            let error = wire::error_from(status.as_u16(), &body);
            if let GatewayError::Unavailable(cause) = &error {
                tracing::warn!(%cause, "Stripe did not answer");
            }
            return Err(error);
        }
        serde_json::from_slice(&body).map_err(|e| wire::malformed(&e.to_string()))
    }

    /// An intent that must be an authorization (the answer of capture and cancel).
    fn held(intent: PaymentIntent) -> Result<Authorization, GatewayError> {
        match intent.authorization()? {
            Some(authorization) => Ok(authorization),
            None => Err(wire::malformed(&format!(
                "payment intent {} is {}",
                intent.id, intent.status
            ))),
        }
    }
}

/// A request that failed in flight (timeout, connection, unreadable body): it may have been done.
fn unknown_outcome(error: reqwest::Error) -> GatewayError {
    let cause = format!("{:#}", anyhow::Error::from(error));
    tracing::warn!(%cause, "Stripe did not answer");
    GatewayError::Unavailable(cause)
}

/// The most a list page holds (Stripe's maximum).
const PAGE_SIZE: &str = "100";

/// A Stripe id to put in a path: refused unless it looks like one, so it cannot name another path.
fn path_id(reference: &str) -> Result<&str, GatewayError> {
    let valid = !reference.is_empty()
        && reference
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if valid {
        Ok(reference)
    } else {
        Err(GatewayError::Refused(format!(
            "not a Stripe id: {reference:?}"
        )))
    }
}

/// A value inside a single-quoted search-query string.
fn search_literal(value: &str) -> String {
    value.replace('\\', "\\\\").replace('\'', "\\'")
}

#[async_trait]
impl PaymentGateway for StripeGateway {
    fn name(&self) -> &'static str {
        "stripe"
    }

    async fn authorize(&self, request: &AuthorizeRequest) -> Result<Authorization, GatewayError> {
        let form = [
            ("amount", request.amount_minor.to_string()),
            ("currency", request.currency.to_lowercase()),
            ("capture_method", "manual".into()),
            ("confirm", "true".into()),
            // Cards only: with automatic payment methods Stripe would want a `return_url`.
            ("payment_method_types[]", "card".into()),
            ("payment_method_data[type]", "card".into()),
            (
                "payment_method_data[card][token]",
                request.payment_token.clone(),
            ),
            ("description", request.description.clone()),
            ("metadata[idempotency_key]", request.idempotency_key.clone()),
            ("expand[]", "latest_charge".into()),
        ];
        let intent: PaymentIntent = self
            .post("/v1/payment_intents", &form, &request.idempotency_key)
            .await?;
        match intent.authorization()? {
            Some(authorization) => Ok(authorization),
            None => Err(intent.not_authorized()),
        }
    }

    async fn capture(
        &self,
        reference: &str,
        amount_minor: i64,
        idempotency_key: &str,
    ) -> Result<Authorization, GatewayError> {
        let path = format!("/v1/payment_intents/{}/capture", path_id(reference)?);
        let form = [
            ("amount_to_capture", amount_minor.to_string()),
            ("expand[]", "latest_charge".into()),
        ];
        let intent = self.post(&path, &form, idempotency_key).await?;
        Self::held(intent)
    }

    async fn void(
        &self,
        reference: &str,
        idempotency_key: &str,
    ) -> Result<Authorization, GatewayError> {
        let path = format!("/v1/payment_intents/{}/cancel", path_id(reference)?);
        let form = [("expand[]", "latest_charge".to_string())];
        let intent = self.post(&path, &form, idempotency_key).await?;
        Self::held(intent)
    }

    async fn refund(
        &self,
        reference: &str,
        amount_minor: i64,
        idempotency_key: &str,
    ) -> Result<Refund, GatewayError> {
        let form = [
            ("payment_intent", path_id(reference)?.to_string()),
            ("amount", amount_minor.to_string()),
        ];
        let refund: RefundObject = self.post("/v1/refunds", &form, idempotency_key).await?;
        refund.refund()
    }

    /// Stripe's search is eventually consistent (an intent can take a minute to show up), so a
    /// `None` right after a lost answer is not proof: replaying `authorize` with the same key
    /// (Stripe keeps keys for 24 hours) is the sure way to learn the outcome.
    async fn find_authorization(
        &self,
        idempotency_key: &str,
    ) -> Result<Option<Authorization>, GatewayError> {
        let query = format!(
            "metadata['idempotency_key']:'{}'",
            search_literal(idempotency_key)
        );
        let request = self
            .client
            .get(format!("{}/v1/payment_intents/search", self.api_base))
            .query(&[
                ("query", query.as_str()),
                ("limit", "1"),
                ("expand[]", "data.latest_charge"),
            ]);
        let result: SearchResult = self.send(request).await?;
        match result.data.first() {
            Some(intent) => intent.authorization(),
            None => Ok(None),
        }
    }

    /// Walks `GET /v1/payment_intents` newest first, a page of 100 at a time. Lists, unlike
    /// search, are up to date.
    async fn authorizations_since(
        &self,
        since: DateTime<Utc>,
    ) -> Result<Vec<KeyedAuthorization>, GatewayError> {
        let created = since.timestamp().to_string();
        let mut listed = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let mut query = vec![
                ("created[gte]", created.clone()),
                ("limit", PAGE_SIZE.into()),
                ("expand[]", "data.latest_charge".into()),
            ];
            if let Some(last) = &after {
                query.push(("starting_after", last.clone()));
            }
            let request = self
                .client
                .get(format!("{}/v1/payment_intents", self.api_base))
                .query(&query);
            let page: ListPage = self.send(request).await?;
            after = page.data.last().map(|intent| intent.id.clone());
            for intent in &page.data {
                let key = intent.metadata.get("idempotency_key");
                if let (Some(key), Some(authorization)) = (key, intent.authorization()?) {
                    listed.push(KeyedAuthorization {
                        idempotency_key: key.clone(),
                        authorization,
                    });
                }
            }
            if !page.has_more || after.is_none() {
                return Ok(listed);
            }
        }
    }
}
