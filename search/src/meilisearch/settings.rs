//! The settings both indexes get at start: what is searched (the title first), what filters,
//! facets and sorts, the ranking rules (the shopper's sort, then pins, then Meilisearch's text
//! rules, then in stock and best-selling), and the typo sizes both backends share.

use meilisearch_sdk::settings::{
    FacetSortValue, FacetingSettings, MinWordSizeForTypos, PaginationSetting, Settings,
    TypoToleranceSettings,
};

use crate::typos::{ONE_TYPO_FROM, TWO_TYPOS_FROM};

/// The most hits a query can page through (and count exactly).
pub const MOST_HITS: usize = 100_000;

fn common() -> Settings {
    Settings::new()
        .with_typo_tolerance(TypoToleranceSettings {
            enabled: Some(true),
            disable_on_attributes: None,
            disable_on_words: None,
            min_word_size_for_typos: Some(MinWordSizeForTypos {
                one_typo: Some(ONE_TYPO_FROM as u8),
                two_typos: Some(TWO_TYPOS_FROM as u8),
            }),
            disable_on_numbers: None,
        })
        .with_pagination(PaginationSetting {
            max_total_hits: MOST_HITS,
        })
}

pub fn products() -> Settings {
    common()
        .with_searchable_attributes(["title", "keywords", "description"])
        .with_filterable_attributes([
            "id",
            "store_id",
            "available",
            "prices",
            "vendor",
            "product_type",
            "tags",
            "options",
            "collections",
        ])
        .with_sortable_attributes([
            "available",
            "min_price",
            "units_sold",
            "created_at",
            "title",
            "pin_rank",
        ])
        .with_ranking_rules([
            "sort",
            "pin_rank:asc",
            "words",
            "typo",
            "proximity",
            "attribute",
            "exactness",
            "available:desc",
            "units_sold:desc",
        ])
        .with_faceting(FacetingSettings {
            max_values_per_facet: 1_000,
            sort_facet_values_by: Some(
                [("*".to_string(), FacetSortValue::Alpha)]
                    .into_iter()
                    .collect(),
            ),
        })
}

pub fn content() -> Settings {
    common()
        .with_searchable_attributes(["title", "handle", "body"])
        .with_filterable_attributes(["id", "store_id", "kind"])
}
