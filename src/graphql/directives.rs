//! The executable directives Shopify clients send: `@inContext` on operations and `@defer` on
//! fragments. async-graphql only runs custom directives on fields, so these are declared in the
//! schema (so documents using them validate) and have no effect: `@defer` is executed eagerly and
//! `@inContext`'s country and language do not change catalog reads.

use std::borrow::Cow;

use async_graphql::registry::{__DirectiveLocation, MetaDirective, MetaInputValue, Registry};
use async_graphql::{
    ContextDirective, CustomDirective, CustomDirectiveFactory, ServerResult,
    parser::types::Directive,
};

/// A directive that the schema declares and execution accepts as is.
pub struct AcceptedDirective {
    name: &'static str,
    description: &'static str,
    locations: Vec<__DirectiveLocation>,
    args: Vec<(&'static str, &'static str, &'static str)>,
}

/// `@inContext(country:, language:, preferredLocationId:, buyer:)` on queries and mutations.
pub fn in_context() -> AcceptedDirective {
    AcceptedDirective {
        name: "inContext",
        description: "Contextualizes data (country, language); accepted for Shopify compatibility.",
        locations: vec![__DirectiveLocation::QUERY, __DirectiveLocation::MUTATION],
        args: vec![
            ("country", "CountryCode", "The country code for context."),
            ("language", "LanguageCode", "The language code for context."),
            ("preferredLocationId", "ID", "The preferred location."),
        ],
    }
}

/// `@defer(if:, label:)` on fragments; the deferred part is returned with the rest.
pub fn defer() -> AcceptedDirective {
    AcceptedDirective {
        name: "defer",
        description: "Accepted for compatibility; deferred fragments are returned with the response.",
        locations: vec![
            __DirectiveLocation::FRAGMENT_SPREAD,
            __DirectiveLocation::INLINE_FRAGMENT,
        ],
        args: vec![
            ("if", "Boolean", "Whether to defer."),
            ("label", "String", "A label for the deferred part."),
        ],
    }
}

struct PassThrough;

impl CustomDirective for PassThrough {}

impl CustomDirectiveFactory for AcceptedDirective {
    fn name(&self) -> Cow<'static, str> {
        Cow::Borrowed(self.name)
    }

    fn register(&self, registry: &mut Registry) {
        let args = self
            .args
            .iter()
            .map(|(name, ty, description)| {
                (
                    name.to_string(),
                    MetaInputValue {
                        name: name.to_string(),
                        description: Some(description.to_string()),
                        ty: ty.to_string(),
                        deprecation: Default::default(),
                        default_value: None,
                        visible: None,
                        inaccessible: false,
                        tags: Vec::new(),
                        is_secret: false,
                        directive_invocations: Vec::new(),
                    },
                )
            })
            .collect();
        registry.add_directive(MetaDirective {
            name: self.name.to_string(),
            description: Some(self.description.to_string()),
            locations: self.locations.clone(),
            args,
            is_repeatable: false,
            visible: None,
            composable: None,
        });
    }

    fn create(
        &self,
        _ctx: &ContextDirective<'_>,
        _directive: &Directive,
    ) -> ServerResult<Box<dyn CustomDirective>> {
        Ok(Box::new(PassThrough))
    }
}
