//! The one application error. Variants name kinds of failure, not call sites; the GraphQL layer
//! maps each kind to a stable `extensions.code` in exactly one place (`graphql::errors`).

mod constraints;

/// What a shopper or merchant can fix about an input; rendered as `userErrors[].code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputErrorCode {
    /// A required value is missing or empty.
    Blank,
    /// A value is longer than allowed.
    TooLong,
    /// A value that must be unique in the store is already used.
    Taken,
    /// A value is malformed (a price with too many decimals, an unknown currency, ...).
    Invalid,
    /// A number is below its minimum.
    GreaterThanOrEqualTo,
    /// A number is above its maximum.
    LessThanOrEqualTo,
    /// Two items of one input repeat each other (duplicate option combinations, ...).
    Duplicate,
    /// More items than allowed (variants per product, options, ...).
    TooMany,
    /// The input names something that does not exist in this store.
    NotFound,
    /// A value is shorter than allowed.
    TooShort,
    /// A value starts or ends with white space where that is not allowed (passwords).
    WhitespaceEdges,
    /// No customer has this email and password; never says which of the two is wrong.
    Unidentified,
    /// The object can't make this change from where it stands (an order that shipped can't be
    /// cancelled).
    IllegalTransition,
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("authentication required")]
    Unauthenticated,
    #[error("access denied")]
    Forbidden,
    #[error("{message}")]
    Invalid {
        field: Vec<String>,
        message: String,
        code: InputErrorCode,
    },
    #[error("{0}")]
    BadRequest(String),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("too many requests")]
    Throttled,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;

impl AppError {
    /// An input error on the field at `path` (for example `["variants", "0", "price"]`).
    pub fn invalid(path: &[&str], code: InputErrorCode, message: impl Into<String>) -> Self {
        AppError::Invalid {
            field: path.iter().map(|part| part.to_string()).collect(),
            message: message.into(),
            code,
        }
    }

    /// A missing object named by the input at `path` (rather than the mutation's `id`).
    pub fn missing_at(self, path: &[&str]) -> Self {
        match self {
            AppError::NotFound => {
                AppError::invalid(path, InputErrorCode::NotFound, "nothing with this id")
            }
            other => other,
        }
    }

    /// Points an input error at another field (an input named differently at the API edge).
    pub fn renamed(self, path: &[&str]) -> Self {
        match self {
            AppError::Invalid { message, code, .. } => AppError::invalid(path, code, message),
            other => other,
        }
    }

    /// Prefixes the field path of an input error (used when validating items of a list).
    pub fn within(self, prefix: &[&str]) -> Self {
        match self {
            AppError::Invalid {
                field,
                message,
                code,
            } => AppError::Invalid {
                field: prefix.iter().map(|p| p.to_string()).chain(field).collect(),
                message,
                code,
            },
            other => other,
        }
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        constraints::to_app_error(err)
    }
}

impl From<sea_orm::TransactionError<AppError>> for AppError {
    fn from(err: sea_orm::TransactionError<AppError>) -> Self {
        match err {
            sea_orm::TransactionError::Connection(db) => db.into(),
            sea_orm::TransactionError::Transaction(app) => app,
        }
    }
}
