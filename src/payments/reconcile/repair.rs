//! Carrying out what `classify` decided, one authorization at a time. Gateway calls go first,
//! outside any transaction, under keys derived from the payment; then one transaction records
//! the repair with its audit rows. Settling a pending payment is the completer's code, not a copy.

use anyhow::Context;
use chrono::{DateTime, Utc};
use serde_json::json;
use uuid::Uuid;

use super::Mismatch;
use super::audit::{self, Entry};
use super::classify::{self, Action, Release};
use crate::checkout::Checkout;
use crate::checkout::completer::{self, Settling};
use crate::checkout::settle::Verdict;
use crate::error::{AppError, Result};
use crate::orders::Actor;
use crate::payments::books::{self, Truth};
use crate::payments::operations::Operation;
use crate::payments::records::{self, Payment};
use crate::payments::{Authorization, AuthorizationStatus};
use crate::stores::Store;

/// One gateway authorization and what we have for it.
pub(super) struct Target<'a> {
    /// The payment the authorization's key names.
    pub payment_id: Uuid,
    pub payment: Option<&'a Payment>,
    /// The payment's store (`None` without a payment).
    pub store: Option<&'a Store>,
    pub authorization: &'a Authorization,
}

/// How a repair ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Applied {
    Done,
    /// The payment changed after it was read: the next pass looks at it again.
    Moved,
}

pub(super) async fn apply(
    checkout: &Checkout,
    target: &Target<'_>,
    action: &Action,
) -> Result<Applied> {
    match action {
        Action::Release(mismatch, how) => release(checkout, target, *mismatch, *how).await,
        Action::Settle(mismatch) => settle(checkout, target, *mismatch).await,
        Action::Correct(mismatch, truth) => {
            let (store, payment) = known(target)?;
            let authorization = target.authorization;
            correct(checkout, store, payment, authorization, *mismatch, *truth).await
        }
        Action::Fine | Action::Defer(_) => Ok(Applied::Moved),
    }
}

/// Voids or refunds at the gateway what it holds for a payment that failed, was voided or does
/// not exist. The payment row stays as it is: it was right that nothing is ours.
async fn release(
    checkout: &Checkout,
    target: &Target<'_>,
    mismatch: Mismatch,
    how: Release,
) -> Result<Applied> {
    let authorization = target.authorization;
    let reference = authorization.reference.as_str();
    let gateway = checkout.gateway.as_ref();
    let (action, amount_minor, answer) = match how {
        Release::Void => {
            // The key checkout's settle voids a stray approval with: the two never void twice.
            let key = records::operation_key_of(target.payment_id, &format!("void-{reference}"));
            let answer = gateway.void(reference, &key).await.map(|_| ());
            ("stray_voided", authorization.amount_minor, answer)
        }
        Release::Refund(amount) => {
            let refunded = authorization.refunded_minor;
            let operation = format!("refund-{reference}-{refunded}");
            let key = records::operation_key_of(target.payment_id, &operation);
            let answer = gateway.refund(reference, amount, &key).await.map(|_| ());
            ("stray_refunded", amount, answer)
        }
    };
    answer.with_context(|| format!("Failed to release {reference} at the gateway"))?;
    let detail = json!({ "payment_status": target.payment.map(|p| p.status.clone()) });
    let tx = checkout.db.begin().await?;
    let entry = Entry {
        store: target.store,
        payment_id: target.payment_id,
        payment: target.payment,
        mismatch,
        action,
        authorization,
        amount_minor,
        detail,
    };
    audit::record(&tx, entry).await?;
    tx.commit().await?;
    Ok(Applied::Done)
}

/// Settles a `pending` payment through the completer: confirmed on an authorization the gateway
/// holds or took, failed on one it let go. A capture the gateway made since is recorded next. A
/// payment whose checkout request is still alive is left to it.
async fn settle(checkout: &Checkout, target: &Target<'_>, mismatch: Mismatch) -> Result<Applied> {
    let (store, payment) = known(target)?;
    let authorization = target.authorization;
    let verdict = match authorization.status {
        AuthorizationStatus::Voided => Verdict::NothingHeld,
        _ => Verdict::Approved(authorization.clone()),
    };
    match completer::settle_payment(checkout, store, payment, verdict, Actor::Completer).await? {
        Settling::Settled => {}
        Settling::Busy | Settling::Finished => return Ok(Applied::Moved),
        Settling::NoKey => {
            return Err(AppError::Internal(anyhow::anyhow!(
                "no checkout key names pending payment {}: it must be settled by hand",
                payment.id
            )));
        }
    }
    let settled = records::find(checkout.db.reader(), store, payment.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let detail = json!({
        "before": audit::side(Truth::recorded(payment)),
        "after": audit::side(Truth::recorded(&settled)),
    });
    let tx = checkout.db.begin().await?;
    let entry = Entry {
        store: Some(store),
        payment_id: payment.id,
        payment: Some(&settled),
        mismatch,
        action: "settled",
        authorization,
        amount_minor: authorization.amount_minor,
        detail,
    };
    audit::record(&tx, entry).await?;
    tx.commit().await?;
    // Nothing is busy here: the payment was just settled by us.
    if let Action::Correct(_, truth) =
        classify::classify(Some(&settled), authorization, DateTime::<Utc>::MAX_UTC)
    {
        correct(checkout, store, &settled, authorization, mismatch, truth).await?;
    }
    Ok(Applied::Done)
}

/// Makes the payment row say what the gateway says, if it still says what it said when read,
/// and announces the order's change.
async fn correct(
    checkout: &Checkout,
    store: &Store,
    payment: &Payment,
    authorization: &Authorization,
    mismatch: Mismatch,
    truth: Truth,
) -> Result<Applied> {
    let tx = checkout.db.begin().await?;
    let current = records::lock(&tx, store, payment.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let before = Truth::recorded(&current);
    if before != Truth::recorded(payment) {
        return Ok(Applied::Moved);
    }
    let (corrected, movement) =
        books::write(&tx, store, &current, truth, &authorization.reference).await?;
    let detail = json!({ "before": audit::side(before), "after": audit::side(truth) });
    let entry = Entry {
        store: Some(store),
        payment_id: payment.id,
        payment: Some(&corrected),
        mismatch,
        action: movement.operation.map_or("status", Operation::name),
        authorization,
        amount_minor: movement.amount_minor,
        detail,
    };
    audit::record(&tx, entry).await?;
    tx.commit().await?;
    Ok(Applied::Done)
}

fn known<'a>(target: &Target<'a>) -> Result<(&'a Store, &'a Payment)> {
    match (target.store, target.payment) {
        (Some(store), Some(payment)) => Ok((store, payment)),
        _ => Err(AppError::Internal(anyhow::anyhow!(
            "payment {} is not ours to repair",
            target.payment_id
        ))),
    }
}
