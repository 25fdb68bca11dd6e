//! Applying what an event says to the payment it names: `plan` decides from the payment as read
//! (pure), `carry_out` does it, deciding again under the payment's lock where it writes.

use sea_orm::ConnectionTrait;
use serde_json::json;

use super::Outcome;
use super::notice::{Notice, Says};
use crate::checkout::Checkout;
use crate::checkout::completer::{self, Settling};
use crate::checkout::settle::Verdict;
use crate::error::{AppError, Result};
use crate::orders::Actor;
use crate::payments::AuthorizationStatus;
use crate::payments::books::{self, Truth};
use crate::payments::operations::Operation;
use crate::payments::records::{self, Payment, PaymentStatus};
use crate::stores::{self, Store};

/// The payment an event names, with its store.
pub(super) struct Target {
    pub store: Store,
    pub payment: Payment,
}

/// The payment the notice names, in whichever store; `None` when it names nothing of ours.
pub(super) async fn locate(db: &impl ConnectionTrait, notice: &Notice) -> Result<Option<Target>> {
    let payment = records::named_by_gateway(db, notice.payment_id, &notice.reference).await?;
    let Some(payment) = payment else {
        return Ok(None);
    };
    let store = stores::find_store(db, payment.store_id).await?;
    Ok(store.map(|store| Target { store, payment }))
}

/// What to do with a notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Plan {
    /// Nothing: store the event with this outcome.
    Skip(Outcome),
    /// Settle the pending payment's checkout on this verdict.
    Settle(Verdict),
    /// Move the payment forward to this.
    Advance(Truth),
}

/// Decides from the payment as read. An event only moves a payment forward: whatever it says
/// that the payment is already at or beyond is stale.
pub(super) fn plan(payment: &Payment, notice: &Notice) -> Plan {
    let own_intent = payment
        .gateway_reference
        .as_deref()
        .is_none_or(|reference| reference == notice.reference);
    if !own_intent {
        return Plan::Skip(Outcome::Unmatched);
    }
    let pending = PaymentStatus::of(payment) == PaymentStatus::Pending;
    match &notice.says {
        Says::Held(authorization) if pending => Plan::Settle(match authorization.status {
            AuthorizationStatus::Voided => Verdict::NothingHeld,
            _ => Verdict::Approved(authorization.clone()),
        }),
        Says::Declined { code, message } if pending => Plan::Settle(Verdict::Declined {
            code: code.clone(),
            message: message.clone(),
        }),
        Says::Declined { .. } => Plan::Skip(Outcome::Stale),
        Says::Held(authorization) => {
            let truth = Truth::of(authorization);
            match Truth::recorded(payment).advances_to(truth) {
                true => Plan::Advance(truth),
                false => Plan::Skip(Outcome::Stale),
            }
        }
    }
}

/// Carries out a plan; returns what it did.
pub(super) async fn carry_out(
    checkout: &Checkout,
    target: &Target,
    notice: &Notice,
    plan: Plan,
) -> Result<Outcome> {
    match plan {
        Plan::Skip(outcome) => Ok(outcome),
        Plan::Advance(truth) => advance(checkout, target, notice, truth).await,
        Plan::Settle(verdict) => settle(checkout, target, notice, verdict).await,
    }
}

/// Settles a pending payment as the completer settles a stopped checkout, unless a live request
/// holds its key; then moves it on if the event says more (a capture made since).
async fn settle(
    checkout: &Checkout,
    target: &Target,
    notice: &Notice,
    verdict: Verdict,
) -> Result<Outcome> {
    let (store, payment) = (&target.store, &target.payment);
    match completer::settle_payment(checkout, store, payment, verdict, Actor::Gateway).await? {
        Settling::Settled => {}
        Settling::Finished => return Ok(Outcome::Stale),
        Settling::Busy => return Ok(Outcome::Deferred),
        Settling::NoKey => {
            tracing::warn!(payment = %payment.id, event = %notice.event_id, "no checkout key names this pending payment; reconciliation reports it");
            return Ok(Outcome::Deferred);
        }
    }
    if let Says::Held(authorization) = &notice.says
        && authorization.status == AuthorizationStatus::Captured
    {
        let settled = records::find(checkout.db.reader(), store, payment.id)
            .await?
            .ok_or(AppError::NotFound)?;
        let target = Target {
            store: store.clone(),
            payment: settled,
        };
        if let Plan::Advance(truth) = plan(&target.payment, notice) {
            advance(checkout, &target, notice, truth).await?;
        }
    }
    Ok(Outcome::Applied)
}

/// Moves the payment to `truth` if that is still a step forward under its lock, recording the
/// change in its history with the event that told of it.
async fn advance(
    checkout: &Checkout,
    target: &Target,
    notice: &Notice,
    truth: Truth,
) -> Result<Outcome> {
    let store = &target.store;
    let tx = checkout.db.begin().await?;
    let current = records::lock(&tx, store, target.payment.id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !Truth::recorded(&current).advances_to(truth) {
        return Ok(Outcome::Stale);
    }
    let (written, movement) = books::write(&tx, store, &current, truth, &notice.reference).await?;
    let kind = movement.operation.map_or("corrected", Operation::done);
    let detail = json!({ "webhook": { "id": notice.event_id, "type": notice.event_type } });
    records::record(&tx, store, &written, kind, movement.amount_minor, detail).await?;
    tx.commit().await?;
    Ok(Outcome::Applied)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payments::fixtures;
    use AuthorizationStatus as At;
    use PaymentStatus as We;

    fn ours(
        status: PaymentStatus,
        reference: Option<&str>,
        captured: i64,
        refunded: i64,
    ) -> Payment {
        Payment {
            gateway_reference: reference.map(str::to_string),
            ..fixtures::payment(status, captured, refunded)
        }
    }

    fn says(status: AuthorizationStatus, captured: i64, refunded: i64) -> Notice {
        Notice {
            event_id: "evt_1".into(),
            event_type: "payment_intent.succeeded".into(),
            reference: "pi_1".into(),
            payment_id: None,
            says: Says::Held(fixtures::authorization(status, captured, refunded)),
        }
    }

    fn declined() -> Notice {
        Notice {
            says: Says::Declined {
                code: "generic_decline".into(),
                message: "Your card was declined.".into(),
            },
            ..says(At::Authorized, 0, 0)
        }
    }

    #[test]
    fn a_pending_payment_is_settled_on_what_the_event_says() {
        let pending = ours(We::Pending, None, 0, 0);
        let authorized = says(At::Authorized, 0, 0);
        assert!(matches!(
            plan(&pending, &authorized),
            Plan::Settle(Verdict::Approved(_))
        ));
        assert!(matches!(
            plan(&pending, &says(At::Captured, 2500, 0)),
            Plan::Settle(Verdict::Approved(_))
        ));
        assert_eq!(
            plan(&pending, &says(At::Voided, 0, 0)),
            Plan::Settle(Verdict::NothingHeld)
        );
        assert!(matches!(
            plan(&pending, &declined()),
            Plan::Settle(Verdict::Declined { code, .. }) if code == "generic_decline"
        ));
    }

    #[test]
    fn a_settled_payment_only_moves_forward() {
        let authorized = ours(We::Authorized, Some("pi_1"), 0, 0);
        let captured = ours(We::Captured, Some("pi_1"), 2500, 0);
        let truth = |status, captured_minor, refunded_minor| Truth {
            status,
            captured_minor,
            refunded_minor,
        };
        assert_eq!(
            plan(&authorized, &says(At::Captured, 2500, 0)),
            Plan::Advance(truth(We::Captured, 2500, 0))
        );
        assert_eq!(
            plan(&authorized, &says(At::Voided, 0, 0)),
            Plan::Advance(truth(We::Voided, 0, 0))
        );
        assert_eq!(
            plan(&captured, &says(At::Captured, 2500, 2500)),
            Plan::Advance(truth(We::Refunded, 2500, 2500))
        );
        let stale = Plan::Skip(Outcome::Stale);
        assert_eq!(plan(&captured, &says(At::Authorized, 0, 0)), stale);
        assert_eq!(plan(&captured, &says(At::Captured, 2500, 0)), stale);
        assert_eq!(plan(&authorized, &says(At::Authorized, 0, 0)), stale);
        assert_eq!(plan(&authorized, &declined()), stale);
        let failed = ours(We::Failed, None, 0, 0);
        assert_eq!(plan(&failed, &says(At::Authorized, 0, 0)), stale);
    }

    #[test]
    fn an_event_about_another_intent_than_the_payments_own_is_not_its() {
        let other = ours(We::Authorized, Some("pi_2"), 0, 0);
        assert_eq!(
            plan(&other, &says(At::Captured, 2500, 0)),
            Plan::Skip(Outcome::Unmatched)
        );
    }
}
