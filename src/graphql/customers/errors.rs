//! Shopify's customer user errors: the same input errors as everywhere (`graphql::errors` splits
//! them from top-level errors), with `CustomerErrorCode` codes instead of `UserErrorCode`.

use async_graphql::{Enum, SimpleObject};

use crate::error::{InputErrorCode, Result};
use crate::graphql::errors::{UserError, with_user_errors};

/// Why a customer mutation refused its input.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum CustomerErrorCode {
    /// Customer already enabled.
    AlreadyEnabled,
    /// Input email contains an invalid domain name.
    BadDomain,
    /// The input value is blank.
    Blank,
    /// Input contains HTML tags.
    ContainsHtmlTags,
    /// Input contains URL.
    ContainsUrl,
    /// Customer is disabled.
    CustomerDisabled,
    /// The input value is invalid.
    Invalid,
    /// Multipass token is not valid.
    InvalidMultipassRequest,
    /// Address does not exist.
    NotFound,
    /// Input password starts or ends with whitespace.
    PasswordStartsOrEndsWithWhitespace,
    /// The input value is already taken.
    Taken,
    /// Invalid activation token.
    TokenInvalid,
    /// The input value is too long.
    TooLong,
    /// The input value is too short.
    TooShort,
    /// Unidentified customer.
    UnidentifiedCustomer,
}

impl From<InputErrorCode> for CustomerErrorCode {
    fn from(code: InputErrorCode) -> Self {
        match code {
            InputErrorCode::Blank => CustomerErrorCode::Blank,
            InputErrorCode::TooLong => CustomerErrorCode::TooLong,
            InputErrorCode::TooShort => CustomerErrorCode::TooShort,
            InputErrorCode::Taken => CustomerErrorCode::Taken,
            InputErrorCode::NotFound => CustomerErrorCode::NotFound,
            InputErrorCode::WhitespaceEdges => {
                CustomerErrorCode::PasswordStartsOrEndsWithWhitespace
            }
            InputErrorCode::Unidentified => CustomerErrorCode::UnidentifiedCustomer,
            InputErrorCode::Invalid
            | InputErrorCode::GreaterThanOrEqualTo
            | InputErrorCode::LessThanOrEqualTo
            | InputErrorCode::Duplicate
            | InputErrorCode::TooMany
            | InputErrorCode::IllegalTransition => CustomerErrorCode::Invalid,
        }
    }
}

/// An error in the input of a customer mutation.
#[derive(SimpleObject, Clone)]
pub struct CustomerUserError {
    /// The error code.
    pub code: Option<CustomerErrorCode>,
    /// The path to the input field at fault, such as `["input", "email"]`; null when the error
    /// is about the input as a whole.
    pub field: Option<Vec<String>>,
    /// The error message.
    pub message: String,
}

/// A customer mutation's result: its value, its `customerUserErrors`, and the same errors again
/// for the deprecated `userErrors` (without codes, as Shopify's `UserError` has none).
pub fn with_customer_errors<T>(
    result: Result<T>,
) -> async_graphql::Result<(Option<T>, Vec<CustomerUserError>, Vec<UserError>)> {
    let (value, errors) = with_user_errors(result)?;
    let customer_errors = errors
        .iter()
        .map(|error| CustomerUserError {
            code: error.code.map(|code| InputErrorCode::from(code).into()),
            field: error.field.clone().filter(|path| !path.is_empty()),
            message: error.message.clone(),
        })
        .collect();
    let user_errors = errors
        .into_iter()
        .map(|error| UserError {
            field: error.field.filter(|path| !path.is_empty()),
            message: error.message,
            code: None,
        })
        .collect();
    Ok((value, customer_errors, user_errors))
}
