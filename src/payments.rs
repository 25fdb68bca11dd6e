//! Payments: the `PaymentGateway` trait every gateway implements, the built-in test gateway that
//! follows Stripe's test tokens, the Stripe adapter (PaymentIntents with manual capture), our
//! payment records and their operations, reconciliation of those records with the gateway, and
//! the gateway's webhooks telling us what it did.
//! Money crosses the gateway as integer minor units, as Stripe takes it (JPY has none).

#![deny(clippy::float_arithmetic, clippy::float_cmp)]

pub mod books;
#[cfg(test)]
mod fixtures;
pub mod gateway;
pub mod operations;
pub mod reconcile;
pub mod records;
pub mod stripe;
pub mod test_gateway;
pub mod webhooks;

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use chrono::TimeDelta;

use crate::config::Settings;

pub use gateway::{
    Authorization, AuthorizationStatus, AuthorizeRequest, GatewayError, KeyedAuthorization,
    PaymentGateway, Refund,
};
pub use stripe::{StripeConfig, StripeGateway};
pub use test_gateway::TestGateway;

/// How long an uncaptured authorization holds: Stripe cancels one seven days after creation.
pub const AUTHORIZATION_LIFETIME: TimeDelta = TimeDelta::days(7);

/// The gateway the settings choose: Stripe when a secret key is set, else the built-in test
/// gateway. Fails on a Stripe configuration that cannot work (a bad base URL or timeout).
pub fn gateway_from(settings: &Settings) -> anyhow::Result<Arc<dyn PaymentGateway>> {
    let Some(secret_key) = &settings.stripe_secret_key else {
        return Ok(Arc::new(TestGateway::new()));
    };
    let timeout = Duration::try_from_secs_f64(settings.gateway_timeout_seconds)
        .ok()
        .filter(|timeout| !timeout.is_zero())
        .with_context(|| {
            format!(
                "gateway_timeout_seconds must be a positive number of seconds, not {}",
                settings.gateway_timeout_seconds
            )
        })?;
    let config = StripeConfig {
        secret_key: secret_key.expose().to_string(),
        api_base: settings.stripe_api_base.clone(),
        timeout,
    };
    Ok(Arc::new(StripeGateway::new(config)?))
}
