//! Product recommendations: products of the same type, best sellers first, then the store's best
//! sellers to fill up; never the product itself, never a product twice.

use entities::product;
use sea_orm::ConnectionTrait;

use super::Visibility;
use super::filters::ProductFilter;
use super::listing::{ProductListing, ProductSort, Window, list_products};
use super::product_read::{ProductKey, find_product};
use crate::error::Result;
use crate::stores::Store;

/// How many products a recommendation lists.
pub const RECOMMENDATIONS: usize = 10;

/// Products to recommend next to the product `key` names; empty when there is no such product.
pub async fn recommend(
    db: &impl ConnectionTrait,
    store: &Store,
    visibility: Visibility,
    key: ProductKey<'_>,
) -> Result<Vec<product::Model>> {
    let Some(product) = find_product(db, store, visibility, key).await? else {
        return Ok(Vec::new());
    };
    let mut listing = ProductListing {
        visibility,
        collection: None,
        terms: Vec::new(),
        filters: vec![ProductFilter::ProductType(product.product_type.clone())],
        sort: ProductSort::BestSelling,
        reverse: false,
    };
    let window = |limit: usize| Window {
        limit: limit as u64,
        ..Window::default()
    };
    let mut found = list_products(db, store, &listing, &window(RECOMMENDATIONS + 1)).await?;
    if found.len() <= RECOMMENDATIONS {
        listing.filters.clear();
        found.extend(list_products(db, store, &listing, &window(RECOMMENDATIONS * 2)).await?);
    }
    let mut seen = vec![product.id];
    Ok(found
        .into_iter()
        .map(|listed| listed.product)
        .filter(|candidate| {
            let fresh = !seen.contains(&candidate.id);
            seen.push(candidate.id);
            fresh
        })
        .take(RECOMMENDATIONS)
        .collect())
}
