//! Mutations are not sent over GET: a GET may be prefetched, cached or replayed by anything
//! between the client and the server. The operation that would run is picked as async-graphql
//! picks it (by `operationName`, or the only one); a document that does not parse, or names no
//! operation it holds, is left to execution to report.

use async_graphql::parser::parse_query;
use async_graphql::parser::types::{DocumentOperations, OperationType};
use axum::http::Method;

use super::{Refused, refusals};

/// Refuses a mutation sent over GET with 405 and `Allow: POST`. Called before a request that
/// was not answered from the cache runs (only queries are ever cached).
pub fn refuse_mutation_over_get(
    method: &Method,
    request: &async_graphql::Request,
) -> Result<(), Refused> {
    if method != Method::GET || !is_mutation(request) {
        return Ok(());
    }
    Err(refusals::mutation_over_get())
}

fn is_mutation(request: &async_graphql::Request) -> bool {
    let Ok(document) = parse_query(&request.query) else {
        return false;
    };
    let operation = match (&document.operations, request.operation_name.as_deref()) {
        (DocumentOperations::Single(operation), _) => Some(operation),
        (DocumentOperations::Multiple(operations), Some(name)) => operations.get(name),
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => {
            operations.values().next()
        }
        (DocumentOperations::Multiple(_), None) => None,
    };
    operation.is_some_and(|operation| operation.node.ty == OperationType::Mutation)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(method: Method, query: &str, operation: Option<&str>) -> bool {
        let mut request = async_graphql::Request::new(query);
        request.operation_name = operation.map(str::to_string);
        refuse_mutation_over_get(&method, &request).is_err()
    }

    #[test]
    fn only_a_mutation_that_would_run_over_get_is_refused() {
        let both = "query Q { shop { name } } mutation M { cartCreate { cart { id } } }";
        assert!(refused(
            Method::GET,
            "mutation { cartCreate { cart { id } } }",
            None
        ));
        assert!(refused(Method::GET, both, Some("M")));
        assert!(!refused(Method::GET, both, Some("Q")));
        assert!(!refused(Method::GET, both, None));
        assert!(!refused(Method::POST, both, Some("M")));
        assert!(!refused(Method::GET, "mutation {", None));
    }
}
