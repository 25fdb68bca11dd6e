//! What a shopper asks: text, filters, sort and a page, always within one store.
//!
//! Filters follow Shopify's storefront filtering: values of one filter group are alternatives
//! (red or blue), groups narrow each other (red or blue, and in stock). Facet counts of a group
//! apply every other group's filters but not its own (`SearchQuery::filters_outside`), so
//! choosing "red" still shows how many blue ones there are. The SQL path (`catalog::filters`)
//! takes these filters too, but groups every variant option together for now; here each option
//! name is its own group (color and size narrow each other), as on Shopify.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::document::ContentKind;

/// One filter, as Shopify's `ProductFilter` spells them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Filter {
    Available(bool),
    /// Inclusive bounds on a variant's price in minor units, like `VariantDocument::price`;
    /// either may be open.
    Price {
        min: Option<i64>,
        max: Option<i64>,
    },
    ProductType(String),
    Vendor(String),
    Tag(String),
    VariantOption {
        name: String,
        value: String,
    },
}

/// The group a filter belongs to: a facet.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum FilterGroup {
    Available,
    Price,
    ProductType,
    Vendor,
    Tag,
    /// One per option name ("Color", "Size").
    VariantOption(String),
}

impl Filter {
    pub fn group(&self) -> FilterGroup {
        match self {
            Filter::Available(_) => FilterGroup::Available,
            Filter::Price { .. } => FilterGroup::Price,
            Filter::ProductType(_) => FilterGroup::ProductType,
            Filter::Vendor(_) => FilterGroup::Vendor,
            Filter::Tag(_) => FilterGroup::Tag,
            Filter::VariantOption { name, .. } => FilterGroup::VariantOption(name.clone()),
        }
    }
}

/// How results are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SortKey {
    /// Pins first, then text match, then in stock before sold out, then best-selling.
    Relevance,
    Price,
    BestSelling,
    CreatedAt,
    Title,
}

/// What happens to products nobody can buy (Shopify's `unavailableProducts`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum UnavailableProducts {
    Show,
    Hide,
    /// Shown after every available one.
    Last,
}

/// Which results: `limit` of them after the first `offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page {
    pub offset: usize,
    pub limit: usize,
}

/// A product search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchQuery {
    pub store_id: Uuid,
    /// Only products of this collection (a collection's product listing).
    pub collection: Option<Uuid>,
    /// Words to match, typos tolerated; `-word` excludes, `"a phrase"` matches as written. Empty
    /// matches every product.
    pub text: String,
    /// Whether the last word also matches as a prefix (as the shopper types).
    pub prefix: bool,
    pub filters: Vec<Filter>,
    /// Whether to count facets: availability, the price range, product types, vendors, tags and
    /// every option name found.
    pub facets: bool,
    pub sort: SortKey,
    pub reverse: bool,
    pub unavailable: UnavailableProducts,
    pub page: Page,
}

impl SearchQuery {
    /// Every product of the store matching `text`, by relevance, the first ten.
    pub fn new(store_id: Uuid, text: impl Into<String>) -> SearchQuery {
        SearchQuery {
            store_id,
            collection: None,
            text: text.into(),
            prefix: false,
            filters: vec![],
            facets: false,
            sort: SortKey::Relevance,
            reverse: false,
            unavailable: UnavailableProducts::Show,
            page: Page {
                offset: 0,
                limit: 10,
            },
        }
    }

    /// The filters of every group but `group`: what a facet's counts apply.
    pub fn filters_outside(&self, group: &FilterGroup) -> Vec<&Filter> {
        self.filters
            .iter()
            .filter(|filter| &filter.group() != group)
            .collect()
    }

    /// The filters grouped: alternatives within a group, groups ANDed; groups in a stable order.
    pub fn filter_groups(&self) -> Vec<(FilterGroup, Vec<&Filter>)> {
        let all: Vec<&Filter> = self.filters.iter().collect();
        let mut groups = grouped(&all);
        groups.sort_by(|a, b| a.0.cmp(&b.0));
        groups
    }
}

/// `filters` by group, groups in the order of their first filter.
pub fn grouped<'a>(filters: &[&'a Filter]) -> Vec<(FilterGroup, Vec<&'a Filter>)> {
    let mut groups: Vec<(FilterGroup, Vec<&Filter>)> = Vec::new();
    for filter in filters {
        let group = filter.group();
        match groups.iter_mut().find(|(known, _)| *known == group) {
            Some((_, members)) => members.push(filter),
            None => groups.push((group, vec![filter])),
        }
    }
    groups
}

/// Suggestions as a shopper types (predictive search).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SuggestQuery {
    pub store_id: Uuid,
    pub text: String,
    /// At most this many of each kind.
    pub limit: usize,
    pub products: bool,
    pub content: Vec<ContentKind>,
    /// Whether to suggest completed queries.
    pub queries: bool,
    pub unavailable: UnavailableProducts,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(filters: Vec<Filter>) -> SearchQuery {
        SearchQuery {
            filters,
            ..SearchQuery::new(Uuid::nil(), "")
        }
    }

    fn color(value: &str) -> Filter {
        Filter::VariantOption {
            name: "Color".into(),
            value: value.into(),
        }
    }

    #[test]
    fn a_facet_counts_under_every_other_group_but_not_its_own() {
        let q = query(vec![color("Red"), color("Blue"), Filter::Available(true)]);
        let color_group = FilterGroup::VariantOption("Color".into());
        assert_eq!(
            q.filters_outside(&color_group),
            vec![&Filter::Available(true)]
        );
        assert_eq!(
            q.filters_outside(&FilterGroup::Available),
            vec![&color("Red"), &color("Blue")]
        );
        let size = FilterGroup::VariantOption("Size".into());
        assert_eq!(q.filters_outside(&size).len(), 3);
    }

    #[test]
    fn values_of_one_group_are_alternatives_and_groups_narrow_each_other() {
        let q = query(vec![
            Filter::Tag("summer".into()),
            color("Red"),
            Filter::Tag("sale".into()),
        ]);
        let groups = q.filter_groups();
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].0, FilterGroup::Tag);
        assert_eq!(groups[0].1.len(), 2);
        assert_eq!(groups[1].1, vec![&color("Red")]);
    }
}
