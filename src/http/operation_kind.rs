//! Whether a request runs a query (only queries are answered from the response cache, and only
//! queries may come over GET), and the name of the operation it runs (so a request that names
//! the only operation of its document and one that does not share a cache entry). Parsing once
//! per document, not once per request, keeps cached answers free of parsing, and the parsed
//! document is handed to the schema so a query that runs is not parsed again.

use std::sync::Arc;

use async_graphql::parser::parse_query;
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationType};

/// The documents whose operation is remembered.
const REMEMBERED: u64 = 10_000;

/// How many bytes of document text the parsed documents kept stand for.
const PARSED_TEXT_BYTES: u64 = 16 << 20;

/// What a request's operation is, as far as caching cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationKind {
    Query,
    /// A mutation, a subscription, or a document that does not parse or name its operation:
    /// run as sent, never cached.
    Other,
}

/// The operation a request runs.
#[derive(Debug, Clone)]
pub struct Operation {
    pub kind: OperationKind,
    /// Its name in the document (`None` for an anonymous operation).
    pub name: Option<Arc<str>>,
    /// The parsed document (`None` when it does not parse).
    pub document: Option<Arc<ExecutableDocument>>,
}

impl Operation {
    /// Hands the parsed document to `request`, so the schema does not parse it again.
    pub fn parsed(&self, mut request: async_graphql::Request) -> async_graphql::Request {
        if let Some(document) = &self.document {
            request.set_parsed_query(ExecutableDocument::clone(document));
        }
        request
    }
}

/// Remembered operations, by document hash and requested operation name, and parsed documents
/// by hash.
pub struct OperationKinds {
    known: moka::sync::Cache<(String, Option<String>), Operation>,
    parsed: moka::sync::Cache<String, Parsed>,
}

/// A document as parsed, weighed by its text.
#[derive(Clone)]
struct Parsed {
    text_bytes: u32,
    document: Option<Arc<ExecutableDocument>>,
}

impl Default for OperationKinds {
    fn default() -> Self {
        OperationKinds {
            known: moka::sync::Cache::new(REMEMBERED),
            parsed: moka::sync::Cache::builder()
                .max_capacity(PARSED_TEXT_BYTES)
                .weigher(|_, parsed: &Parsed| parsed.text_bytes)
                .build(),
        }
    }
}

impl OperationKinds {
    /// The operation `request` runs of its document, hashed `document_hash`.
    pub fn of(&self, document_hash: &str, request: &async_graphql::Request) -> Operation {
        let key = (document_hash.to_string(), request.operation_name.clone());
        self.known.get_with(key, || {
            let parsed = self.parsed.get_with(document_hash.to_string(), || Parsed {
                text_bytes: u32::try_from(request.query.len()).unwrap_or(u32::MAX),
                document: parse(&request.query),
            });
            operation_of(parsed.document, request.operation_name.as_deref())
        })
    }
}

fn parse(text: &str) -> Option<Arc<ExecutableDocument>> {
    parse_query(text).ok().map(Arc::new)
}

fn operation_of(
    document: Option<Arc<ExecutableDocument>>,
    operation_name: Option<&str>,
) -> Operation {
    let other = Operation {
        kind: OperationKind::Other,
        name: operation_name.map(Arc::from),
        document: document.clone(),
    };
    let Some(parsed) = document.as_deref() else {
        return other;
    };
    let (name, operation) = match (&parsed.operations, operation_name) {
        (DocumentOperations::Single(operation), _) => (None, Some(operation)),
        (DocumentOperations::Multiple(operations), Some(name)) => {
            (Some(name.to_string()), operations.get(name))
        }
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => {
            let (name, operation) = operations.iter().next().expect("one operation");
            (Some(name.to_string()), Some(operation))
        }
        (DocumentOperations::Multiple(_), None) => (None, None),
    };
    match operation.map(|operation| operation.node.ty) {
        Some(OperationType::Query) => Operation {
            kind: OperationKind::Query,
            name: name.map(Arc::from),
            document: document.clone(),
        },
        _ => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind_of(document: &str, operation_name: Option<&str>) -> OperationKind {
        operation_of(parse(document), operation_name).kind
    }

    #[test]
    fn only_a_named_or_single_query_is_a_query() {
        assert_eq!(kind_of("{ shop { name } }", None), OperationKind::Query);
        assert_eq!(kind_of("mutation { a }", None), OperationKind::Other);
        let both = "query A { a } mutation B { b }";
        assert_eq!(kind_of(both, Some("A")), OperationKind::Query);
        assert_eq!(kind_of(both, Some("B")), OperationKind::Other);
        assert_eq!(kind_of(both, None), OperationKind::Other);
        assert_eq!(kind_of("query {", None), OperationKind::Other);
    }

    #[test]
    fn the_only_operation_of_a_document_is_named_whether_or_not_the_request_names_it() {
        let named = "query Product { a }";
        assert_eq!(
            operation_of(parse(named), None).name.as_deref(),
            Some("Product")
        );
        assert_eq!(
            operation_of(parse(named), Some("Product")).name.as_deref(),
            Some("Product")
        );
        assert_eq!(operation_of(parse("{ a }"), None).name, None);
    }
}
