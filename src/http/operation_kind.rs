//! Whether a request runs a query: only queries are answered from the response cache, and only
//! queries may come over GET. Parsing a document once per document and operation name, not once
//! per request, keeps cached answers free of parsing.

use async_graphql::parser::parse_query;
use async_graphql::parser::types::{DocumentOperations, OperationType};

/// The documents whose kind is remembered.
const REMEMBERED: u64 = 10_000;

/// What a request's operation is, as far as caching cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationKind {
    Query,
    /// A mutation, a subscription, or a document that does not parse or name its operation:
    /// run as sent, never cached.
    Other,
}

/// Remembered kinds, by document hash and operation name.
pub struct OperationKinds {
    known: moka::sync::Cache<(String, Option<String>), OperationKind>,
}

impl Default for OperationKinds {
    fn default() -> Self {
        OperationKinds {
            known: moka::sync::Cache::new(REMEMBERED),
        }
    }
}

impl OperationKinds {
    /// The kind of the operation `request` names in its document, hashed `document_hash`.
    pub fn of(&self, document_hash: &str, request: &async_graphql::Request) -> OperationKind {
        let key = (document_hash.to_string(), request.operation_name.clone());
        self.known.get_with(key, || {
            kind_of(&request.query, request.operation_name.as_deref())
        })
    }
}

fn kind_of(document: &str, operation_name: Option<&str>) -> OperationKind {
    let Ok(parsed) = parse_query(document) else {
        return OperationKind::Other;
    };
    let operation = match (&parsed.operations, operation_name) {
        (DocumentOperations::Single(operation), _) => Some(operation),
        (DocumentOperations::Multiple(operations), Some(name)) => operations.get(name),
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => {
            operations.values().next()
        }
        (DocumentOperations::Multiple(_), None) => None,
    };
    match operation.map(|operation| operation.node.ty) {
        Some(OperationType::Query) => OperationKind::Query,
        _ => OperationKind::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
