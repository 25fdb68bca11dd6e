//! Which product listings the search backend answers, and how: a storefront listing narrowed by
//! words or filters, sorted by relevance, price, sales, date or title, becomes a `SearchQuery`.
//! What the backend does not model (field terms on titles and handles, negated fields, two terms
//! on one field, sorts by id, vendor, type, update time or a collection's manual order, the
//! admin's listings) stays with the database.

use search::{Filter, SearchQuery, SortKey};
use uuid::Uuid;

use crate::catalog::Visibility;
use crate::catalog::listing::{ProductListing, ProductSort};
use crate::catalog::search_query::{Field, Term};

/// The search the backend runs for `listing`, if it answers such listings.
pub fn query_for(store_id: Uuid, listing: &ProductListing, facets: bool) -> Option<SearchQuery> {
    if listing.visibility != Visibility::Storefront {
        return None;
    }
    if listing.terms.is_empty() && listing.filters.is_empty() {
        return None;
    }
    let sort = match listing.sort {
        ProductSort::Relevance => SortKey::Relevance,
        ProductSort::Title => SortKey::Title,
        ProductSort::Price => SortKey::Price,
        ProductSort::BestSelling => SortKey::BestSelling,
        ProductSort::CreatedAt => SortKey::CreatedAt,
        ProductSort::Id
        | ProductSort::UpdatedAt
        | ProductSort::Vendor
        | ProductSort::ProductType
        | ProductSort::CollectionDefault => return None,
    };
    let (text, prefix, term_filters) = from_terms(&listing.terms)?;
    let mut filters = listing.filters.clone();
    filters.extend(term_filters);
    Some(SearchQuery {
        collection: listing.collection,
        prefix,
        filters,
        facets,
        sort,
        reverse: listing.reverse,
        ..SearchQuery::new(store_id, text)
    })
}

/// The terms as search text (words, phrases, exclusions), whether the last word is a prefix (only
/// the last word may be), and filters; `None` when a term has no equivalent.
fn from_terms(terms: &[Term]) -> Option<(String, bool, Vec<Filter>)> {
    let mut words: Vec<String> = Vec::new();
    let mut filters: Vec<Filter> = Vec::new();
    let mut prefix = false;
    let last_word = terms
        .iter()
        .rposition(|term| term.field == Field::Text && !term.negated);
    for (position, term) in terms.iter().enumerate() {
        let filter = match (term.field, term.negated) {
            (Field::Text, false) => {
                prefix = term.prefix && Some(position) == last_word;
                if term.prefix && !prefix {
                    return None;
                }
                words.push(match term.value.contains(char::is_whitespace) {
                    true => format!("\"{}\"", term.value),
                    false => term.value.clone(),
                });
                continue;
            }
            (Field::Text, true) if !term.value.contains(char::is_whitespace) && !term.prefix => {
                words.push(format!("-{}", term.value));
                continue;
            }
            (Field::Tag, false) => Filter::Tag(term.value.clone()),
            (Field::Vendor, false) => Filter::Vendor(term.value.clone()),
            (Field::ProductType, false) => Filter::ProductType(term.value.clone()),
            (Field::AvailableForSale, false) => match term.value.as_str() {
                "true" => Filter::Available(true),
                "false" => Filter::Available(false),
                _ => return None,
            },
            _ => return None,
        };
        if term.prefix || filters.iter().any(|known| known.group() == filter.group()) {
            return None;
        }
        filters.push(filter);
    }
    Some((words.join(" "), prefix, filters))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::search_query::parse;

    fn listing(query: &str, sort: ProductSort) -> ProductListing {
        ProductListing {
            visibility: Visibility::Storefront,
            collection: None,
            terms: parse(query),
            filters: vec![],
            sort,
            reverse: false,
        }
    }

    #[test]
    fn words_and_field_terms_become_text_and_filters() {
        let query = query_for(
            Uuid::nil(),
            &listing(
                "blue shi* tag:summer available_for_sale:true",
                ProductSort::Relevance,
            ),
            false,
        )
        .unwrap();
        assert_eq!(query.text, "blue shi");
        assert!(query.prefix);
        assert_eq!(
            query.filters,
            vec![Filter::Tag("summer".into()), Filter::Available(true)]
        );
        let excluded = query_for(
            Uuid::nil(),
            &listing("shirt -blue", ProductSort::Price),
            false,
        );
        assert_eq!(excluded.unwrap().text, "shirt -blue");
    }

    #[test]
    fn what_the_backend_does_not_model_stays_with_the_database() {
        for (query, sort) in [
            ("title:linen", ProductSort::Relevance),
            ("-vendor:Acme shirt", ProductSort::Relevance),
            ("tag:a tag:b", ProductSort::Relevance),
            ("shirt", ProductSort::Id),
            ("shirt", ProductSort::CollectionDefault),
            ("", ProductSort::Relevance),
        ] {
            assert!(
                query_for(Uuid::nil(), &listing(query, sort), false).is_none(),
                "{query}"
            );
        }
        let mut admin = listing("shirt", ProductSort::Relevance);
        admin.visibility = Visibility::Admin(None);
        assert!(query_for(Uuid::nil(), &admin, false).is_none());
    }
}
