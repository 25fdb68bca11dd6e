//! The `cartComplete` mutation and its payload.

use async_graphql::{Context, Enum, ID, Object, SimpleObject};

use super::inputs::CartCompleteInput;
use crate::checkout::{Outcome, RefusalCode, Request};
use crate::error::{AppError, InputErrorCode};
use crate::graphql::cart::view::token_of;
use crate::graphql::context;
use crate::graphql::errors::GqlResult;
use crate::graphql::orders::Order;
use crate::ids::{self, GidKind};
use crate::orders;

/// The longest idempotency key accepted (Stripe's limit).
const MAX_KEY_CHARS: usize = 255;

/// Why `cartComplete` made no order (or not yet).
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::checkout::RefusalCode")]
pub enum CartCompleteErrorCode {
    /// A missing or malformed input part (see `field`), or an unknown or empty cart.
    Invalid,
    /// The card was declined; the cart is open again and keeps its stock: retry with another
    /// card and a new idempotency key.
    PaymentDeclined,
    /// The payment could not be made and nothing was charged; retry with a new key.
    PaymentFailed,
    /// The gateway's answer is not known yet: retry with the same key.
    PaymentPending,
    /// Some lines can't be bought any more (see `lineIds`).
    MerchandiseOutOfStock,
    /// The cart expired.
    CartExpired,
    /// The cart already became an order (returned in `order`).
    CartAlreadyCompleted,
    /// The idempotency key was used with a different request.
    IdempotencyKeyReused,
    /// A checkout with this key, or of this cart, is running: retry with the same key.
    CheckoutInProgress,
}

/// Why `cartComplete` refused.
#[derive(SimpleObject)]
pub struct CartCompleteUserError {
    /// What is wrong, for programs.
    pub code: Option<CartCompleteErrorCode>,
    /// The path to the input at fault.
    pub field: Option<Vec<String>>,
    /// What is wrong, for people.
    pub message: String,
    /// The cart lines concerned (`MERCHANDISE_OUT_OF_STOCK`).
    pub line_ids: Vec<ID>,
}

/// The result of `cartComplete`.
#[derive(SimpleObject)]
pub struct CartCompletePayload {
    /// The order the cart became.
    pub order: Option<Order>,
    /// The buyer's secret for `order(id:, accessToken:)`; given once with the new order (and
    /// again to a retry with the same idempotency key).
    pub order_access_token: Option<String>,
    /// Why no order was made.
    pub user_errors: Vec<CartCompleteUserError>,
}

#[derive(Default)]
pub struct CheckoutMutation;

#[Object]
impl CheckoutMutation {
    /// Turns a cart into an order: checks its stock, prices it, authorizes the payment and
    /// confirms the order. The same `idempotencyKey` always gets the same answer.
    async fn cart_complete(
        &self,
        ctx: &Context<'_>,
        cart_id: ID,
        idempotency_key: String,
        input: CartCompleteInput,
    ) -> async_graphql::Result<CartCompletePayload> {
        let key = idempotency_key.trim().to_string();
        if key.is_empty() || key.chars().count() > MAX_KEY_CHARS {
            return Err(crate::graphql::errors::to_graphql(AppError::invalid(
                &["idempotencyKey"],
                InputErrorCode::Invalid,
                format!("idempotencyKey must have 1 to {MAX_KEY_CHARS} characters"),
            )));
        }
        let Some(token) = token_of(&cart_id) else {
            return Ok(refused_unknown_cart());
        };
        let (state, store) = (context::state(ctx), context::store(ctx));
        let request = Request {
            cart_token: token.to_string(),
            idempotency_key: key,
            input: input.into(),
        };
        let outcome = state
            .checkout
            .complete_detached(store, request)
            .await
            .gql()?;
        render(ctx, outcome).await
    }
}

async fn render(ctx: &Context<'_>, outcome: Outcome) -> async_graphql::Result<CartCompletePayload> {
    // Checkout wrote outside the request's loaders: read the order as it is now.
    context::loaders(ctx).clear();
    let order = match outcome.order_id {
        Some(id) => orders::find(context::db(ctx), context::store(ctx), id)
            .await
            .gql()?,
        None => None,
    };
    let user_errors = outcome
        .refusals
        .into_iter()
        .map(|refusal| CartCompleteUserError {
            code: Some(refusal.code.into()),
            field: Some(refusal.field),
            message: refusal.message,
            line_ids: refusal
                .line_ids
                .into_iter()
                .map(|id| ID(ids::encode(GidKind::CartLine, id)))
                .collect(),
        })
        .collect();
    Ok(CartCompletePayload {
        order: order.map(Order),
        order_access_token: outcome.order_token,
        user_errors,
    })
}

fn refused_unknown_cart() -> CartCompletePayload {
    CartCompletePayload {
        order: None,
        order_access_token: None,
        user_errors: vec![CartCompleteUserError {
            code: Some(RefusalCode::Invalid.into()),
            field: Some(vec!["cartId".into()]),
            message: "the specified cart does not exist".into(),
            line_ids: Vec::new(),
        }],
    }
}
