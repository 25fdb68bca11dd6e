//! The test gateway's books: its authorizations, refunds, the answers stored under idempotency
//! keys and the webhook events it sent. Plain synchronous code run under the gateway's mutex, so
//! one call is one atomic step; it never sleeps, awaits or counts calls (the async shell in
//! `test_gateway.rs` does).

use std::collections::HashMap;

use chrono::{DateTime, SubsecRound, Utc};
use uuid::Uuid;

use super::events;
use super::{
    IDEMPOTENCY_MISMATCH, Recorded, TOKEN_AMEX, TOKEN_DECLINED, TOKEN_INSUFFICIENT_FUNDS,
    TOKEN_LOST_RESPONSE, TOKEN_MASTERCARD, TOKEN_SERVER_ERROR, TOKEN_VISA,
};
use crate::payments::stripe::events::{
    CHARGE_CAPTURED, CHARGE_REFUNDED, Event, INTENT_AMOUNT_CAPTURABLE_UPDATED, INTENT_CREATED,
    INTENT_SUCCEEDED,
};
use crate::payments::{
    AUTHORIZATION_LIFETIME, Authorization, AuthorizationStatus, AuthorizeRequest, GatewayError,
    Refund,
};

type Outcome<T> = Result<T, GatewayError>;

/// How many sent webhook events the books keep at least.
const KEPT_EVENTS: usize = 10_000;

/// What a keyed request asked for: a repeated key must ask for exactly the same thing.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Call {
    Authorize {
        amount_minor: i64,
        currency: String,
        payment_token: String,
        description: String,
    },
    Capture {
        reference: String,
        amount_minor: i64,
    },
    Void {
        reference: String,
    },
    Refund {
        reference: String,
        amount_minor: i64,
    },
}

/// A stored answer, replayed as it was (a snapshot, like Stripe's stored response).
#[derive(Debug, Clone)]
enum Reply {
    Authorization(Authorization),
    Refund(Refund),
}

#[derive(Debug, Default)]
pub(super) struct Ledger {
    /// In creation order.
    intents: Vec<Recorded>,
    by_reference: HashMap<String, usize>,
    by_authorize_key: HashMap<String, usize>,
    answers: HashMap<String, (Call, Outcome<Reply>)>,
    refunds: Vec<(String, Refund)>,
    /// The webhook events sent, in order (the last `KEPT_EVENTS` or more); those from `taken` on
    /// are not drained yet.
    events: Vec<Event>,
    taken: usize,
}

impl Ledger {
    pub(super) fn authorize(
        &mut self,
        request: &AuthorizeRequest,
        now: DateTime<Utc>,
    ) -> Outcome<Authorization> {
        let call = Call::Authorize {
            amount_minor: request.amount_minor,
            currency: request.currency.clone(),
            payment_token: request.payment_token.clone(),
            description: request.description.clone(),
        };
        if let Some(stored) = self.replay(&request.idempotency_key, &call)? {
            return authorization_of(stored);
        }
        check_amount(request.amount_minor)?;
        let currency = &request.currency;
        if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(refused(format!("invalid currency: {currency:?}")));
        }
        let decline = |code: &str, message: &str| GatewayError::Declined {
            code: code.into(),
            message: message.into(),
        };
        let outcome = match request.payment_token.as_str() {
            TOKEN_VISA | TOKEN_MASTERCARD | TOKEN_AMEX | TOKEN_LOST_RESPONSE => {
                Ok(self.create(request, now))
            }
            TOKEN_DECLINED => Err(decline("generic_decline", "Your card was declined.")),
            TOKEN_INSUFFICIENT_FUNDS => Err(decline(
                "insufficient_funds",
                "Your card has insufficient funds.",
            )),
            TOKEN_SERVER_ERROR => return Err(unavailable("the gateway had an internal error")),
            other => return Err(refused(format!("no such token: {other:?}"))),
        };
        if let Err(GatewayError::Declined { code, message }) = &outcome {
            self.send(events::declined(request, code, message, now));
        }
        self.store(
            &request.idempotency_key,
            call,
            &outcome,
            Reply::Authorization,
        );
        if request.payment_token == TOKEN_LOST_RESPONSE {
            return Err(unavailable(
                "the connection closed before the answer arrived",
            ));
        }
        outcome
    }

    pub(super) fn capture(
        &mut self,
        reference: &str,
        amount_minor: i64,
        key: &str,
        now: DateTime<Utc>,
    ) -> Outcome<Authorization> {
        let call = Call::Capture {
            reference: reference.into(),
            amount_minor,
        };
        if let Some(stored) = self.replay(key, &call)? {
            return authorization_of(stored);
        }
        let recorded = self.intent_mut(reference, now)?;
        let authorization = &mut recorded.authorization;
        check_status(authorization, AuthorizationStatus::Authorized, "captured")?;
        check_amount(amount_minor)?;
        if amount_minor > authorization.amount_minor {
            return Err(refused(format!(
                "cannot capture {amount_minor}: only {} is authorized",
                authorization.amount_minor
            )));
        }
        authorization.captured_minor = amount_minor;
        authorization.status = AuthorizationStatus::Captured;
        let recorded = recorded.clone();
        self.send([
            events::charge(CHARGE_CAPTURED, &recorded, Some(key), now),
            events::intent(INTENT_SUCCEEDED, &recorded, None, Some(key), now),
        ]);
        let outcome = Ok(recorded.authorization);
        self.store(key, call, &outcome, Reply::Authorization);
        outcome
    }

    pub(super) fn void(
        &mut self,
        reference: &str,
        key: &str,
        now: DateTime<Utc>,
    ) -> Outcome<Authorization> {
        let call = Call::Void {
            reference: reference.into(),
        };
        if let Some(stored) = self.replay(key, &call)? {
            return authorization_of(stored);
        }
        let recorded = self.intent_mut(reference, now)?;
        check_status(
            &recorded.authorization,
            AuthorizationStatus::Authorized,
            "voided",
        )?;
        recorded.authorization.status = AuthorizationStatus::Voided;
        let recorded = recorded.clone();
        self.send(events::voided(&recorded, key, now));
        let outcome = Ok(recorded.authorization);
        self.store(key, call, &outcome, Reply::Authorization);
        outcome
    }

    pub(super) fn refund(
        &mut self,
        reference: &str,
        amount_minor: i64,
        key: &str,
        now: DateTime<Utc>,
    ) -> Outcome<Refund> {
        let call = Call::Refund {
            reference: reference.into(),
            amount_minor,
        };
        if let Some(stored) = self.replay(key, &call)? {
            return match stored {
                Reply::Refund(refund) => Ok(refund),
                Reply::Authorization(_) => Err(refused(IDEMPOTENCY_MISMATCH)),
            };
        }
        let recorded = self.intent_mut(reference, now)?;
        let authorization = &mut recorded.authorization;
        check_status(authorization, AuthorizationStatus::Captured, "refunded")?;
        check_amount(amount_minor)?;
        let refundable = authorization.captured_minor - authorization.refunded_minor;
        if amount_minor > refundable {
            return Err(refused(format!(
                "cannot refund {amount_minor}: only {refundable} of the capture is left"
            )));
        }
        authorization.refunded_minor += amount_minor;
        let recorded = recorded.clone();
        self.send([events::charge(CHARGE_REFUNDED, &recorded, Some(key), now)]);
        let refund = Refund {
            reference: format!("re_{}", Uuid::now_v7().simple()),
            amount_minor,
        };
        self.refunds.push((reference.into(), refund.clone()));
        let outcome = Ok(refund);
        self.store(key, call, &outcome, Reply::Refund);
        outcome
    }

    pub(super) fn find(&mut self, key: &str, now: DateTime<Utc>) -> Option<Authorization> {
        let index = *self.by_authorize_key.get(key)?;
        self.lapse_if_due(index, now);
        Some(self.intents[index].authorization.clone())
    }

    /// Every authorization with the request that created it, as it stands now.
    pub(super) fn recorded(&mut self, now: DateTime<Utc>) -> Vec<Recorded> {
        for index in 0..self.intents.len() {
            self.lapse_if_due(index, now);
        }
        self.intents.clone()
    }

    pub(super) fn recorded_of(&mut self, reference: &str, now: DateTime<Utc>) -> Option<Recorded> {
        self.intent_mut(reference, now).ok().cloned()
    }

    pub(super) fn refunds_of(&self, reference: &str) -> Vec<Refund> {
        let of_it = self.refunds.iter().filter(|(of, _)| of == reference);
        of_it.map(|(_, refund)| refund.clone()).collect()
    }

    /// Moves the authorization's expiry to `now`, lapsing it if it is still uncaptured.
    pub(super) fn expire(&mut self, reference: &str, now: DateTime<Utc>) -> bool {
        let Some(&index) = self.by_reference.get(reference) else {
            return false;
        };
        self.intents[index].authorization.expires_at = now;
        self.lapse_if_due(index, now);
        true
    }

    /// Sends webhook events: keeps them for whoever delivers them, forgetting the oldest past
    /// twice `KEPT_EVENTS` (as Stripe gives up on an event nobody takes), so a server that runs
    /// on the test gateway for months does not grow without bound.
    fn send(&mut self, events: impl IntoIterator<Item = Event>) {
        self.events.extend(events);
        if self.events.len() > 2 * KEPT_EVENTS {
            let forgotten = self.events.len() - KEPT_EVENTS;
            self.events.drain(..forgotten);
            self.taken = self.taken.saturating_sub(forgotten);
        }
    }

    /// The webhook events sent so far (the last `KEPT_EVENTS` or more), in order.
    pub(super) fn events(&self) -> Vec<Event> {
        self.events.clone()
    }

    /// The events sent since the last drain, in order.
    pub(super) fn drain_events(&mut self) -> Vec<Event> {
        let fresh = self.events[self.taken..].to_vec();
        self.taken = self.events.len();
        fresh
    }

    fn create(&mut self, request: &AuthorizeRequest, now: DateTime<Utc>) -> Authorization {
        // Whole seconds, as Stripe's `created` is.
        let created_at = now.trunc_subsecs(0);
        let authorization = Authorization {
            reference: format!("pi_{}", Uuid::now_v7().simple()),
            amount_minor: request.amount_minor,
            captured_minor: 0,
            refunded_minor: 0,
            status: AuthorizationStatus::Authorized,
            expires_at: created_at + AUTHORIZATION_LIFETIME,
        };
        let index = self.intents.len();
        self.by_reference
            .insert(authorization.reference.clone(), index);
        self.by_authorize_key
            .insert(request.idempotency_key.clone(), index);
        let recorded = Recorded {
            request: request.clone(),
            authorization: authorization.clone(),
            created_at,
        };
        let key = Some(request.idempotency_key.as_str());
        self.send([
            events::intent(INTENT_CREATED, &recorded, None, key, now),
            events::intent(INTENT_AMOUNT_CAPTURABLE_UPDATED, &recorded, None, key, now),
        ]);
        self.intents.push(recorded);
        authorization
    }

    /// The stored answer for `key`, or `None` for a fresh key; a key stored with another call is
    /// refused. An empty key is refused: every call here must be idempotent.
    fn replay(&self, key: &str, call: &Call) -> Outcome<Option<Reply>> {
        if key.is_empty() {
            return Err(refused("an idempotency key is required"));
        }
        match self.answers.get(key) {
            None => Ok(None),
            Some((stored, _)) if stored != call => Err(refused(IDEMPOTENCY_MISMATCH)),
            Some((_, answer)) => answer.clone().map(Some),
        }
    }

    fn store<T: Clone>(
        &mut self,
        key: &str,
        call: Call,
        outcome: &Outcome<T>,
        reply: fn(T) -> Reply,
    ) {
        let answer = outcome.clone().map(reply);
        self.answers.insert(key.into(), (call, answer));
    }

    fn intent_mut(&mut self, reference: &str, now: DateTime<Utc>) -> Outcome<&mut Recorded> {
        let index = *self
            .by_reference
            .get(reference)
            .ok_or_else(|| refused(format!("no such authorization: {reference:?}")))?;
        self.lapse_if_due(index, now);
        Ok(&mut self.intents[index])
    }

    /// An uncaptured authorization past its expiry is released, as Stripe cancels it.
    fn lapse_if_due(&mut self, index: usize, now: DateTime<Utc>) {
        let recorded = &mut self.intents[index];
        let authorization = &mut recorded.authorization;
        if authorization.status == AuthorizationStatus::Authorized
            && now >= authorization.expires_at
        {
            authorization.status = AuthorizationStatus::Voided;
            let lapsed = events::lapsed(recorded, now);
            self.send(lapsed);
        }
    }
}

fn authorization_of(reply: Reply) -> Outcome<Authorization> {
    match reply {
        Reply::Authorization(authorization) => Ok(authorization),
        Reply::Refund(_) => Err(refused(IDEMPOTENCY_MISMATCH)),
    }
}

fn check_status(
    authorization: &Authorization,
    wanted: AuthorizationStatus,
    verb: &str,
) -> Outcome<()> {
    if authorization.status == wanted {
        return Ok(());
    }
    Err(refused(format!(
        "{} cannot be {verb}: it is {:?}",
        authorization.reference, authorization.status
    )))
}

fn check_amount(amount_minor: i64) -> Outcome<()> {
    if amount_minor <= 0 {
        return Err(refused(format!(
            "the amount must be positive, not {amount_minor}"
        )));
    }
    Ok(())
}

fn refused(message: impl Into<String>) -> GatewayError {
    GatewayError::Refused(message.into())
}

fn unavailable(message: &str) -> GatewayError {
    GatewayError::Unavailable(message.into())
}
