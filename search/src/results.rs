//! What a backend answers.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::document::ContentKind;
use crate::query::FilterGroup;

/// One matching product (or piece of content).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    pub id: Uuid,
    pub title: String,
}

/// One value of a facet and how many products it would leave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FacetValue {
    pub value: String,
    pub count: u64,
}

/// A facet's values in alphabetical order.
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
    /// Every facet with at least one value, when the query asked for facets.
    pub facets: Vec<FacetCount>,
    /// The highest variant price among the products the other filters leave, in minor units
    /// (the price facet), when the query asked for facets and any product matched.
    pub max_price: Option<i64>,
}

/// What predictive search suggests for what a shopper is typing.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Suggestions {
    pub products: Vec<Hit>,
    pub content: Vec<(ContentKind, Hit)>,
    pub queries: Vec<QuerySuggestion>,
}

/// A completed query to run, as Shopify's `SearchQuerySuggestion` gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuerySuggestion {
    pub text: String,
    /// `text` with the part matching what the shopper typed in `<mark>`.
    pub styled: String,
}
