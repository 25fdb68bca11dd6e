//! The built-in gateway: no network, books in memory, Stripe's test tokens and idempotency rules.
//! It is the default when no Stripe key is configured, and what the test suite charges: clones
//! share one set of books, so several app instances in a test see the same gateway, and the
//! inspection methods let a test count what reached it. It must never hold its lock across an
//! await, so a slow (`with_latency`) gateway still serves calls concurrently.

mod ledger;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use self::ledger::Ledger;
use crate::payments::{
    Authorization, AuthorizeRequest, GatewayError, KeyedAuthorization, PaymentGateway, Refund,
};

/// Approved (Stripe's test Visa).
pub const TOKEN_VISA: &str = "tok_visa";
/// Approved (Stripe's test Mastercard).
pub const TOKEN_MASTERCARD: &str = "tok_mastercard";
/// Approved (Stripe's test American Express).
pub const TOKEN_AMEX: &str = "tok_amex";
/// Declined with `generic_decline`.
pub const TOKEN_DECLINED: &str = "tok_chargeDeclined";
/// Declined with `insufficient_funds`.
pub const TOKEN_INSUFFICIENT_FUNDS: &str = "tok_chargeDeclinedInsufficientFunds";
/// Authorized and stored under the key, but the first caller gets `Unavailable`; the same key
/// again, or `find_authorization`, then returns the authorization.
pub const TOKEN_LOST_RESPONSE: &str = "tok_vitrine_lostResponse";
/// `Unavailable` every time; nothing is created.
pub const TOKEN_SERVER_ERROR: &str = "tok_vitrine_serverError";
/// The `Refused` message for an idempotency key repeated with different parameters.
pub const IDEMPOTENCY_MISMATCH: &str = "idempotency key reused with different parameters";

/// An authorization the test gateway holds, with the request that created it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub request: AuthorizeRequest,
    pub authorization: Authorization,
    /// When it was created, in whole seconds (as Stripe's `created`).
    pub created_at: DateTime<Utc>,
}

/// How many calls of each kind reached the gateway (replays and failures included).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calls {
    pub authorize: usize,
    pub capture: usize,
    pub void: usize,
    pub refund: usize,
    pub find_authorization: usize,
    pub authorizations_since: usize,
    /// Capture calls by authorization reference.
    captures_by_reference: HashMap<String, usize>,
}

/// The in-memory gateway. Cheap to clone; clones share their books and concurrency limit.
#[derive(Debug, Clone, Default)]
pub struct TestGateway {
    ledger: Arc<Mutex<Ledger>>,
    calls: Arc<Mutex<Calls>>,
    latency: Duration,
    limit: Option<Arc<Semaphore>>,
}

impl TestGateway {
    /// A gateway that answers at once, with empty books.
    pub fn new() -> TestGateway {
        TestGateway::default()
    }

    /// This gateway (same books), sleeping `latency` before answering each call.
    pub fn with_latency(mut self, latency: Duration) -> TestGateway {
        self.latency = latency;
        self
    }

    /// This gateway (same books), serving at most `calls` calls at a time; others wait their turn
    /// (the latency is spent holding a slot).
    pub fn with_max_concurrency(mut self, calls: usize) -> TestGateway {
        self.limit = Some(Arc::new(Semaphore::new(calls.max(1))));
        self
    }

    /// Every authorization created so far, as it stands now, in creation order.
    pub fn authorizations(&self) -> Vec<Authorization> {
        let recorded = self.recorded();
        recorded.into_iter().map(|r| r.authorization).collect()
    }

    /// Every authorization with the request (and so the idempotency key) that created it.
    pub fn recorded(&self) -> Vec<Recorded> {
        self.ledger().recorded(Utc::now())
    }

    /// One authorization with the request that created it.
    pub fn recorded_of(&self, reference: &str) -> Option<Recorded> {
        self.ledger().recorded_of(reference, Utc::now())
    }

    /// The refunds accepted against an authorization, in order.
    pub fn refunds_of(&self, reference: &str) -> Vec<Refund> {
        self.ledger().refunds_of(reference)
    }

    /// Lapses an authorization now, as if its seven days had passed (an uncaptured one becomes
    /// `Voided`, as Stripe cancels it). False for an unknown reference.
    pub fn expire(&self, reference: &str) -> bool {
        self.ledger().expire(reference, Utc::now())
    }

    /// How many calls of each kind have reached the gateway.
    pub fn calls(&self) -> Calls {
        lock(&self.calls).clone()
    }

    /// How many `authorize` calls have reached the gateway (replays and failures included).
    pub fn authorize_calls(&self) -> usize {
        lock(&self.calls).authorize
    }

    /// How many `capture` calls have named `reference` (replays and refusals included).
    pub fn captures_of(&self, reference: &str) -> usize {
        let calls = lock(&self.calls);
        calls
            .captures_by_reference
            .get(reference)
            .copied()
            .unwrap_or(0)
    }

    fn ledger(&self) -> MutexGuard<'_, Ledger> {
        lock(&self.ledger)
    }

    /// Counts the call, then waits for a slot and the latency. The permit is held until the
    /// answer is computed.
    async fn enter(&self, count: impl FnOnce(&mut Calls)) -> Option<OwnedSemaphorePermit> {
        count(&mut lock(&self.calls));
        let permit = match &self.limit {
            Some(limit) => limit.clone().acquire_owned().await.ok(),
            None => None,
        };
        if !self.latency.is_zero() {
            tokio::time::sleep(self.latency).await;
        }
        permit
    }
}

/// A panic elsewhere while holding the lock leaves the books as consistent as any single call
/// left them (every call is one synchronous step), so a poisoned lock is still usable.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[async_trait]
impl PaymentGateway for TestGateway {
    fn name(&self) -> &'static str {
        "test"
    }

    async fn authorize(&self, request: &AuthorizeRequest) -> Result<Authorization, GatewayError> {
        let _slot = self.enter(|calls| calls.authorize += 1).await;
        self.ledger().authorize(request, Utc::now())
    }

    async fn capture(
        &self,
        reference: &str,
        amount_minor: i64,
        idempotency_key: &str,
    ) -> Result<Authorization, GatewayError> {
        let _slot = self
            .enter(|calls| {
                calls.capture += 1;
                let of = calls.captures_by_reference.entry(reference.into());
                *of.or_default() += 1;
            })
            .await;
        let now = Utc::now();
        self.ledger()
            .capture(reference, amount_minor, idempotency_key, now)
    }

    async fn void(
        &self,
        reference: &str,
        idempotency_key: &str,
    ) -> Result<Authorization, GatewayError> {
        let _slot = self.enter(|calls| calls.void += 1).await;
        self.ledger().void(reference, idempotency_key, Utc::now())
    }

    async fn refund(
        &self,
        reference: &str,
        amount_minor: i64,
        idempotency_key: &str,
    ) -> Result<Refund, GatewayError> {
        let _slot = self.enter(|calls| calls.refund += 1).await;
        let now = Utc::now();
        self.ledger()
            .refund(reference, amount_minor, idempotency_key, now)
    }

    async fn find_authorization(
        &self,
        idempotency_key: &str,
    ) -> Result<Option<Authorization>, GatewayError> {
        let _slot = self.enter(|calls| calls.find_authorization += 1).await;
        Ok(self.ledger().find(idempotency_key, Utc::now()))
    }

    async fn authorizations_since(
        &self,
        since: DateTime<Utc>,
    ) -> Result<Vec<KeyedAuthorization>, GatewayError> {
        let _slot = self.enter(|calls| calls.authorizations_since += 1).await;
        let recorded = self.ledger().recorded(Utc::now());
        let since_then = recorded.into_iter().filter(|r| r.created_at >= since);
        let keyed = since_then.map(|r| KeyedAuthorization {
            idempotency_key: r.request.idempotency_key,
            authorization: r.authorization,
        });
        Ok(keyed.collect())
    }
}
