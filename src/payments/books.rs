//! What the gateway's books say a payment row should read (`Truth`), and writing that onto the
//! row with the order's announcement. Reconciliation makes a row agree with the gateway's books as
//! they are now; webhooks move a row forward to what an event says happened. Both write here, so a
//! change the gateway made is recorded and announced the same way whoever learns of it first.

use sea_orm::ConnectionTrait;

use super::operations::Operation;
use super::records::{self, Change, Payment, PaymentStatus};
use super::{Authorization, AuthorizationStatus};
use crate::error::Result;
use crate::orders;
use crate::outbox::Topic;
use crate::stores::Store;

/// A payment's status and amounts: what our row says, or what the gateway's books imply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Truth {
    pub status: PaymentStatus,
    pub captured_minor: i64,
    pub refunded_minor: i64,
}

impl Truth {
    /// What a payment row should say about this authorization.
    pub fn of(authorization: &Authorization) -> Truth {
        let (captured_minor, refunded_minor) = match authorization.status {
            AuthorizationStatus::Captured => {
                (authorization.captured_minor, authorization.refunded_minor)
            }
            AuthorizationStatus::Authorized | AuthorizationStatus::Voided => (0, 0),
        };
        let status = match authorization.status {
            AuthorizationStatus::Authorized => PaymentStatus::Authorized,
            AuthorizationStatus::Voided => PaymentStatus::Voided,
            AuthorizationStatus::Captured if refunded_minor >= captured_minor => {
                PaymentStatus::Refunded
            }
            AuthorizationStatus::Captured => PaymentStatus::Captured,
        };
        Truth {
            status,
            captured_minor,
            refunded_minor,
        }
    }

    /// What a payment row says.
    pub fn recorded(payment: &Payment) -> Truth {
        Truth {
            status: PaymentStatus::of(payment),
            captured_minor: payment.captured_minor,
            refunded_minor: payment.refunded_minor,
        }
    }

    /// Whether going from `self` to `to` is a step forward in an authorization's life
    /// (authorized, then captured or voided, then refunded) that takes nothing back: no earlier
    /// status, no less captured or refunded. What an event says is never older news than that.
    pub fn advances_to(self, to: Truth) -> bool {
        use PaymentStatus::*;
        let onward = match (self.status, to.status) {
            (from, to) if from == to => true,
            (Authorized, Captured | Refunded | Voided) | (Captured, Refunded) => true,
            _ => false,
        };
        onward
            && to != self
            && to.captured_minor >= self.captured_minor
            && to.refunded_minor >= self.refunded_minor
    }
}

/// What writing a truth did, as the payment's history and the order's webhooks tell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Movement {
    /// The operation the gateway carried out; `None` when only the status moved.
    pub operation: Option<Operation>,
    /// The money it moved.
    pub amount_minor: i64,
    /// The order event announcing it.
    pub topic: Topic,
}

impl Movement {
    /// From `before` to `after` on a payment of `authorized`.
    pub fn between(before: Truth, after: Truth, authorized: i64) -> Movement {
        let (operation, amount_minor, topic) = if after.status == PaymentStatus::Voided {
            (Some(Operation::Void), authorized, Topic::OrdersUpdated)
        } else if after.captured_minor != before.captured_minor {
            let taken = after.captured_minor - before.captured_minor;
            let topic = match taken > 0 {
                true => Topic::OrdersPaid,
                false => Topic::OrdersUpdated,
            };
            (Some(Operation::Capture), taken, topic)
        } else if after.refunded_minor != before.refunded_minor {
            let given = after.refunded_minor - before.refunded_minor;
            (Some(Operation::Refund), given, Topic::OrdersUpdated)
        } else {
            (None, 0, Topic::OrdersUpdated)
        };
        Movement {
            operation,
            amount_minor,
            topic,
        }
    }
}

/// Makes `current` (locked by the caller's transaction) say `truth`, taking `reference` as its
/// gateway reference if it had none, and announces the order's change. Returns the row as written.
pub async fn write(
    db: &impl ConnectionTrait,
    store: &Store,
    current: &Payment,
    truth: Truth,
    reference: &str,
) -> Result<(Payment, Movement)> {
    let before = Truth::recorded(current);
    let change = Change {
        status: Some(truth.status),
        captured_minor: Some(truth.captured_minor),
        refunded_minor: Some(truth.refunded_minor),
        reference: current
            .gateway_reference
            .is_none()
            .then(|| reference.to_string()),
        ..Change::default()
    };
    let written = records::settle(db, store, current, before.status, change).await?;
    let movement = Movement::between(before, truth, current.amount_minor);
    if let Some(order) = orders::find(db, store, written.order_id).await? {
        orders::status::announce(db, store, &order, movement.topic).await?;
    }
    Ok((written, movement))
}

#[cfg(test)]
mod tests {
    use super::*;
    use PaymentStatus::*;

    fn truth(status: PaymentStatus, captured_minor: i64, refunded_minor: i64) -> Truth {
        Truth {
            status,
            captured_minor,
            refunded_minor,
        }
    }

    #[test]
    fn an_authorization_only_moves_forward() {
        let authorized = truth(Authorized, 0, 0);
        let captured = truth(Captured, 2500, 0);
        let partly = truth(Captured, 2500, 700);
        let refunded = truth(Refunded, 2500, 2500);
        let voided = truth(Voided, 0, 0);
        for (from, to) in [
            (authorized, captured),
            (authorized, voided),
            (authorized, refunded),
            (captured, partly),
            (captured, refunded),
            (partly, refunded),
        ] {
            assert!(from.advances_to(to), "{from:?} → {to:?}");
        }
        for (from, to) in [
            (captured, authorized),
            (captured, voided),
            (partly, captured),
            (refunded, partly),
            (voided, authorized),
            (voided, captured),
            (captured, captured),
            (authorized, authorized),
            (truth(Failed, 0, 0), authorized),
        ] {
            assert!(!from.advances_to(to), "{from:?} → {to:?}");
        }
    }

    #[test]
    fn a_movement_names_what_the_gateway_did() {
        let authorized = truth(Authorized, 0, 0);
        let captured = truth(Captured, 2500, 0);
        let moved = Movement::between(authorized, captured, 2500);
        assert_eq!(moved.operation, Some(Operation::Capture));
        assert_eq!((moved.amount_minor, moved.topic), (2500, Topic::OrdersPaid));
        let moved = Movement::between(captured, truth(Refunded, 2500, 2500), 2500);
        assert_eq!(moved.operation, Some(Operation::Refund));
        let moved = Movement::between(authorized, truth(Voided, 0, 0), 2500);
        assert_eq!(moved.operation, Some(Operation::Void));
        assert_eq!(moved.amount_minor, 2500);
    }
}
