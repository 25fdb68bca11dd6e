//! Reading a GraphQL request from HTTP: `GET` from the query string, `POST` from a JSON (or
//! `application/graphql`) body of at most `limits::MAX_BODY_BYTES`. Anything unreadable is
//! refused with a JSON error before the tenant or the schema is looked at.

use async_graphql::ParseRequestError;
use async_graphql::http::MultipartOptions;
use axum::body::to_bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::endpoint::error_response;
use crate::graphql::limits::MAX_BODY_BYTES;

/// A GraphQL request read from HTTP.
pub struct GraphQLBody(pub async_graphql::Request);

impl GraphQLBody {
    /// An empty `operationName` (some clients send `""`) means none.
    fn new(mut request: async_graphql::Request) -> Self {
        if request.operation_name.as_deref() == Some("") {
            request.operation_name = None;
        }
        GraphQLBody(request)
    }
}

/// Why a request could not be read.
pub enum Unreadable {
    TooLarge,
    Malformed(String),
}

impl IntoResponse for Unreadable {
    fn into_response(self) -> Response {
        match self {
            Unreadable::TooLarge => error_response(
                StatusCode::PAYLOAD_TOO_LARGE,
                "BAD_USER_INPUT",
                &format!("the request body is larger than {MAX_BODY_BYTES} bytes"),
            ),
            Unreadable::Malformed(message) => {
                error_response(StatusCode::BAD_REQUEST, "BAD_USER_INPUT", &message)
            }
        }
    }
}

impl From<ParseRequestError> for Unreadable {
    fn from(err: ParseRequestError) -> Self {
        match err {
            ParseRequestError::PayloadTooLarge => Unreadable::TooLarge,
            other => Unreadable::Malformed(format!(
                "the request is not valid GraphQL over HTTP: {other}"
            )),
        }
    }
}

impl<S: Send + Sync> FromRequest<S> for GraphQLBody {
    type Rejection = Unreadable;

    async fn from_request(request: Request, _state: &S) -> Result<Self, Self::Rejection> {
        if request.method() == Method::GET {
            let query = request.uri().query().unwrap_or_default();
            let parsed = async_graphql::http::parse_query_string(query)
                .map_err(|err| Unreadable::Malformed(format!("bad query string: {err}")))?;
            return Ok(GraphQLBody::new(parsed));
        }
        let content_type = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .map(str::to_string);
        let body = to_bytes(request.into_body(), MAX_BODY_BYTES)
            .await
            .map_err(|_| Unreadable::TooLarge)?;
        let batch = async_graphql::http::receive_batch_body(
            content_type,
            body.as_ref(),
            MultipartOptions::default(),
        )
        .await?;
        Ok(GraphQLBody::new(batch.into_single()?))
    }
}
