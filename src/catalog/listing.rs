//! Lists of products: the catalog, a collection's products, or the admin's product list, narrowed
//! by search terms and filters, sorted, and cut into pages by offset and limit.

use entities::{collection_product, prelude::*, product};
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Order, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
};
use uuid::Uuid;

use super::filters::{FilterGroup, ProductFilter, filters_condition, terms_condition};
use super::search_query::Term;
use super::{ProductStatus, Visibility};
use crate::error::Result;
use crate::stores::Store;

/// Sort orders of product lists (the union of Shopify's product and collection sort keys).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProductSort {
    Id,
    Title,
    Price,
    CreatedAt,
    UpdatedAt,
    BestSelling,
    Relevance,
    Vendor,
    ProductType,
    /// The merchant's manual order within a collection.
    CollectionDefault,
}

/// What to list.
#[derive(Debug, Clone)]
pub struct ProductListing {
    pub visibility: Visibility,
    pub collection: Option<Uuid>,
    pub terms: Vec<Term>,
    pub filters: Vec<ProductFilter>,
    pub sort: ProductSort,
    pub reverse: bool,
}

impl ProductListing {
    /// The condition selecting the listed products, leaving out one filter group if asked.
    pub fn condition(&self, store: &Store, except: Option<&FilterGroup>) -> Condition {
        let mut condition = Condition::all()
            .add(product::Column::StoreId.eq(store.id))
            .add(terms_condition(&self.terms))
            .add(filters_condition(&self.filters, except));
        match self.visibility {
            Visibility::Storefront => {
                condition =
                    condition.add(product::Column::Status.eq(ProductStatus::Active.as_str()));
            }
            Visibility::Admin(Some(status)) => {
                condition = condition.add(product::Column::Status.eq(status.as_str()));
            }
            Visibility::Admin(None) => {}
        }
        if let Some(collection_id) = self.collection {
            condition = condition.add(
                product::Column::Id.in_subquery(
                    Query::select()
                        .column(collection_product::Column::ProductId)
                        .from(CollectionProduct)
                        .and_where(collection_product::Column::CollectionId.eq(collection_id))
                        .to_owned(),
                ),
            );
        }
        condition
    }

    fn sorted(&self, select: Select<Product>) -> Select<Product> {
        let (ascending, descending) = if self.reverse {
            (Order::Desc, Order::Asc)
        } else {
            (Order::Asc, Order::Desc)
        };
        let select = match (self.sort, self.collection) {
            (ProductSort::CollectionDefault | ProductSort::Relevance, Some(collection_id)) => {
                select.order_by(
                    Expr::expr(
                        Query::select()
                            .column(collection_product::Column::Position)
                            .from(CollectionProduct)
                            .and_where(collection_product::Column::CollectionId.eq(collection_id))
                            .and_where(
                                Expr::col((
                                    CollectionProduct,
                                    collection_product::Column::ProductId,
                                ))
                                .equals((Product, product::Column::Id)),
                            )
                            .to_owned(),
                    ),
                    ascending.clone(),
                )
            }
            (ProductSort::Title, _) => select.order_by(product::Column::Title, ascending.clone()),
            (ProductSort::Price, _) => {
                select.order_by(product::Column::PriceMinMinor, ascending.clone())
            }
            (ProductSort::CreatedAt, _) => {
                select.order_by(product::Column::CreatedAt, ascending.clone())
            }
            (ProductSort::UpdatedAt, _) => {
                select.order_by(product::Column::UpdatedAt, ascending.clone())
            }
            (ProductSort::BestSelling, _) => {
                select.order_by(product::Column::UnitsSold, descending.clone())
            }
            (ProductSort::Vendor, _) => select.order_by(product::Column::Vendor, ascending.clone()),
            (ProductSort::ProductType, _) => {
                select.order_by(product::Column::ProductType, ascending.clone())
            }
            (ProductSort::Id | ProductSort::Relevance | ProductSort::CollectionDefault, _) => {
                select
            }
        };
        let tiebreak = if self.sort == ProductSort::BestSelling {
            descending
        } else {
            ascending
        };
        select.order_by(product::Column::Id, tiebreak)
    }
}

/// One page of the listing, starting at `offset`, at most `limit` products.
pub async fn list_products(
    db: &impl ConnectionTrait,
    store: &Store,
    listing: &ProductListing,
    offset: u64,
    limit: u64,
) -> Result<Vec<product::Model>> {
    let select = Product::find().filter(listing.condition(store, None));
    Ok(listing
        .sorted(select)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?)
}

/// How many products the listing holds.
pub async fn count_products(
    db: &impl ConnectionTrait,
    store: &Store,
    listing: &ProductListing,
) -> Result<u64> {
    Ok(Product::find()
        .filter(listing.condition(store, None))
        .count(db)
        .await?)
}
