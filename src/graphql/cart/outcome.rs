//! What a cart mutation answers: the cart, `userErrors` for input it refused (nothing changed)
//! and `warnings` for lines it clamped to the stock. Each mutation has its own payload type, as in
//! Shopify's schema, all of one shape.

use async_graphql::{Enum, ID, SimpleObject};

use super::view::Cart;
use crate::cart::edit::{Edited, StockWarning, StockWarningCode, Target};
use crate::error::{AppError, InputErrorCode};
use crate::graphql::errors::to_graphql;
use crate::ids::{self, GidKind};

/// Why a cart mutation refused its input.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum CartErrorCode {
    /// The input is not valid (an unknown cart or merchandise, a malformed value).
    Invalid,
    /// A line ID names no line of the cart.
    InvalidMerchandiseLine,
    /// A quantity is below 0.
    LessThan,
    /// A quantity is above the most a line may hold.
    MaximumExceeded,
    /// The cart would hold more lines than allowed.
    CartTooLarge,
    /// The note is too long.
    NoteTooLong,
    /// The cart was checked out (or is being checked out): it can't change any more.
    CartCompleted,
}

impl CartErrorCode {
    fn of(code: InputErrorCode) -> Self {
        match code {
            InputErrorCode::NotFound => CartErrorCode::InvalidMerchandiseLine,
            InputErrorCode::GreaterThanOrEqualTo => CartErrorCode::LessThan,
            InputErrorCode::LessThanOrEqualTo => CartErrorCode::MaximumExceeded,
            InputErrorCode::TooMany => CartErrorCode::CartTooLarge,
            InputErrorCode::TooLong => CartErrorCode::NoteTooLong,
            InputErrorCode::IllegalTransition => CartErrorCode::CartCompleted,
            _ => CartErrorCode::Invalid,
        }
    }
}

/// Input a cart mutation refused.
#[derive(SimpleObject, Clone)]
pub struct CartUserError {
    /// What is wrong, for programs.
    pub code: Option<CartErrorCode>,
    /// The path to the input field at fault.
    pub field: Option<Vec<String>>,
    /// What is wrong, for people.
    pub message: String,
}

/// Why a line holds less than asked.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum CartWarningCode {
    /// Fewer units were available than asked for: the line holds what was.
    MerchandiseNotEnoughStock,
    /// No unit was available: the line was not added, or was removed.
    MerchandiseOutOfStock,
}

/// Something the mutation did differently from what was asked.
#[derive(SimpleObject, Clone)]
pub struct CartWarning {
    /// What happened, for programs.
    pub code: CartWarningCode,
    /// What happened, for people.
    pub message: String,
    /// The line it happened to (or the merchandise, when no line could be kept).
    pub target: ID,
}

impl From<StockWarning> for CartWarning {
    fn from(warning: StockWarning) -> Self {
        let target = match warning.target {
            Target::Line(id) => ids::encode(GidKind::CartLine, id),
            Target::Variant(id) => ids::encode(GidKind::ProductVariant, id),
        };
        CartWarning {
            code: match warning.code {
                StockWarningCode::NotEnoughStock => CartWarningCode::MerchandiseNotEnoughStock,
                StockWarningCode::OutOfStock => CartWarningCode::MerchandiseOutOfStock,
            },
            message: warning.message,
            target: ID(target),
        }
    }
}

/// The parts of a payload: the cart (null when refused), user errors and warnings.
pub struct Outcome {
    pub cart: Option<Cart>,
    pub user_errors: Vec<CartUserError>,
    pub warnings: Vec<CartWarning>,
}

impl Outcome {
    /// Splits an edit's result: input errors become user errors, anything else a top-level error.
    pub fn of(result: crate::error::Result<Edited>) -> async_graphql::Result<Outcome> {
        match result {
            Ok(edited) => Ok(Outcome {
                cart: Some(Cart::with_lines(edited.cart, edited.lines)),
                user_errors: Vec::new(),
                warnings: edited.warnings.into_iter().map(CartWarning::from).collect(),
            }),
            Err(AppError::Invalid {
                field,
                message,
                code,
            }) => Ok(Outcome {
                cart: None,
                user_errors: vec![CartUserError {
                    code: Some(CartErrorCode::of(code)),
                    field: Some(field),
                    message,
                }],
                warnings: Vec::new(),
            }),
            Err(other) => Err(to_graphql(other)),
        }
    }
}

macro_rules! cart_payload {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(SimpleObject)]
        pub struct $name {
            /// The cart after the mutation; null when the input was refused.
            pub cart: Option<Cart>,
            /// Why the input was refused; empty on success.
            pub user_errors: Vec<CartUserError>,
            /// Lines the mutation clamped to the stock.
            pub warnings: Vec<CartWarning>,
        }

        impl From<Outcome> for $name {
            fn from(outcome: Outcome) -> Self {
                $name {
                    cart: outcome.cart,
                    user_errors: outcome.user_errors,
                    warnings: outcome.warnings,
                }
            }
        }
    )*};
}

cart_payload! {
    /// The result of `cartCreate`.
    CartCreatePayload;
    /// The result of `cartLinesAdd`.
    CartLinesAddPayload;
    /// The result of `cartLinesUpdate`.
    CartLinesUpdatePayload;
    /// The result of `cartLinesRemove`.
    CartLinesRemovePayload;
    /// The result of `cartNoteUpdate`.
    CartNoteUpdatePayload;
    /// The result of `cartAttributesUpdate`.
    CartAttributesUpdatePayload;
    /// The result of `cartBuyerIdentityUpdate`.
    CartBuyerIdentityUpdatePayload;
    /// The result of `cartDiscountCodesUpdate`.
    CartDiscountCodesUpdatePayload;
}
