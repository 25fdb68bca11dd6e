//! Phases 2 and 3: ask the gateway, then record its answer in one transaction. Only a payment
//! still `pending` is settled; an approval that arrives for a payment already settled (another
//! request or the completer gave up on it) is voided at the gateway, so every authorization ends
//! with exactly one order or none.

use std::time::Duration;

use chrono::Utc;
use sea_orm::ConnectionTrait;
use serde_json::json;

use super::keys;
use super::place::Attempt;
use super::{Checkout, CheckoutInput, Outcome, Refusal, RefusalCode};
use crate::cart::checkout as cart_checkout;
use crate::error::{AppError, Result};
use crate::orders::{self, Actor, Status};
use crate::outbox::Topic;
use crate::payments::records::{self as payments, Change, PaymentStatus};
use crate::payments::{Authorization, AuthorizeRequest, GatewayError, PaymentGateway};
use crate::stores::{self, Store};

/// How long to wait before asking again after an unknown answer.
const RETRY_AFTER: Duration = Duration::from_millis(200);

/// What the gateway said about an authorization.
pub type Answer = std::result::Result<Authorization, GatewayError>;

/// Asks the gateway to authorize the order's total. An unknown answer is asked again once with
/// the same key (the gateway replays what it did), then looked up by the key.
pub async fn authorize(
    gateway: &dyn PaymentGateway,
    attempt: &Attempt,
    input: &CheckoutInput,
) -> Answer {
    let request = AuthorizeRequest {
        amount_minor: attempt.order.total_minor,
        currency: attempt.order.currency.clone(),
        payment_token: input.payment_token.clone(),
        idempotency_key: attempt.payment.idempotency_key.clone(),
        description: format!("Order {}", orders::name(&attempt.order)),
    };
    match gateway.authorize(&request).await {
        Err(GatewayError::Unavailable(_)) => {}
        answer => return answer,
    }
    tokio::time::sleep(RETRY_AFTER).await;
    match gateway.authorize(&request).await {
        Err(GatewayError::Unavailable(reason)) => {
            match gateway.find_authorization(&request.idempotency_key).await {
                Ok(Some(authorization)) => Ok(authorization),
                _ => Err(GatewayError::Unavailable(reason)),
            }
        }
        answer => answer,
    }
}

/// What is known about a payment attempt at the gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Approved(Authorization),
    Declined {
        code: String,
        message: String,
    },
    /// The gateway refused the request (an unknown token): nothing is held.
    Refused(String),
    /// The gateway confirms it holds nothing under the attempt's key.
    NothingHeld,
    /// Not known yet.
    Unknown(String),
}

impl From<Answer> for Verdict {
    fn from(answer: Answer) -> Verdict {
        match answer {
            Ok(authorization) => Verdict::Approved(authorization),
            Err(GatewayError::Declined { code, message }) => Verdict::Declined { code, message },
            Err(GatewayError::Refused(reason)) => Verdict::Refused(reason),
            Err(GatewayError::Unavailable(reason)) => Verdict::Unknown(reason),
        }
    }
}

fn refused(code: RefusalCode, field: &str, message: &str) -> Outcome {
    Outcome::refused(Refusal::new(
        code,
        vec!["input".into(), field.into()],
        message,
    ))
}

/// Records the gateway's answer for a placed order and returns the checkout's answer.
pub async fn settle(
    checkout: &Checkout,
    store: &Store,
    attempt: &Attempt,
    answer: impl Into<Verdict>,
    actor: Actor,
) -> Result<Outcome> {
    let answer: Verdict = answer.into();
    let tx = checkout.db.begin().await?;
    let key = keys::lock(&tx, store, &attempt.key.key)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("a checkout's key vanished")))?;
    let cart = cart_checkout::lock_by_id(&tx, store, attempt.cart.id)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("a checkout's cart vanished")))?;
    let payment = payments::lock(&tx, store, attempt.payment.id)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("a checkout's payment vanished")))?;
    if PaymentStatus::of(&payment) != PaymentStatus::Pending {
        // Settled by someone else meanwhile: their answer stands.
        let outcome = stored_outcome(&key);
        tx.commit().await?;
        if let Verdict::Approved(authorization) = &answer
            && payment.gateway_reference.as_deref() != Some(authorization.reference.as_str())
        {
            void_stray(checkout, store, &payment, authorization).await?;
        }
        return Ok(outcome);
    }
    let outcome = match answer {
        Verdict::Approved(authorization) => {
            confirm(&tx, store, &attempt.order, &payment, &authorization, actor).await?
        }
        Verdict::Declined { code, message } => {
            let detail = json!({"code": code, "message": message, "by": actor.as_str()});
            fail(&tx, store, attempt, &payment, Some(code), detail).await?;
            refused(
                RefusalCode::PaymentDeclined,
                "paymentToken",
                "the card was declined",
            )
        }
        Verdict::Refused(reason) => {
            fail(
                &tx,
                store,
                attempt,
                &payment,
                None,
                json!({"refused": reason, "by": actor.as_str()}),
            )
            .await?;
            refused(
                RefusalCode::Invalid,
                "paymentToken",
                "the payment token was not accepted",
            )
        }
        Verdict::NothingHeld => {
            let detail = json!({"held": false, "by": actor.as_str()});
            fail(&tx, store, attempt, &payment, None, detail).await?;
            refused(
                RefusalCode::PaymentFailed,
                "paymentToken",
                "the payment could not be made and nothing was charged; try again",
            )
        }
        Verdict::Unknown(reason) => {
            let detail = json!({"reason": reason});
            payments::record(&tx, store, &payment, "authorize_unknown", 0, detail).await?;
            keys::release(&tx, &key).await?;
            tx.commit().await?;
            return Ok(Outcome::refused(Refusal::new(
                RefusalCode::PaymentPending,
                vec!["idempotencyKey".into()],
                "the payment's outcome is not known yet; retry with the same idempotency key",
            )));
        }
    };
    keys::finish(&tx, &key, &outcome).await?;
    if outcome.order_token.is_some() {
        // Last before committing: selling locks the variants' levels, which every checkout of
        // the same variants needs too.
        cart_checkout::sell_holds(&tx, store, &cart).await?;
    }
    tx.commit().await?;
    Ok(outcome)
}

/// An approved authorization: the payment is authorized, the order confirmed and the buyer given
/// the order's access token (the caller then sells the held units).
async fn confirm(
    db: &impl ConnectionTrait,
    store: &Store,
    order: &orders::Order,
    payment: &payments::Payment,
    authorization: &Authorization,
    actor: Actor,
) -> Result<Outcome> {
    if authorization.amount_minor != order.total_minor {
        return Err(AppError::Internal(anyhow::anyhow!(
            "order {} totals {} but {} was authorized",
            order.id,
            order.total_minor,
            authorization.amount_minor
        )));
    }
    let change = Change {
        status: Some(PaymentStatus::Authorized),
        reference: Some(authorization.reference.clone()),
        expires_at: Some(authorization.expires_at),
        ..Change::default()
    };
    let payment = payments::settle(db, store, payment, PaymentStatus::Pending, change).await?;
    payments::record(
        db,
        store,
        &payment,
        "authorized",
        authorization.amount_minor,
        json!({"by": actor.as_str()}),
    )
    .await?;
    let token = stores::new_secret();
    // Only the columns set here are written; the status moves by a guarded update next.
    let order = orders::attach_payment(db, order, &authorization.reference, &token).await?;
    orders::transition(db, store, &order, Status::Confirmed, actor, None).await?;
    Ok(Outcome {
        order_id: Some(order.id),
        order_token: Some(token),
        refusals: Vec::new(),
    })
}

/// A payment that did not go through: nothing is held at the gateway, the cart is the
/// shopper's again.
async fn fail(
    db: &impl ConnectionTrait,
    store: &Store,
    attempt: &Attempt,
    payment: &payments::Payment,
    decline_code: Option<String>,
    detail: serde_json::Value,
) -> Result<()> {
    let change = Change {
        status: Some(PaymentStatus::Failed),
        decline_code,
        ..Change::default()
    };
    let payment = payments::settle(db, store, payment, PaymentStatus::Pending, change).await?;
    payments::record(db, store, &payment, "failed", 0, detail).await?;
    orders::status::announce(db, store, &attempt.order, Topic::CheckoutsUpdate).await?;
    cart_checkout::reopen(db, store, &attempt.cart).await
}

/// The answer stored under a key another party finished.
fn stored_outcome(key: &keys::Key) -> Outcome {
    key.response
        .clone()
        .and_then(|response| serde_json::from_value(response).ok())
        .unwrap_or_else(|| {
            Outcome::refused(Refusal::new(
                RefusalCode::CheckoutInProgress,
                vec!["idempotencyKey".into()],
                "a checkout of this cart is in progress; retry with the same key",
            ))
        })
}

/// Voids an authorization no order will use, and records that it did.
async fn void_stray(
    checkout: &Checkout,
    store: &Store,
    payment: &payments::Payment,
    authorization: &Authorization,
) -> Result<()> {
    let key = payments::operation_key(payment, &format!("void-{}", authorization.reference));
    let voided = checkout.gateway.void(&authorization.reference, &key).await;
    let tx = checkout.db.begin().await?;
    let detail = json!({
        "reference": authorization.reference,
        "voided": voided.is_ok(),
        "at": Utc::now(),
    });
    payments::record(
        &tx,
        store,
        payment,
        "stray_authorization_voided",
        authorization.amount_minor,
        detail,
    )
    .await?;
    tx.commit().await?;
    voided
        .map(|_| ())
        .map_err(|err| AppError::Internal(err.into()))
}
