//! Facets of a product listing (`ProductConnection.filters`): for each filter group, the values
//! found in the listing with how many products each would give. A group's counts apply every
//! other group's filters but not its own, so that choosing one vendor still shows the others.
//! The cost is a fixed number of grouped queries, whatever the listing's size.

use entities::{prelude::*, product, product_option, product_tag, product_variant};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Query, SelectStatement};
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

use super::filters::{FilterGroup, ProductFilter};
use super::listing::ProductListing;
use crate::error::Result;
use crate::money::{CurrencyCode, Money};
use crate::stores::Store;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FacetKind {
    List,
    PriceRange,
}

#[derive(Debug, Clone)]
pub struct Facet {
    pub id: String,
    pub label: String,
    pub kind: FacetKind,
    pub values: Vec<FacetValue>,
}

#[derive(Debug, Clone)]
pub struct FacetValue {
    pub id: String,
    pub label: String,
    pub count: i64,
    /// The `ProductFilter` input that selects this value, as JSON.
    pub input: Value,
}

/// Every facet of the listing.
pub async fn facets(
    db: &impl ConnectionTrait,
    store: &Store,
    listing: &ProductListing,
) -> Result<Vec<Facet>> {
    listing.check()?;
    let mut facets = vec![
        availability(db, store, listing).await?,
        price(db, store, listing).await?,
    ];
    for (group, column, id, label, key) in [
        (
            FilterGroup::ProductType,
            product::Column::ProductType,
            "filter.p.product_type",
            "Product type",
            "productType",
        ),
        (
            FilterGroup::Vendor,
            product::Column::Vendor,
            "filter.p.vendor",
            "Vendor",
            "productVendor",
        ),
    ] {
        let mut query = Query::select();
        query
            .expr_as(Expr::col(column), Alias::new("label"))
            .expr_as(
                Func::count(Expr::col(product::Column::Id)),
                Alias::new("count"),
            )
            .from(Product)
            .cond_where(listing.condition(store, Some(&group)))
            .and_where(Expr::col(column).ne(""))
            .group_by_col(column)
            .order_by(column, sea_orm::Order::Asc);
        let values = label_counts(db, query).await?;
        facets.push(list_facet(id, label, values, |v| json!({ key: v })));
    }
    facets.push(tags(db, store, listing).await?);
    facets.extend(options(db, store, listing).await?);
    facets.retain(|facet| !facet.values.is_empty());
    Ok(facets)
}

fn list_facet(
    id: &str,
    label: &str,
    values: Vec<(String, i64)>,
    input: impl Fn(&str) -> Value,
) -> Facet {
    Facet {
        id: id.to_string(),
        label: label.to_string(),
        kind: FacetKind::List,
        values: values
            .into_iter()
            .map(|(value, count)| FacetValue {
                id: format!("{id}.{}", value.to_lowercase().replace(' ', "-")),
                input: input(&value),
                label: value,
                count,
            })
            .collect(),
    }
}

async fn availability(
    db: &impl ConnectionTrait,
    store: &Store,
    listing: &ProductListing,
) -> Result<Facet> {
    let base = listing.condition(store, Some(&FilterGroup::Available));
    let mut counts = Vec::new();
    for available in [true, false] {
        let count = Product::find()
            .filter(base.clone())
            .filter(crate::catalog::filters::filters_condition(
                store.id,
                &[ProductFilter::Available(available)],
                None,
            ))
            .count(db)
            .await?;
        counts.push((available.to_string(), count as i64));
    }
    Ok(availability_facet(&counts))
}

async fn price(
    db: &impl ConnectionTrait,
    store: &Store,
    listing: &ProductListing,
) -> Result<Facet> {
    let mut query = Query::select();
    query
        .expr_as(
            Func::max(Expr::col(product::Column::PriceMaxMinor)),
            Alias::new("max"),
        )
        .from(Product)
        .cond_where(listing.condition(store, Some(&FilterGroup::Price)));
    let row = db.query_one(&query).await?;
    let max: Option<i64> = match row {
        Some(row) => row.try_get("", "max")?,
        None => None,
    };
    Ok(price_facet(max, crate::stores::currency(store)))
}

/// The price facet: one value spanning up to the highest price (in minor units) left.
fn price_facet(max: Option<i64>, currency: CurrencyCode) -> Facet {
    let values = max
        .map(|max| {
            let max: f64 = Money::new(max, currency).amount().parse().unwrap_or(0.0);
            vec![FacetValue {
                id: "filter.v.price".into(),
                label: "Price".into(),
                count: 0,
                input: json!({ "price": { "min": 0, "max": max } }),
            }]
        })
        .unwrap_or_default();
    Facet {
        id: "filter.v.price".into(),
        label: "Price".into(),
        kind: FacetKind::PriceRange,
        values,
    }
}

/// The facets a search backend counted, spelled as the database's are.
pub fn from_counts(
    counts: &[search::FacetCount],
    max_price: Option<i64>,
    currency: CurrencyCode,
) -> Vec<Facet> {
    let mut facets = Vec::new();
    for count in counts {
        let values: Vec<(String, i64)> = count
            .values
            .iter()
            .map(|value| (value.value.clone(), value.count as i64))
            .collect();
        let facet = match &count.group {
            search::FilterGroup::Available => availability_facet(&values),
            search::FilterGroup::Price => continue,
            search::FilterGroup::ProductType => list_facet(
                "filter.p.product_type",
                "Product type",
                values,
                |v| json!({ "productType": v }),
            ),
            search::FilterGroup::Vendor => list_facet(
                "filter.p.vendor",
                "Vendor",
                values,
                |v| json!({ "productVendor": v }),
            ),
            search::FilterGroup::Tag => {
                list_facet("filter.p.tag", "Tag", values, |tag| json!({ "tag": tag }))
            }
            search::FilterGroup::VariantOption(name) => option_facet(name, values),
        };
        facets.push(facet);
    }
    if max_price.is_some() {
        let at = facets
            .iter()
            .position(|facet| facet.id != "filter.v.availability")
            .unwrap_or(facets.len());
        facets.insert(at, price_facet(max_price, currency));
    }
    facets.retain(|facet| !facet.values.is_empty());
    facets
}

fn availability_facet(values: &[(String, i64)]) -> Facet {
    let mut facet_values = Vec::new();
    for (available, label) in [(true, "In stock"), (false, "Out of stock")] {
        let count = values
            .iter()
            .find(|(value, _)| *value == available.to_string())
            .map_or(0, |(_, count)| *count);
        if count > 0 {
            facet_values.push(FacetValue {
                id: format!("filter.v.availability.{}", u8::from(available)),
                label: label.to_string(),
                count,
                input: json!({ "available": available }),
            });
        }
    }
    Facet {
        id: "filter.v.availability".into(),
        label: "Availability".into(),
        kind: FacetKind::List,
        values: facet_values,
    }
}

fn option_facet(name: &str, values: Vec<(String, i64)>) -> Facet {
    let id = format!("filter.v.option.{}", name.to_lowercase().replace(' ', "-"));
    list_facet(
        &id,
        name,
        values,
        |value| json!({ "variantOption": { "name": name, "value": value } }),
    )
}

fn listed_ids(store: &Store, listing: &ProductListing, except: &FilterGroup) -> SelectStatement {
    Query::select()
        .column((Product, product::Column::Id))
        .from(Product)
        .cond_where(listing.condition(store, Some(except)))
        .to_owned()
}

async fn tags(db: &impl ConnectionTrait, store: &Store, listing: &ProductListing) -> Result<Facet> {
    let mut query = Query::select();
    query
        .expr_as(Expr::col(product_tag::Column::Tag), Alias::new("label"))
        .expr_as(
            Func::count(Expr::col(product_tag::Column::ProductId)),
            Alias::new("count"),
        )
        .from(ProductTag)
        .and_where(Expr::col((ProductTag, product_tag::Column::StoreId)).eq(store.id))
        .and_where(
            Expr::col((ProductTag, product_tag::Column::ProductId)).in_subquery(listed_ids(
                store,
                listing,
                &FilterGroup::Tag,
            )),
        )
        .group_by_col(product_tag::Column::Tag)
        .order_by(product_tag::Column::Tag, sea_orm::Order::Asc);
    let values = label_counts(db, query).await?;
    Ok(list_facet(
        "filter.p.tag",
        "Tag",
        values,
        |tag| json!({ "tag": tag }),
    ))
}

async fn options(
    db: &impl ConnectionTrait,
    store: &Store,
    listing: &ProductListing,
) -> Result<Vec<Facet>> {
    let mut by_name: Vec<(String, Vec<(String, i64)>)> = Vec::new();
    let positions = [
        (1, product_variant::Column::Option1),
        (2, product_variant::Column::Option2),
        (3, product_variant::Column::Option3),
    ];
    for (position, column) in positions {
        let query = option_counts(store, listing, position, column);
        for row in db.query_all(&query).await? {
            let name: String = row.try_get("", "name")?;
            let entry = (row.try_get("", "label")?, row.try_get("", "count")?);
            match by_name
                .iter_mut()
                .find(|(seen, _)| seen.eq_ignore_ascii_case(&name))
            {
                Some((_, values)) => values.push(entry),
                None => by_name.push((name, vec![entry])),
            }
        }
    }
    Ok(by_name
        .into_iter()
        .map(|(name, values)| option_facet(&name, values))
        .collect())
}

/// Products per value of the option at `position` (its name, the value, the count), over the
/// listing without its option filters.
fn option_counts(
    store: &Store,
    listing: &ProductListing,
    position: i32,
    column: product_variant::Column,
) -> SelectStatement {
    let option = |c: product_option::Column| Expr::col((ProductOption, c));
    let variant = |c: product_variant::Column| Expr::col((ProductVariant, c));
    Query::select()
        .expr_as(option(product_option::Column::Name), Alias::new("name"))
        .expr_as(variant(column), Alias::new("label"))
        .expr_as(
            Func::count_distinct(variant(product_variant::Column::ProductId)),
            Alias::new("count"),
        )
        .from(ProductVariant)
        .inner_join(
            ProductOption,
            option(product_option::Column::ProductId)
                .equals((ProductVariant, product_variant::Column::ProductId))
                .and(option(product_option::Column::StoreId).eq(store.id))
                .and(option(product_option::Column::Position).eq(position)),
        )
        .and_where(variant(product_variant::Column::StoreId).eq(store.id))
        .and_where(
            variant(product_variant::Column::ProductId).in_subquery(listed_ids(
                store,
                listing,
                &FilterGroup::VariantOption,
            )),
        )
        .group_by_col((ProductOption, product_option::Column::Name))
        .group_by_col((ProductVariant, column))
        .order_by((ProductVariant, column), sea_orm::Order::Asc)
        .to_owned()
}

async fn label_counts(
    db: &impl ConnectionTrait,
    query: SelectStatement,
) -> Result<Vec<(String, i64)>> {
    db.query_all(&query)
        .await?
        .into_iter()
        .map(|row| Ok((row.try_get("", "label")?, row.try_get("", "count")?)))
        .collect()
}
