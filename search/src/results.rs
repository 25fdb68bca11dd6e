//! What a backend answers.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::document::ContentKind;
use crate::query::FilterGroup;

/// One matching product.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    pub id: Uuid,
}

/// One value of a facet and how many products it would leave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FacetValue {
    pub value: String,
    pub count: u64,
}

/// A facet's values, most products first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FacetCount {
    pub group: FilterGroup,
    pub values: Vec<FacetValue>,
}

/// A page of products, how many match in all, and the facets asked for.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SearchResults {
    pub hits: Vec<Hit>,
    pub total: u64,
    pub facets: Vec<FacetCount>,
}

/// A predictive search suggestion: a product or piece of content, or a query to run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Suggestion {
    Product(Uuid),
    Content(ContentKind, Uuid),
    /// A completed query, with the typed part marked as Shopify's `styledText` marks it.
    Query {
        text: String,
        styled: String,
    },
}
