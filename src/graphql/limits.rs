//! Limits on what one request may ask, checked before anything runs, each refused with a typed
//! error (`extensions.code`):
//!
//! - the document's tokens, counted without parsing it (so a huge document costs no parse);
//! - the document's size once its fragments are expanded, its aliases and its directives, counted
//!   here in one pass that expands each fragment once (so fragment fan-out cannot make the count,
//!   or async-graphql's own walks after it, exponential; a fragment cycle is refused outright):
//!   `BAD_USER_INPUT`;
//! - the cost: async-graphql's complexity, where a field costs 1 and a list field costs its page
//!   size times what it selects (`pagination::page_cost`), so the cost bounds how many fields the
//!   response can hold: `MAX_COST_EXCEEDED`, like the depth;
//! - directives per field and the nesting of the document itself (async-graphql's own checks).
//!
//! A response that ran reports what it cost, as Shopify's do: `extensions.cost.requestedQueryCost`.
//! The HTTP layer bounds the body (`MAX_BODY_BYTES`). The limits sit well above what the real
//! clients send (Next.js Commerce, the Hydrogen skeleton, hydrogen-react's cart: the tests run
//! their documents), far below what hurts the server.

mod tokens;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextPrepareRequest, NextRequest,
    NextValidation,
};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{
    ErrorExtensionValues, Name, Positioned, Request, Response, SchemaBuilder, ServerError,
    ServerResult, ValidationResult, Value, Variables,
};

/// The most a request may cost: fields the response can hold, lists counted at their page size.
/// Next.js Commerce's product list (100 products with 250 variants and 20 images each) is the
/// costliest real document, at about 290,000.
pub const MAX_COST: usize = 500_000;
/// The deepest a selection may nest.
pub const MAX_DEPTH: usize = 15;
/// The most lexical tokens a document may hold (the real clients' largest holds about 300).
pub const MAX_TOKENS: usize = 15_000;
/// The most fields a document may select once its fragments are expanded.
pub const MAX_SELECTIONS: usize = 2_000;
/// The most aliased fields a document may hold.
pub const MAX_ALIASES: usize = 50;
/// The most directives a document may hold, and the most on one field.
pub const MAX_DIRECTIVES: usize = 50;
pub const MAX_DIRECTIVES_PER_FIELD: usize = 10;
/// The largest request body the endpoint reads.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// The most facet lists (`ProductConnection.filters`) one request may compute: each is a few
/// aggregate queries over the whole listing, whatever the page size, so the cost cannot see it.
pub const MAX_FACET_LISTS: usize = 2;

/// What one request may still spend on work its cost does not count.
#[derive(Debug, Default)]
pub struct Budget {
    facet_lists: AtomicUsize,
}

impl Budget {
    /// Takes one facet list from the budget, or refuses with `MAX_COST_EXCEEDED`.
    pub fn take_facet_list(&self) -> async_graphql::Result<()> {
        if self.facet_lists.fetch_add(1, Ordering::Relaxed) < MAX_FACET_LISTS {
            return Ok(());
        }
        let message = format!("a request may compute at most {MAX_FACET_LISTS} facet lists");
        Err(async_graphql::ErrorExtensions::extend_with(
            async_graphql::Error::new(message),
            |_, extensions| extensions.set("code", "MAX_COST_EXCEEDED"),
        ))
    }
}

/// Installs every limit on the schema.
pub fn apply<Q, M, S>(builder: SchemaBuilder<Q, M, S>) -> SchemaBuilder<Q, M, S> {
    builder
        .limit_complexity(MAX_COST)
        .limit_depth(MAX_DEPTH)
        .limit_directives(MAX_DIRECTIVES_PER_FIELD)
        .extension(LimitsFactory)
}

struct LimitsFactory;

impl ExtensionFactory for LimitsFactory {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Limits::default())
    }
}

/// The limits of one request, and its cost once validated.
#[derive(Default)]
struct Limits {
    cost: Mutex<Option<usize>>,
}

#[async_trait::async_trait]
impl Extension for Limits {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut response = next.run(ctx).await;
        let cost = self.cost.lock().ok().and_then(|cost| *cost);
        if let Some(cost) = cost {
            let report = Value::from_json(serde_json::json!({
                "requestedQueryCost": cost,
                "maxCost": MAX_COST,
            }));
            if let Ok(report) = report {
                response.extensions.insert("cost".into(), report);
            }
        }
        response
    }

    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        if tokens::count(&request.query, MAX_TOKENS) > MAX_TOKENS {
            let message = format!("the document holds more than {MAX_TOKENS} tokens");
            return Err(refused(&message));
        }
        // A document that does not parse is left to the parser's own error.
        if let Ok(document) = request.parsed_query() {
            Size::of(document)?.check()?;
        }
        next.run(ctx, request).await
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        next.run(ctx, query, variables).await.map_err(with_code)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let validated = next.run(ctx).await.map_err(|errors: Vec<ServerError>| {
            errors.into_iter().map(with_code).collect::<Vec<_>>()
        })?;
        if let Ok(mut cost) = self.cost.lock() {
            *cost = Some(validated.complexity);
        }
        Ok(validated)
    }
}

/// async-graphql's limit errors carry no code; these are their messages (a unit test pins them).
const COST_MESSAGES: [&str; 2] = ["Query is too complex.", "Query is nested too deep."];
const SHAPE_MESSAGES: [&str; 2] = [
    "The number of directives on the field",
    "The recursion depth of the query cannot be greater than",
];

/// Gives async-graphql's limit errors their code; other errors pass as they are.
fn with_code(error: ServerError) -> ServerError {
    let code = if COST_MESSAGES.contains(&error.message.as_str()) {
        "MAX_COST_EXCEEDED"
    } else if SHAPE_MESSAGES.iter().any(|m| error.message.starts_with(m)) {
        "BAD_USER_INPUT"
    } else {
        return error;
    };
    let mut extensions = error.extensions.unwrap_or_default();
    extensions.set("code", code);
    ServerError {
        extensions: Some(extensions),
        ..error
    }
}

/// What a document holds with every fragment expanded where it is spread.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Size {
    selections: usize,
    aliases: usize,
    directives: usize,
}

impl Size {
    fn of(document: &ExecutableDocument) -> ServerResult<Size> {
        let mut counter = Counter {
            document,
            fragments: HashMap::new(),
        };
        let mut total = Size::default();
        for (_, operation) in document.operations.iter() {
            let variables = &operation.node.variable_definitions;
            total = total.plus(Size {
                directives: operation.node.directives.len()
                    + variables
                        .iter()
                        .map(|v| v.node.directives.len())
                        .sum::<usize>(),
                ..Size::default()
            });
            total = total.plus(counter.selection_set(&operation.node.selection_set)?);
        }
        Ok(total)
    }

    fn check(self) -> ServerResult<()> {
        let over = |what: &str, limit: usize| {
            Err(refused(&format!(
                "the document holds more than {limit} {what}"
            )))
        };
        if self.aliases > MAX_ALIASES {
            return over("aliases", MAX_ALIASES);
        }
        if self.directives > MAX_DIRECTIVES {
            return over("directives", MAX_DIRECTIVES);
        }
        if self.selections > MAX_SELECTIONS {
            return over("fields (fragments expanded)", MAX_SELECTIONS);
        }
        Ok(())
    }

    fn plus(self, other: Size) -> Size {
        Size {
            selections: self.selections.saturating_add(other.selections),
            aliases: self.aliases.saturating_add(other.aliases),
            directives: self.directives.saturating_add(other.directives),
        }
    }
}

/// Counts selection sets, expanding each fragment once (memoised); `None` marks a fragment being
/// expanded, so meeting it again is a cycle.
struct Counter<'a> {
    document: &'a ExecutableDocument,
    fragments: HashMap<&'a Name, Option<Size>>,
}

impl<'a> Counter<'a> {
    fn selection_set(&mut self, set: &'a Positioned<SelectionSet>) -> ServerResult<Size> {
        let mut size = Size::default();
        for item in &set.node.items {
            let inner = match &item.node {
                Selection::Field(field) => Size {
                    selections: 1,
                    aliases: usize::from(field.node.alias.is_some()),
                    directives: field.node.directives.len(),
                }
                .plus(self.selection_set(&field.node.selection_set)?),
                Selection::InlineFragment(fragment) => Size {
                    directives: fragment.node.directives.len(),
                    ..Size::default()
                }
                .plus(self.selection_set(&fragment.node.selection_set)?),
                Selection::FragmentSpread(spread) => Size {
                    directives: spread.node.directives.len(),
                    ..Size::default()
                }
                .plus(self.fragment(&spread.node.fragment_name.node)?),
            };
            size = size.plus(inner);
        }
        Ok(size)
    }

    fn fragment(&mut self, name: &'a Name) -> ServerResult<Size> {
        match self.fragments.get(name) {
            Some(Some(size)) => return Ok(*size),
            Some(None) => return Err(refused(&format!("fragment `{name}` spreads itself"))),
            None => {}
        }
        // An unknown fragment is left to validation's own error.
        let Some(fragment) = self.document.fragments.get(name) else {
            return Ok(Size::default());
        };
        self.fragments.insert(name, None);
        let size = Size {
            directives: fragment.node.directives.len(),
            ..Size::default()
        }
        .plus(self.selection_set(&fragment.node.selection_set)?);
        self.fragments.insert(name, Some(size));
        Ok(size)
    }
}

fn refused(message: &str) -> ServerError {
    let mut extensions = ErrorExtensionValues::default();
    extensions.set("code", "BAD_USER_INPUT");
    ServerError {
        extensions: Some(extensions),
        ..ServerError::new(message, None)
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;

    use super::*;

    fn size(query: &str) -> ServerResult<Size> {
        Size::of(&parse_query(query).unwrap())
    }

    #[test]
    fn fragments_count_where_they_are_spread() {
        let counted =
            size("{ a: shop { name } ...F ...F } fragment F on QueryRoot { shop { id } }");
        assert_eq!(
            counted.unwrap(),
            Size {
                selections: 6,
                aliases: 1,
                directives: 0
            }
        );
    }

    #[test]
    fn fan_out_is_counted_without_expanding_it_and_refused() {
        let mut query = String::from("{ ...F0 }");
        for n in 0..40 {
            query.push_str(&format!(
                " fragment F{n} on QueryRoot {{ ...F{next} ...F{next} }}",
                next = n + 1
            ));
        }
        query.push_str(" fragment F40 on QueryRoot { shop { name } }");
        let counted = size(&query).unwrap();
        assert!(counted.selections > MAX_SELECTIONS);
        assert!(counted.check().is_err());
    }

    #[test]
    fn a_fragment_cycle_is_refused() {
        assert!(
            size("{ ...A } fragment A on QueryRoot { ...B } fragment B on QueryRoot { ...A }")
                .is_err()
        );
    }

    #[test]
    fn async_graphql_limit_errors_get_their_codes() {
        for message in COST_MESSAGES {
            let coded = with_code(ServerError::new(message, None));
            assert_eq!(
                coded.extensions.unwrap().get("code"),
                Some(&async_graphql::Value::from("MAX_COST_EXCEEDED"))
            );
        }
    }
}
