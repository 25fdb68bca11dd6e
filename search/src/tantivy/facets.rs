//! Facet counts through Tantivy's aggregations. Groups without a filter are counted in the same
//! pass as the hits (their "other groups" are all the filters); each filtered group is counted
//! once more without its own filters, as Shopify counts them.

use serde_json::{Value, json};
use tantivy::Index;
use tantivy::aggregation::agg_req::Aggregations;
use tantivy::aggregation::{AggContextParams, AggregationCollector, AggregationLimitsGuard};

use super::schema::OPTION_SEPARATOR;
use crate::query::FilterGroup;
use crate::results::{FacetCount, FacetValue};

/// The most values a facet lists.
const MOST_VALUES: u32 = 1_000;

/// What one aggregation pass counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Counted {
    Group(FilterGroup),
    /// Every option name at once (only those without a filter are kept from it).
    AllOptions,
}

impl Counted {
    fn name(&self) -> String {
        match self {
            Counted::Group(FilterGroup::VariantOption(name)) => format!("option {name}"),
            Counted::Group(group) => format!("{group:?}"),
            Counted::AllOptions => "options".into(),
        }
    }

    fn request(&self) -> Value {
        let terms = |field: &str| json!({ "terms": { "field": field, "size": MOST_VALUES, "order": { "_key": "asc" } } });
        match self {
            Counted::Group(FilterGroup::Available) => terms("available"),
            Counted::Group(FilterGroup::Price) => json!({ "max": { "field": "price" } }),
            Counted::Group(FilterGroup::ProductType) => terms("product_type"),
            Counted::Group(FilterGroup::Vendor) => terms("vendor"),
            Counted::Group(FilterGroup::Tag) => terms("tag"),
            Counted::Group(FilterGroup::VariantOption(_)) | Counted::AllOptions => terms("option"),
        }
    }
}

/// A collector counting `counted` over the documents a query matches.
pub fn collector(index: &Index, counted: &[Counted]) -> tantivy::Result<AggregationCollector> {
    let request: serde_json::Map<String, Value> = counted
        .iter()
        .map(|what| (what.name(), what.request()))
        .collect();
    let aggregations: Aggregations = serde_json::from_value(Value::Object(request))
        .map_err(|error| tantivy::TantivyError::InvalidArgument(error.to_string()))?;
    let context = AggContextParams::new(
        AggregationLimitsGuard::default(),
        index.tokenizers().clone(),
    );
    Ok(AggregationCollector::from_aggs(aggregations, context))
}

/// What a pass found, read back.
#[derive(Debug, Default)]
pub struct Tally {
    pub facets: Vec<FacetCount>,
    pub max_price: Option<i64>,
}

impl Tally {
    /// Adds what `results` (the collector's fruit, as JSON) holds for `counted`.
    pub fn add(&mut self, counted: &[Counted], results: &Value, optioned: &[String]) {
        for what in counted {
            let result = &results[what.name()];
            match what {
                Counted::Group(FilterGroup::Price) => {
                    self.max_price = result["value"].as_f64().map(|max| max as i64);
                }
                Counted::Group(FilterGroup::VariantOption(name)) => {
                    self.add_options(buckets(result), |option| option == name);
                }
                Counted::AllOptions => {
                    self.add_options(buckets(result), |option| {
                        !optioned.iter().any(|o| o == option)
                    });
                }
                Counted::Group(group) => {
                    let values = buckets(result)
                        .into_iter()
                        .map(|(value, count)| FacetValue {
                            value: match group {
                                FilterGroup::Available => (value == "1").to_string(),
                                _ => value,
                            },
                            count,
                        })
                        .collect();
                    self.push(group.clone(), values);
                }
            }
        }
    }

    fn add_options(&mut self, buckets: Vec<(String, u64)>, keep: impl Fn(&str) -> bool) {
        for (key, count) in buckets {
            let Some((name, value)) = key.split_once(OPTION_SEPARATOR) else {
                continue;
            };
            if !keep(name) {
                continue;
            }
            let group = FilterGroup::VariantOption(name.to_string());
            let value = FacetValue {
                value: value.to_string(),
                count,
            };
            match self.facets.iter_mut().find(|facet| facet.group == group) {
                Some(facet) => facet.values.push(value),
                None => self.push(group, vec![value]),
            }
        }
    }

    fn push(&mut self, group: FilterGroup, values: Vec<FacetValue>) {
        if !values.is_empty() {
            self.facets.push(FacetCount { group, values });
        }
    }

    /// The facets in a stable order: by group, each option name in its own group.
    pub fn finish(mut self) -> Tally {
        self.facets.sort_by(|a, b| a.group.cmp(&b.group));
        self
    }
}

fn buckets(result: &Value) -> Vec<(String, u64)> {
    let Some(buckets) = result["buckets"].as_array() else {
        return Vec::new();
    };
    buckets
        .iter()
        .filter_map(|bucket| {
            let key = match &bucket["key"] {
                Value::String(key) => key.clone(),
                Value::Number(number) => number.as_f64()?.to_string(),
                _ => return None,
            };
            Some((key, bucket["doc_count"].as_u64()?))
        })
        .collect()
}
