//! Reading a GraphQL request from HTTP: `GET` from the query string (`query`, `operationName`,
//! and `variables` and `extensions` as URL-encoded JSON, as GraphQL over HTTP and Apollo's
//! persisted queries send them), `POST` from a JSON (or `application/graphql`) body of at most
//! `limits::MAX_BODY_BYTES`. Anything unreadable is refused with a JSON error before the tenant
//! or the schema is looked at.

use async_graphql::http::MultipartOptions;
use async_graphql::{Extensions, ParseRequestError, Variables};
use axum::body::to_bytes;
use axum::extract::{FromRequest, Query, Request};
use axum::http::{Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

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
            return Ok(GraphQLBody::new(from_query_string(request.uri())?));
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

/// The parameters of a GET request. (`async_graphql::http::parse_query_string` reads the
/// operation name from `operation_name`, so it would drop `operationName`.)
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct QueryParameters {
    #[serde(default)]
    query: String,
    operation_name: Option<String>,
    variables: Option<String>,
    extensions: Option<String>,
}

fn from_query_string(uri: &Uri) -> Result<async_graphql::Request, Unreadable> {
    let Query(parameters) = Query::<QueryParameters>::try_from_uri(uri)
        .map_err(|err| Unreadable::Malformed(format!("bad query string: {err}")))?;
    let json = |name: &str, text: Option<String>| match text {
        None => Ok(serde_json::Value::Null),
        Some(text) => serde_json::from_str::<serde_json::Value>(&text)
            .map_err(|err| Unreadable::Malformed(format!("`{name}` is not JSON: {err}"))),
    };
    let variables = json("variables", parameters.variables)?;
    let extensions = json("extensions", parameters.extensions)?;
    let mut request =
        async_graphql::Request::new(parameters.query).variables(Variables::from_json(variables));
    request.operation_name = parameters.operation_name;
    if !extensions.is_null() {
        request.extensions = serde_json::from_value::<Extensions>(extensions)
            .map_err(|err| Unreadable::Malformed(format!("bad `extensions`: {err}")))?;
    }
    Ok(request)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_get_request_reads_every_parameter() {
        let uri: Uri = "/graphql?query=query%20Q(%24n%3A%20Int)%20%7B%20x%20%7D&operationName=Q\
                        &variables=%7B%22n%22%3A1%7D\
                        &extensions=%7B%22persistedQuery%22%3A%7B%22version%22%3A1%7D%7D"
            .parse()
            .unwrap();
        let request = from_query_string(&uri).ok().unwrap();
        assert_eq!(request.query, "query Q($n: Int) { x }");
        assert_eq!(request.operation_name.as_deref(), Some("Q"));
        assert_eq!(
            request.variables.into_value().into_json().unwrap(),
            serde_json::json!({ "n": 1 })
        );
        assert!(request.extensions.0.contains_key("persistedQuery"));
    }

    #[test]
    fn variables_that_are_not_json_are_refused() {
        let uri: Uri = "/graphql?query=%7Bx%7D&variables=nope".parse().unwrap();
        assert!(from_query_string(&uri).is_err());
    }
}
