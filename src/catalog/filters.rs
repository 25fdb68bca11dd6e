//! SQL conditions on `products` for search terms and storefront filters (`ProductFilter`).
//! Filters of the same kind are alternatives (OR); different kinds must all hold (AND). Every
//! condition is a portable sea-query expression, so it runs on PostgreSQL and SQLite alike, and
//! every subquery it correlates names the store as well as the product, so it stays inside the
//! tenant and uses the `(store_id, …)` indexes.

use entities::{
    inventory_level, prelude::*, product, product_option, product_tag, product_variant,
};
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Func, LikeExpr, Query, SelectStatement};
use uuid::Uuid;

use super::search_query::{Field, Term};

/// One storefront filter: the search crate's, shared by both paths.
pub use search::Filter as ProductFilter;

/// The group a filter belongs to here; filters of one group are ORed. (Unlike
/// `search::FilterGroup`, every variant option is one group on this path.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterGroup {
    Available,
    Price,
    ProductType,
    Vendor,
    Tag,
    /// Every variant-option filter, whatever the option.
    VariantOption,
}

fn group_of(filter: &ProductFilter) -> FilterGroup {
    match filter {
        ProductFilter::Available(_) => FilterGroup::Available,
        ProductFilter::Price { .. } => FilterGroup::Price,
        ProductFilter::ProductType(_) => FilterGroup::ProductType,
        ProductFilter::Vendor(_) => FilterGroup::Vendor,
        ProductFilter::Tag(_) => FilterGroup::Tag,
        ProductFilter::VariantOption { .. } => FilterGroup::VariantOption,
    }
}

/// The SQL condition of one filter.
fn condition_of(filter: &ProductFilter, store_id: Uuid) -> Expr {
    match filter {
        ProductFilter::Available(true) => Expr::exists(available_variant(store_id)),
        ProductFilter::Available(false) => Expr::exists(available_variant(store_id)).not(),
        ProductFilter::Price { min, max } => {
            let mut variant = variant_of_product(store_id);
            let price = Expr::col((ProductVariant, product_variant::Column::PriceMinor));
            if let Some(min) = min {
                variant.and_where(price.clone().gte(*min));
            }
            if let Some(max) = max {
                variant.and_where(price.lte(*max));
            }
            Expr::exists(variant)
        }
        ProductFilter::ProductType(value) => {
            equals_ignoring_case(Expr::col((Product, product::Column::ProductType)), value)
        }
        ProductFilter::Vendor(value) => {
            equals_ignoring_case(Expr::col((Product, product::Column::Vendor)), value)
        }
        ProductFilter::Tag(tag) => Expr::exists(tag_of_product(store_id, tag, false)),
        ProductFilter::VariantOption { name, value } => {
            Expr::exists(option_value(store_id, name, value))
        }
    }
}

/// The AND of every group's OR, leaving out the `except` group (for facet counts).
pub fn filters_condition(
    store_id: Uuid,
    filters: &[ProductFilter],
    except: Option<&FilterGroup>,
) -> Condition {
    let mut all = Condition::all();
    let mut groups: Vec<FilterGroup> = Vec::new();
    for filter in filters {
        let group = group_of(filter);
        if Some(&group) != except && !groups.contains(&group) {
            groups.push(group);
        }
    }
    for group in groups {
        let mut any = Condition::any();
        for filter in filters.iter().filter(|f| group_of(f) == group) {
            any = any.add(condition_of(filter, store_id));
        }
        all = all.add(any);
    }
    all
}

/// The AND of the search terms.
pub fn terms_condition(store_id: Uuid, terms: &[Term]) -> Condition {
    let mut all = Condition::all();
    for term in terms {
        let matched = term_condition(store_id, term);
        all = all.add(if term.negated { matched.not() } else { matched });
    }
    all
}

fn term_condition(store_id: Uuid, term: &Term) -> Expr {
    let column = |c: product::Column| Expr::col((Product, c));
    let matches = |c: product::Column| matches_text(column(c), &term.value, term.prefix);
    match term.field {
        Field::Title => matches(product::Column::Title),
        Field::Vendor => matches(product::Column::Vendor),
        Field::ProductType => matches(product::Column::ProductType),
        Field::Handle => matches(product::Column::Handle),
        Field::Tag => Expr::exists(tag_of_product(store_id, &term.value, term.prefix)),
        Field::AvailableForSale => condition_of(
            &ProductFilter::Available(term.value.eq_ignore_ascii_case("true")),
            store_id,
        ),
        Field::Text => {
            let pattern = contains_pattern(&term.value);
            let like = |c: product::Column| {
                Expr::expr(Func::lower(column(c))).like(LikeExpr::new(pattern.clone()).escape('\\'))
            };
            like(product::Column::Title)
                .or(like(product::Column::Vendor))
                .or(like(product::Column::ProductType))
                .or(like(product::Column::DescriptionHtml))
                .or(Expr::exists(tag_of_product(store_id, &term.value, false)))
        }
    }
}

/// A `%…%` pattern (lowercased, wildcards escaped) for substring matches.
fn contains_pattern(value: &str) -> String {
    format!("%{}%", escape_like(&value.to_lowercase()))
}

fn escape_like(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// Case-insensitive word match: the whole value, or its prefix with `*`.
fn matches_text(column: Expr, value: &str, prefix: bool) -> Expr {
    if prefix {
        let pattern = format!("{}%", escape_like(&value.to_lowercase()));
        Expr::expr(Func::lower(column)).like(LikeExpr::new(pattern).escape('\\'))
    } else {
        Expr::expr(Func::lower(column)).like(LikeExpr::new(contains_pattern(value)).escape('\\'))
    }
}

fn equals_ignoring_case(column: Expr, value: &str) -> Expr {
    Expr::expr(Func::lower(column)).eq(value.to_lowercase())
}

fn variant_of_product(store_id: Uuid) -> SelectStatement {
    Query::select()
        .expr(Expr::val(1))
        .from(ProductVariant)
        .and_where(Expr::col((ProductVariant, product_variant::Column::StoreId)).eq(store_id))
        .and_where(
            Expr::col((ProductVariant, product_variant::Column::ProductId))
                .equals((Product, product::Column::Id)),
        )
        .to_owned()
}

fn available_variant(store_id: Uuid) -> SelectStatement {
    let mut variant = variant_of_product(store_id);
    variant
        .inner_join(
            InventoryLevel,
            Expr::col((InventoryLevel, inventory_level::Column::VariantId))
                .equals((ProductVariant, product_variant::Column::Id))
                .and(Expr::col((InventoryLevel, inventory_level::Column::StoreId)).eq(store_id)),
        )
        .and_where(
            Expr::col((InventoryLevel, inventory_level::Column::OnHand))
                .sub(Expr::col((
                    InventoryLevel,
                    inventory_level::Column::Reserved,
                )))
                .gt(0),
        );
    variant
}

fn tag_of_product(store_id: Uuid, tag: &str, prefix: bool) -> SelectStatement {
    let tag_column = Expr::expr(Func::lower(Expr::col((
        ProductTag,
        product_tag::Column::Tag,
    ))));
    let matched = if prefix {
        let pattern = format!("{}%", escape_like(&tag.to_lowercase()));
        tag_column.like(LikeExpr::new(pattern).escape('\\'))
    } else {
        tag_column.eq(tag.to_lowercase())
    };
    Query::select()
        .expr(Expr::val(1))
        .from(ProductTag)
        .and_where(Expr::col((ProductTag, product_tag::Column::StoreId)).eq(store_id))
        .and_where(
            Expr::col((ProductTag, product_tag::Column::ProductId))
                .equals((Product, product::Column::Id)),
        )
        .and_where(matched)
        .to_owned()
}

fn option_value(store_id: Uuid, name: &str, value: &str) -> SelectStatement {
    let position = Expr::col((ProductOption, product_option::Column::Position));
    let at = |n: i32, column: product_variant::Column| {
        position
            .clone()
            .eq(n)
            .and(Expr::col((ProductVariant, column)).eq(value))
    };
    let mut variant = variant_of_product(store_id);
    variant
        .inner_join(
            ProductOption,
            Expr::col((ProductOption, product_option::Column::ProductId))
                .equals((ProductVariant, product_variant::Column::ProductId))
                .and(Expr::col((ProductOption, product_option::Column::StoreId)).eq(store_id)),
        )
        .and_where(equals_ignoring_case(
            Expr::col((ProductOption, product_option::Column::Name)),
            name,
        ))
        .and_where(
            at(1, product_variant::Column::Option1)
                .or(at(2, product_variant::Column::Option2))
                .or(at(3, product_variant::Column::Option3)),
        );
    variant
}
