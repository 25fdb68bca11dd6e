//! The built-in gateway: no network, books in memory, Stripe's test tokens and idempotency rules.
//! It is the default when no Stripe key is configured, and what the test suite charges: clones
//! share one set of books, so several app instances in a test see the same gateway, and the
//! inspection methods let a test count what reached it. It must never hold its lock across an
//! await, so a slow (`with_latency`) gateway still serves calls concurrently.
//!
//! Like Stripe it sends webhook events for what it does (`events`): a test takes them
//! (`drain_events`, `next_events`) and delivers them, signed, to the webhook endpoint. In a
//! running server nobody takes them: nothing is delivered, as with Stripe and no endpoint.

mod events;
mod ledger;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};

use self::ledger::Ledger;
use crate::payments::stripe::events::Event;
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
    answer_delay: Duration,
    limit: Option<Arc<Semaphore>>,
    /// How many answers are still to be lost (`lose_answers`).
    lost_answers: Arc<AtomicUsize>,
    /// Woken whenever a call may have sent events.
    sent: Arc<Notify>,
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

    /// This gateway (same books), answering each call `delay` after it acted and sent its
    /// events: its webhooks can outrun its answers, as Stripe's do.
    pub fn with_answer_delay(mut self, delay: Duration) -> TestGateway {
        self.answer_delay = delay;
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
        let expired = self.ledger().expire(reference, Utc::now());
        self.sent.notify_waiters();
        expired
    }

    /// The webhook events sent so far, in the order the gateway sent them (the last ten thousand
    /// or more: older ones are forgotten).
    pub fn events(&self) -> Vec<Event> {
        self.ledger().events()
    }

    /// The events sent since the last drain, in order: a test delivers these.
    pub fn drain_events(&self) -> Vec<Event> {
        self.ledger().drain_events()
    }

    /// Waits until events have been sent since the last drain, then drains them.
    pub async fn next_events(&self) -> Vec<Event> {
        loop {
            let sent = self.sent.notified();
            let events = self.drain_events();
            if !events.is_empty() {
                return events;
            }
            sent.await;
        }
    }

    /// The next `calls` calls do their work but answer `Unavailable`, as when the connection
    /// drops after the gateway acted. `authorize` and `find_authorization` included, so a
    /// checkout whose answers are all lost ends `PAYMENT_PENDING` with the money held.
    pub fn lose_answers(&self, calls: usize) {
        self.lost_answers.store(calls, Ordering::SeqCst);
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

    /// What the caller hears of a call's outcome, after the answer delay: lost if answers are
    /// being lost. Wakes whoever waits for events first, since the call may have sent some.
    async fn answer<T>(&self, outcome: Result<T, GatewayError>) -> Result<T, GatewayError> {
        self.sent.notify_waiters();
        if !self.answer_delay.is_zero() {
            tokio::time::sleep(self.answer_delay).await;
        }
        let lost = self
            .lost_answers
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        if lost {
            return Err(GatewayError::Unavailable(
                "the connection closed before the answer arrived".into(),
            ));
        }
        outcome
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
        let outcome = self.ledger().authorize(request, Utc::now());
        self.answer(outcome).await
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
        let outcome = self
            .ledger()
            .capture(reference, amount_minor, idempotency_key, now);
        self.answer(outcome).await
    }

    async fn void(
        &self,
        reference: &str,
        idempotency_key: &str,
    ) -> Result<Authorization, GatewayError> {
        let _slot = self.enter(|calls| calls.void += 1).await;
        let outcome = self.ledger().void(reference, idempotency_key, Utc::now());
        self.answer(outcome).await
    }

    async fn refund(
        &self,
        reference: &str,
        amount_minor: i64,
        idempotency_key: &str,
    ) -> Result<Refund, GatewayError> {
        let _slot = self.enter(|calls| calls.refund += 1).await;
        let now = Utc::now();
        let outcome = self
            .ledger()
            .refund(reference, amount_minor, idempotency_key, now);
        self.answer(outcome).await
    }

    async fn find_authorization(
        &self,
        idempotency_key: &str,
    ) -> Result<Option<Authorization>, GatewayError> {
        let _slot = self.enter(|calls| calls.find_authorization += 1).await;
        let found = self.ledger().find(idempotency_key, Utc::now());
        self.answer(Ok(found)).await
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
        self.answer(Ok(keyed.collect())).await
    }
}
