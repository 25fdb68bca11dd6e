//! Meilisearch filter expressions. Every value is quoted and escaped, so nothing a shopper sends
//! can change an expression's shape.

use uuid::Uuid;

use super::documents::OPTION_SEPARATOR;
use crate::query::{Filter, UnavailableProducts};

/// A quoted filter value.
pub fn quoted(value: &str) -> String {
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

pub fn in_store(store_id: Uuid) -> String {
    format!("store_id = {}", quoted(&store_id.to_string()))
}

fn condition(filter: &Filter) -> String {
    match filter {
        Filter::Available(available) => format!("available = {available}"),
        Filter::Price { min, max } => match (min, max) {
            (Some(min), Some(max)) => format!("prices {min} TO {max}"),
            (Some(min), None) => format!("prices >= {min}"),
            (None, Some(max)) => format!("prices <= {max}"),
            (None, None) => "prices EXISTS".into(),
        },
        Filter::ProductType(value) => format!("product_type = {}", quoted(value)),
        Filter::Vendor(value) => format!("vendor = {}", quoted(value)),
        Filter::Tag(value) => format!("tags = {}", quoted(value)),
        Filter::VariantOption { name, value } => {
            format!(
                "options = {}",
                quoted(&format!("{name}{OPTION_SEPARATOR}{value}"))
            )
        }
    }
}

/// The store's products (of `collection` if given) narrowed by `groups` (alternatives within a
/// group, groups ANDed).
pub fn products(
    store_id: Uuid,
    collection: Option<Uuid>,
    groups: &[Vec<&Filter>],
    unavailable: UnavailableProducts,
) -> String {
    let mut clauses = vec![in_store(store_id)];
    if let Some(collection) = collection {
        clauses.push(format!("collections = {}", quoted(&collection.to_string())));
    }
    for group in groups {
        let alternatives: Vec<String> = group.iter().map(|filter| condition(filter)).collect();
        clauses.push(format!("({})", alternatives.join(" OR ")));
    }
    if unavailable == UnavailableProducts::Hide {
        clauses.push("available = true".into());
    }
    clauses.join(" AND ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_quoted_so_they_cannot_escape() {
        let store = Uuid::nil();
        let sneaky = Filter::Vendor("x\" OR store_id EXISTS OR vendor = \"y".into());
        let blue = Filter::VariantOption {
            name: "Color".into(),
            value: "Blue".into(),
        };
        let expression = products(
            store,
            None,
            &[
                vec![&sneaky],
                vec![
                    &blue,
                    &Filter::Price {
                        min: Some(1),
                        max: None,
                    },
                ],
            ],
            UnavailableProducts::Hide,
        );
        assert_eq!(
            expression,
            format!(
                "store_id = \"{store}\" AND (vendor = \"x\\\" OR store_id EXISTS OR vendor = \\\"y\") \
                 AND (options = \"Color\u{1f}Blue\" OR prices >= 1) AND available = true"
            )
        );
    }
}
