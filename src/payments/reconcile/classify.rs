//! Deciding, from one gateway authorization and the payment its key names, whether they disagree
//! and what would make them agree. Pure: no database, no gateway, so every case is unit-tested.

use chrono::{DateTime, Utc};

use super::Mismatch;
use crate::payments::books::Truth;
use crate::payments::records::{Payment, PaymentStatus};
use crate::payments::{Authorization, AuthorizationStatus};

/// What the gateway still holds that nobody claims, and how to give it back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Release {
    /// An uncaptured authorization: void it.
    Void,
    /// Captured money not yet refunded: refund this much.
    Refund(i64),
}

/// What to do about one authorization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Action {
    /// The two sides agree.
    Fine,
    /// They disagree, but the payment is being changed right now: the next pass looks again.
    Defer(Mismatch),
    /// Give back what the gateway holds for nobody.
    Release(Mismatch, Release),
    /// Settle a `pending` payment on the gateway's word.
    Settle(Mismatch),
    /// Make our row say what the gateway says.
    Correct(Mismatch, Truth),
}

impl Action {
    pub fn mismatch(&self) -> Option<Mismatch> {
        match self {
            Action::Fine => None,
            Action::Defer(kind)
            | Action::Release(kind, _)
            | Action::Settle(kind)
            | Action::Correct(kind, _) => Some(*kind),
        }
    }
}

/// Compares an authorization with the payment its key names (`None`: no such payment). A
/// payment changed after `busy_since` is deferred rather than repaired.
pub(super) fn classify(
    payment: Option<&Payment>,
    authorization: &Authorization,
    busy_since: DateTime<Utc>,
) -> Action {
    let held = held(authorization);
    let Some(payment) = payment else {
        return held.map_or(Action::Fine, |release| {
            Action::Release(Mismatch::Unclaimed, release)
        });
    };
    let captured = authorization.status == AuthorizationStatus::Captured;
    let action = match PaymentStatus::of(payment) {
        status @ (PaymentStatus::Failed | PaymentStatus::Voided) => {
            let Some(release) = held else {
                return Action::Fine;
            };
            // A failed payment's order is still `pending`: that order has captured funds.
            let kind = if status == PaymentStatus::Failed && captured {
                Mismatch::CapturedWhilePending
            } else {
                Mismatch::Unclaimed
            };
            Action::Release(kind, release)
        }
        PaymentStatus::Pending if captured => Action::Settle(Mismatch::CapturedWhilePending),
        PaymentStatus::Pending => Action::Settle(Mismatch::Unsettled),
        PaymentStatus::Authorized | PaymentStatus::Captured | PaymentStatus::Refunded => {
            let truth = Truth::of(authorization);
            if truth == Truth::recorded(payment) {
                return Action::Fine;
            }
            let kind = match truth.status {
                PaymentStatus::Voided => Mismatch::Lapsed,
                _ => Mismatch::Amounts,
            };
            Action::Correct(kind, truth)
        }
    };
    match action.mismatch() {
        Some(kind) if payment.updated_at > busy_since => Action::Defer(kind),
        _ => action,
    }
}

/// What the gateway holds under an authorization, if anything.
fn held(authorization: &Authorization) -> Option<Release> {
    let left = authorization.captured_minor - authorization.refunded_minor;
    match authorization.status {
        AuthorizationStatus::Authorized => Some(Release::Void),
        AuthorizationStatus::Captured if left > 0 => Some(Release::Refund(left)),
        AuthorizationStatus::Captured | AuthorizationStatus::Voided => None,
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;

    use super::*;
    use crate::payments::fixtures::{authorization as gateway, payment as ours};
    use AuthorizationStatus as At;
    use PaymentStatus as We;

    fn check(payment: Option<&Payment>, authorization: &Authorization) -> Action {
        classify(payment, authorization, Utc::now() - TimeDelta::minutes(1))
    }

    #[test]
    fn money_held_for_no_payment_or_a_failed_or_voided_one_is_released() {
        let held = gateway(At::Authorized, 0, 0);
        let taken = gateway(At::Captured, 2500, 500);
        let unclaimed = |r| Action::Release(Mismatch::Unclaimed, r);
        assert_eq!(check(None, &held), unclaimed(Release::Void));
        assert_eq!(check(None, &taken), unclaimed(Release::Refund(2000)));
        let failed = ours(We::Failed, 0, 0);
        assert_eq!(check(Some(&failed), &held), unclaimed(Release::Void));
        assert_eq!(
            check(Some(&failed), &taken),
            Action::Release(Mismatch::CapturedWhilePending, Release::Refund(2000))
        );
        let voided = ours(We::Voided, 0, 0);
        assert_eq!(
            check(Some(&voided), &taken),
            unclaimed(Release::Refund(2000))
        );
        for nothing_held in [gateway(At::Voided, 0, 0), gateway(At::Captured, 2500, 2500)] {
            assert_eq!(check(None, &nothing_held), Action::Fine);
            assert_eq!(check(Some(&failed), &nothing_held), Action::Fine);
        }
    }

    #[test]
    fn a_pending_payment_the_gateway_decided_is_settled() {
        let pending = ours(We::Pending, 0, 0);
        let unsettled = Action::Settle(Mismatch::Unsettled);
        assert_eq!(
            check(Some(&pending), &gateway(At::Authorized, 0, 0)),
            unsettled
        );
        assert_eq!(check(Some(&pending), &gateway(At::Voided, 0, 0)), unsettled);
        assert_eq!(
            check(Some(&pending), &gateway(At::Captured, 2500, 0)),
            Action::Settle(Mismatch::CapturedWhilePending)
        );
    }

    #[test]
    fn amounts_and_lapses_are_corrected_to_the_gateways_books() {
        let captured = ours(We::Captured, 2500, 0);
        let truth = |status, captured_minor, refunded_minor| Truth {
            status,
            captured_minor,
            refunded_minor,
        };
        assert_eq!(
            check(Some(&captured), &gateway(At::Captured, 2500, 700)),
            Action::Correct(Mismatch::Amounts, truth(We::Captured, 2500, 700))
        );
        assert_eq!(
            check(Some(&captured), &gateway(At::Captured, 2500, 2500)),
            Action::Correct(Mismatch::Amounts, truth(We::Refunded, 2500, 2500))
        );
        let authorized = ours(We::Authorized, 0, 0);
        assert_eq!(
            check(Some(&authorized), &gateway(At::Captured, 2500, 0)),
            Action::Correct(Mismatch::Amounts, truth(We::Captured, 2500, 0))
        );
        assert_eq!(
            check(Some(&authorized), &gateway(At::Voided, 0, 0)),
            Action::Correct(Mismatch::Lapsed, truth(We::Voided, 0, 0))
        );
        assert_eq!(
            check(Some(&captured), &gateway(At::Voided, 0, 0)),
            Action::Correct(Mismatch::Lapsed, truth(We::Voided, 0, 0))
        );
    }

    #[test]
    fn agreeing_books_are_fine_and_a_busy_payment_is_deferred() {
        let pairs = [
            (ours(We::Authorized, 0, 0), gateway(At::Authorized, 0, 0)),
            (
                ours(We::Captured, 2500, 700),
                gateway(At::Captured, 2500, 700),
            ),
            (
                ours(We::Refunded, 2500, 2500),
                gateway(At::Captured, 2500, 2500),
            ),
            (ours(We::Voided, 0, 0), gateway(At::Voided, 0, 0)),
        ];
        for (payment, authorization) in &pairs {
            assert_eq!(check(Some(payment), authorization), Action::Fine);
        }
        let mut busy = ours(We::Pending, 0, 0);
        busy.updated_at = Utc::now();
        assert_eq!(
            check(Some(&busy), &gateway(At::Authorized, 0, 0)),
            Action::Defer(Mismatch::Unsettled)
        );
    }
}
