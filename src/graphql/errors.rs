//! The one mapping from `AppError` to GraphQL. Top-level errors carry a stable `extensions.code`;
//! input errors a merchant or shopper can fix become `userErrors` in mutation payloads. Internal
//! causes are logged with their chain and replaced by "internal error".

use async_graphql::{Enum, ErrorExtensions, SimpleObject};

use crate::error::{AppError, InputErrorCode};

/// The `extensions.code` of each error kind.
pub fn code(err: &AppError) -> &'static str {
    match err {
        AppError::NotFound => "NOT_FOUND",
        AppError::Unauthenticated => "UNAUTHENTICATED",
        AppError::Forbidden => "ACCESS_DENIED",
        AppError::Invalid { .. } | AppError::BadRequest(_) => "BAD_USER_INPUT",
        AppError::Conflict(_) => "CONFLICT",
        AppError::Throttled => "THROTTLED",
        AppError::Internal(_) => "INTERNAL_SERVER_ERROR",
    }
}

/// A top-level GraphQL error for any `AppError`.
pub fn to_graphql(err: AppError) -> async_graphql::Error {
    let code = code(&err);
    let message = match &err {
        AppError::Internal(cause) => {
            tracing::error!(error = ?cause, "internal error");
            "internal error".to_string()
        }
        other => other.to_string(),
    };
    async_graphql::Error::new(message).extend_with(|_, extensions| extensions.set("code", code))
}

/// Lets resolvers write `domain_call().await.gql()?`.
pub trait GqlResult<T> {
    fn gql(self) -> async_graphql::Result<T>;
}

impl<T> GqlResult<T> for crate::error::Result<T> {
    fn gql(self) -> async_graphql::Result<T> {
        self.map_err(to_graphql)
    }
}

/// Why an input was refused.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::error::InputErrorCode", name = "UserErrorCode")]
pub enum UserErrorCode {
    /// A required value is missing or empty.
    Blank,
    /// A value is longer than allowed.
    TooLong,
    /// A value that must be unique in the store is already used.
    Taken,
    /// A value is malformed.
    Invalid,
    /// A number is below its minimum.
    GreaterThanOrEqualTo,
    /// A number is above its maximum.
    LessThanOrEqualTo,
    /// Two items of one input repeat each other.
    Duplicate,
    /// More items than allowed.
    TooMany,
    /// The input names something that does not exist in this store.
    NotFound,
    /// A value is shorter than allowed.
    TooShort,
    /// A value starts or ends with white space.
    WhitespaceEdges,
    /// No customer has this email and password.
    Unidentified,
    /// The object can't make this change from where it stands.
    IllegalTransition,
}

/// An input error the caller can fix.
#[derive(SimpleObject, Clone)]
pub struct UserError {
    /// The path to the input field at fault, such as `["variants", "0", "price"]`.
    pub field: Option<Vec<String>>,
    /// What is wrong, for people.
    pub message: String,
    /// What is wrong, for programs.
    pub code: Option<UserErrorCode>,
}

/// Splits a mutation's result into its value and its user errors; anything that is not an
/// input error stays a top-level error.
pub fn with_user_errors<T>(
    result: crate::error::Result<T>,
) -> async_graphql::Result<(Option<T>, Vec<UserError>)> {
    match result {
        Ok(value) => Ok((Some(value), Vec::new())),
        Err(AppError::Invalid {
            field,
            message,
            code,
        }) => Ok((
            None,
            vec![UserError {
                field: Some(field),
                message,
                code: Some(code.into()),
            }],
        )),
        Err(AppError::NotFound) => Ok((
            None,
            vec![UserError {
                field: Some(vec!["id".into()]),
                message: "not found".into(),
                code: Some(InputErrorCode::NotFound.into()),
            }],
        )),
        Err(other) => Err(to_graphql(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_kind_has_its_stable_code() {
        let invalid = AppError::invalid(&["title"], InputErrorCode::Blank, "blank");
        let cases = [
            (AppError::NotFound, "NOT_FOUND"),
            (AppError::Unauthenticated, "UNAUTHENTICATED"),
            (AppError::Forbidden, "ACCESS_DENIED"),
            (invalid, "BAD_USER_INPUT"),
            (AppError::BadRequest("x".into()), "BAD_USER_INPUT"),
            (AppError::Conflict("x".into()), "CONFLICT"),
            (AppError::Throttled, "THROTTLED"),
            (
                AppError::Internal(anyhow::anyhow!("boom")),
                "INTERNAL_SERVER_ERROR",
            ),
        ];
        for (err, expected) in cases {
            assert_eq!(code(&err), expected);
        }
    }

    #[test]
    fn internal_causes_are_masked() {
        let err = to_graphql(AppError::Internal(anyhow::anyhow!("password=hunter2")));
        assert_eq!(err.message, "internal error");
    }
}
