//! Checking a document before it is trusted: it must parse and validate against the schema (the
//! same rules and limits a request meets), so a registered document is one that can run. The
//! check runs the document through a copy of the schema whose execution step does nothing.

use std::sync::{Arc, LazyLock};

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextExecute};
use async_graphql::parser::parse_query;
use async_graphql::parser::types::DocumentOperations;
use async_graphql::{Request, Response, ServerError};

use crate::documents::CheckedDocument;
use crate::error::{AppError, InputErrorCode, Result};
use crate::graphql::{VitrineSchema, schema_builder};

/// The schema with execution switched off, built the first time a document is checked.
static VALIDATOR: LazyLock<VitrineSchema> =
    LazyLock::new(|| schema_builder().extension(ValidateOnly).finish());

/// Checks that `text` is a document the schema accepts; the error names the `document` field.
pub async fn check(text: &str) -> Result<CheckedDocument> {
    if text.trim().is_empty() {
        return Err(refused(InputErrorCode::Blank, "document can't be blank"));
    }
    let parsed = parse_query(text)
        .map_err(|err| refused(InputErrorCode::Invalid, format!("does not parse: {err}")))?;
    let mut operation_names: Vec<String> = match &parsed.operations {
        DocumentOperations::Single(_) => Vec::new(),
        DocumentOperations::Multiple(operations) => {
            operations.keys().map(|name| name.to_string()).collect()
        }
    };
    operation_names.sort();
    // Validation covers every operation of the document, whichever one is named to run.
    let mut request = Request::new(text);
    request.operation_name = operation_names.first().cloned();
    let response = VALIDATOR.execute(request).await;
    let errors: Vec<String> = response
        .errors
        .iter()
        .filter(|error| !is_unbound_variable(error))
        .map(|error| error.message.clone())
        .collect();
    if !errors.is_empty() {
        let message = format!("does not validate: {}", errors.join("; "));
        return Err(refused(InputErrorCode::Invalid, message));
    }
    Ok(CheckedDocument {
        text: text.to_string(),
        operation_names,
    })
}

/// A document is checked without its variables, so the cost of a field whose page size is a
/// variable cannot be computed; async-graphql reports that as `Variable first is not defined.`
/// (unlike an undeclared variable: `Variable "$first" is not defined`), and it is no fault of
/// the document.
fn is_unbound_variable(error: &ServerError) -> bool {
    let message = &error.message;
    message.starts_with("Variable ")
        && message.ends_with(" is not defined.")
        && !message.contains('"')
}

fn refused(code: InputErrorCode, message: impl Into<String>) -> AppError {
    AppError::invalid(&["document"], code, message)
}

struct ValidateOnly;

impl ExtensionFactory for ValidateOnly {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ValidateOnly)
    }
}

#[async_trait::async_trait]
impl Extension for ValidateOnly {
    /// Validation has passed by the time this runs; no resolver runs.
    async fn execute(
        &self,
        _ctx: &ExtensionContext<'_>,
        _operation_name: Option<&str>,
        _next: NextExecute<'_>,
    ) -> Response {
        Response::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::embedded;

    async fn code_of(text: &str) -> Option<InputErrorCode> {
        match check(text).await {
            Ok(_) => None,
            Err(AppError::Invalid { code, .. }) => Some(code),
            Err(other) => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn every_built_in_storefront_document_validates() {
        for (name, text) in embedded::FILES {
            let checked = check(text).await;
            assert!(checked.is_ok(), "{name}: {checked:?}");
        }
    }

    #[tokio::test]
    async fn documents_that_do_not_parse_or_validate_are_refused() {
        assert_eq!(code_of("  ").await, Some(InputErrorCode::Blank));
        assert_eq!(code_of("query {").await, Some(InputErrorCode::Invalid));
        assert_eq!(
            code_of("{ noSuchField }").await,
            Some(InputErrorCode::Invalid)
        );
        let undeclared = "query Q { product(handle: $h) { id } }";
        assert_eq!(code_of(undeclared).await, Some(InputErrorCode::Invalid));
        let declared = "query Q($h: String) { product(handle: $h) { id } }";
        assert_eq!(code_of(declared).await, None);
    }

    #[tokio::test]
    async fn operation_names_are_listed_sorted() {
        let checked = check("query B { shop { name } } query A { shop { name } }").await;
        assert_eq!(checked.unwrap().operation_names, ["A", "B"]);
    }
}
