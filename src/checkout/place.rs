//! Phase 1: in one transaction, claim the key, take the cart, hold its units, price it and write
//! the order `pending` with a `pending` payment. Refusals that change nothing (a key reused or in
//! use, an unknown cart) roll the transaction back, key claim included; final refusals (an
//! expired or completed cart, stock gone) are stored under the key and committed.

use chrono::Utc;
use sea_orm::{ConnectionTrait, TransactionTrait};

use super::keys::{self, Claim, Key};
use super::{Checkout, Outcome, Refusal, RefusalCode, Request};
use crate::cart::{self, Cart, Status as CartStatus, checkout as cart_checkout};
use crate::error::{AppError, Result};
use crate::orders::{self, Order};
use crate::payments::records::{self as payments, Payment};
use crate::stores::Store;

mod order_draft;

/// A placed order waiting for its payment.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub key: Key,
    pub cart: Cart,
    pub order: Order,
    pub payment: Payment,
}

pub enum Placed {
    /// The checkout ends here with this answer.
    Answered(Outcome),
    /// The order is placed: ask the gateway.
    Authorize(Box<Attempt>),
}

pub async fn place(checkout: &Checkout, store: &Store, request: &Request) -> Result<Placed> {
    let Some(cart) = cart::read::find_any(checkout.db.reader(), store, &request.cart_token).await?
    else {
        return Ok(Placed::Answered(no_such_cart()));
    };
    let number = number_for(checkout, store, &cart).await?;
    let tx = checkout.db.begin().await?;
    let request_hash = fingerprint(request, &cart, &tx, store).await?;
    let claim = keys::claim(
        &tx,
        store,
        &request.idempotency_key,
        &request_hash,
        cart.id,
        checkout.lock_timeout,
    )
    .await?;
    let placed = match claim {
        Claim::Replay(outcome) => Placed::Answered(outcome),
        Claim::Reused => Placed::Answered(refusal(
            RefusalCode::IdempotencyKeyReused,
            "idempotencyKey",
            "this idempotency key was used with a different request",
        )),
        Claim::InUse => Placed::Answered(in_progress()),
        Claim::Resume(key) => resume(&tx, store, key).await?,
        Claim::Fresh(key) => begin(&tx, checkout, store, key, request, number).await?,
    };
    // Answers that stored nothing roll back; everything else (a stored answer, a placed order,
    // a resumed key now held by this request) commits.
    tx.commit().await?;
    Ok(placed)
}

/// A fresh key: take the cart and place its order.
async fn begin(
    tx: &sea_orm::DatabaseTransaction,
    checkout: &Checkout,
    store: &Store,
    key: Key,
    request: &Request,
    number: Option<i64>,
) -> Result<Placed> {
    let Some(cart) = cart_checkout::lock_by_id(tx, store, key.cart_id).await? else {
        return Err(AppError::Internal(anyhow::anyhow!(
            "a claimed cart vanished"
        )));
    };
    let final_answer = match cart_checkout::status_of(&cart) {
        CartStatus::Completed => Some(already_completed(tx, store, &cart).await?),
        CartStatus::Completing => {
            keys::forget(tx, &key).await?;
            return Ok(Placed::Answered(in_progress()));
        }
        CartStatus::Merged => {
            keys::forget(tx, &key).await?;
            return Ok(Placed::Answered(no_such_cart()));
        }
        CartStatus::Open if cart.expires_at <= Utc::now() => Some(refusal(
            RefusalCode::CartExpired,
            "cartId",
            "the cart expired",
        )),
        CartStatus::Open => None,
    };
    if let Some(outcome) = final_answer {
        keys::finish(tx, &key, &outcome).await?;
        return Ok(Placed::Answered(outcome));
    }
    let lines = cart::read::lines_of(tx, store, cart.id).await?;
    let short = if cart_checkout::holds_everything(tx, store, &cart, &lines).await? {
        Vec::new()
    } else {
        let savepoint = tx.begin().await?;
        let short = cart_checkout::hold_everything(&savepoint, store, &cart, &lines).await?;
        if short.is_empty() {
            savepoint.commit().await?;
        } else {
            savepoint.rollback().await?;
        }
        short
    };
    let draft = match order_draft::draft(tx, store, &lines, &request.input, &short).await? {
        Ok(draft) => draft,
        Err(outcome) => {
            if outcome
                .refusals
                .iter()
                .any(|r| r.code == RefusalCode::Invalid)
            {
                keys::forget(tx, &key).await?;
            } else {
                keys::finish(tx, &key, &outcome).await?;
            }
            return Ok(Placed::Answered(outcome));
        }
    };
    let order = order_draft::write(tx, store, &cart, draft, number).await?;
    let payment = payments::start(
        tx,
        store,
        order.id,
        checkout.gateway.name(),
        order.total_minor,
        &order.currency,
    )
    .await?;
    cart_checkout::set_status(tx, store, &cart, CartStatus::Open, CartStatus::Completing).await?;
    keys::authorizing(tx, &key, order.id, payment.id).await?;
    Ok(Placed::Authorize(Box::new(Attempt {
        key,
        cart,
        order,
        payment,
    })))
}

/// An order number for the cart's order, when it looks like this checkout will place one (an
/// open cart without an order), taken before the checkout's transaction (`orders::numbers`).
async fn number_for(checkout: &Checkout, store: &Store, cart: &Cart) -> Result<Option<i64>> {
    let open = cart_checkout::status_of(cart) == CartStatus::Open && cart.expires_at > Utc::now();
    if !open
        || orders::read::of_cart(checkout.db.reader(), store, cart.id)
            .await?
            .is_some()
    {
        return Ok(None);
    }
    Ok(Some(orders::numbers::take(&checkout.db, store).await?))
}

/// A key whose checkout stopped after placing its order: pick up at the gateway.
async fn resume(tx: &impl ConnectionTrait, store: &Store, key: Key) -> Result<Placed> {
    let missing = || AppError::Internal(anyhow::anyhow!("an authorizing key lost its order"));
    let order = orders::find(tx, store, key.order_id.ok_or_else(missing)?)
        .await?
        .ok_or_else(missing)?;
    let payment = payments::find(tx, store, key.payment_id.ok_or_else(missing)?)
        .await?
        .ok_or_else(missing)?;
    let cart = cart_checkout::lock_by_id(tx, store, key.cart_id)
        .await?
        .ok_or_else(missing)?;
    Ok(Placed::Authorize(Box::new(Attempt {
        key,
        cart,
        order,
        payment,
    })))
}

async fn already_completed(
    db: &impl ConnectionTrait,
    store: &Store,
    cart: &Cart,
) -> Result<Outcome> {
    let order = orders::read::of_cart(db, store, cart.id).await?;
    Ok(Outcome {
        order_id: order.map(|order| order.id),
        order_token: None,
        refusals: vec![Refusal::new(
            RefusalCode::CartAlreadyCompleted,
            vec!["cartId".into()],
            "the cart was already completed",
        )],
    })
}

/// The request as the key remembers it: the cart, its lines and the input.
async fn fingerprint(
    request: &Request,
    cart: &Cart,
    db: &impl ConnectionTrait,
    store: &Store,
) -> Result<String> {
    let lines: Vec<String> = cart::read::lines_of(db, store, cart.id)
        .await?
        .iter()
        .map(|line| format!("{}:{}:{}", line.id, line.variant_id, line.quantity))
        .collect();
    let input =
        serde_json::to_string(&request.input).map_err(|err| AppError::Internal(err.into()))?;
    Ok(keys::fingerprint(&[
        &cart.id.to_string(),
        &lines.join(","),
        &input,
    ]))
}

fn refusal(code: RefusalCode, field: &str, message: &str) -> Outcome {
    Outcome::refused(Refusal::new(code, vec![field.into()], message))
}

fn no_such_cart() -> Outcome {
    refusal(
        RefusalCode::Invalid,
        "cartId",
        "the specified cart does not exist",
    )
}

fn in_progress() -> Outcome {
    refusal(
        RefusalCode::CheckoutInProgress,
        "idempotencyKey",
        "a checkout of this cart is in progress; retry with the same key",
    )
}
