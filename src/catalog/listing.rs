//! Lists of products: the catalog, a collection's products, or the admin's product list, narrowed
//! by search terms and filters, sorted, and read in keyset windows. Every product of a listing
//! has a key (the sort column's value and its id, unique and totally ordered), and a window reads
//! the products after or before a key, so pages neither skip nor repeat products while the
//! catalog changes and a deep page costs what the first one does.

use chrono::{DateTime, Utc};
use entities::{collection_product, prelude::*, product};
use sea_orm::sea_query::{
    Alias, Condition, Expr, ExprTrait, IntoColumnRef, Order, Query, SelectStatement, Value,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, Iterable, PaginatorTrait,
    QueryFilter,
};
use uuid::Uuid;

use super::filters::{FilterGroup, ProductFilter, filters_condition, terms_condition};
use super::search_query::Term;
use super::{ProductStatus, Visibility};
use crate::error::{AppError, Result};
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

/// The value a listing sorts by.
#[derive(Debug, Clone, PartialEq)]
pub enum SortValue {
    /// The listing sorts by id alone.
    None,
    Text(String),
    Number(i64),
    Time(DateTime<Utc>),
}

/// A product's place in a listing: which order it is a place in (`sort`, such as `title` or
/// `position-{collection}`), the sort value, then the id to break ties. A key is only valid in a
/// listing of the same order.
#[derive(Debug, Clone, PartialEq)]
pub struct ListingKey {
    pub sort: String,
    pub value: SortValue,
    pub id: Uuid,
}

/// The most search terms and filters one listing takes: each becomes conditions in every query of
/// the listing and its facets.
pub const MAX_TERMS: usize = 20;
pub const MAX_FILTERS: usize = 20;

/// A window of a listing: products strictly between the keys, at most `limit`, read from the
/// start (`from_end: false`) or from the end.
#[derive(Debug, Clone, Default)]
pub struct Window {
    pub after: Option<ListingKey>,
    pub before: Option<ListingKey>,
    pub limit: u64,
    pub from_end: bool,
    /// Products skipped first (pages by position, when search falls back to the database).
    pub offset: u64,
}

/// The column (or collection position) a sort reads, and the kind of value it holds.
#[derive(Clone, Copy)]
enum SortColumn {
    Id,
    Text(product::Column),
    Number(product::Column),
    Time(product::Column),
    Position,
}

const POSITION: &str = "listing_position";

impl ProductListing {
    /// The condition selecting the listed products, leaving out one filter group if asked.
    pub fn condition(&self, store: &Store, except: Option<&FilterGroup>) -> Condition {
        let mut condition = Condition::all()
            .add(product::Column::StoreId.eq(store.id))
            .add(terms_condition(store.id, &self.terms))
            .add(filters_condition(store.id, &self.filters, except));
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
                        .and_where(collection_product::Column::StoreId.eq(store.id))
                        .and_where(collection_product::Column::CollectionId.eq(collection_id))
                        .to_owned(),
                ),
            );
        }
        condition
    }

    /// Refuses listings with more terms or filters than a query should carry.
    pub fn check(&self) -> Result<()> {
        if self.terms.len() > MAX_TERMS {
            let message = format!("a search takes at most {MAX_TERMS} terms");
            return Err(AppError::BadRequest(message));
        }
        if self.filters.len() > MAX_FILTERS {
            let message = format!("a listing takes at most {MAX_FILTERS} filters");
            return Err(AppError::BadRequest(message));
        }
        Ok(())
    }

    /// The name of the listing's order, as its keys carry it.
    fn sort_name(&self) -> String {
        use product::Column;
        match (self.sort_column(), self.collection) {
            (SortColumn::Position, Some(collection)) => format!("position-{}", collection.simple()),
            (SortColumn::Id | SortColumn::Position, _) => "id".into(),
            (SortColumn::Text(c) | SortColumn::Number(c) | SortColumn::Time(c), _) => match c {
                Column::Title => "title",
                Column::Vendor => "vendor",
                Column::ProductType => "product_type",
                Column::PriceMinMinor => "price",
                Column::UnitsSold => "units_sold",
                Column::CreatedAt => "created_at",
                _ => "updated_at",
            }
            .into(),
        }
    }

    fn sort_column(&self) -> SortColumn {
        use product::Column;
        match (self.sort, self.collection) {
            (ProductSort::CollectionDefault | ProductSort::Relevance, Some(_)) => {
                SortColumn::Position
            }
            (ProductSort::Title, _) => SortColumn::Text(Column::Title),
            (ProductSort::Vendor, _) => SortColumn::Text(Column::Vendor),
            (ProductSort::ProductType, _) => SortColumn::Text(Column::ProductType),
            (ProductSort::Price, _) => SortColumn::Number(Column::PriceMinMinor),
            (ProductSort::BestSelling, _) => SortColumn::Number(Column::UnitsSold),
            (ProductSort::CreatedAt, _) => SortColumn::Time(Column::CreatedAt),
            (ProductSort::UpdatedAt, _) => SortColumn::Time(Column::UpdatedAt),
            (ProductSort::Id | ProductSort::Relevance | ProductSort::CollectionDefault, _) => {
                SortColumn::Id
            }
        }
    }

    /// Whether the listing reads ascending (best sellers come first, so that sort is descending).
    fn ascending(&self) -> bool {
        (self.sort == ProductSort::BestSelling) == self.reverse
    }

    /// The key of a listed product.
    fn key_of(&self, product: &product::Model, position: Option<i32>) -> ListingKey {
        let value = match self.sort_column() {
            SortColumn::Id => SortValue::None,
            SortColumn::Position => SortValue::Number(position.map(i64::from).unwrap_or(0)),
            SortColumn::Text(column) => SortValue::Text(text_of(product, column)),
            SortColumn::Number(column) => SortValue::Number(number_of(product, column)),
            SortColumn::Time(column) => SortValue::Time(time_of(product, column)),
        };
        ListingKey {
            sort: self.sort_name(),
            value,
            id: product.id,
        }
    }

    /// The expression the listing sorts by, if any besides the id.
    fn sort_expr(&self) -> Option<Expr> {
        match self.sort_column() {
            SortColumn::Id => None,
            SortColumn::Position => Some(Expr::col((
                CollectionProduct,
                collection_product::Column::Position,
            ))),
            SortColumn::Text(column) | SortColumn::Number(column) | SortColumn::Time(column) => {
                Some(Expr::col((Product, column)))
            }
        }
    }

    /// Products strictly after `key` in the direction `ascending` (before it when false).
    fn beyond(&self, key: &ListingKey, ascending: bool) -> Result<Condition> {
        if key.sort != self.sort_name() {
            return Err(AppError::BadRequest(
                "the cursor is for another order".into(),
            ));
        }
        let id = Expr::col((Product, product::Column::Id));
        let past = |column: Expr, value: Value| {
            if ascending {
                column.gt(value)
            } else {
                column.lt(value)
            }
        };
        let Some(sort) = self.sort_expr() else {
            return Ok(Condition::all().add(past(id, key.id.into())));
        };
        let value: Value = match (&key.value, self.sort_column()) {
            (SortValue::Text(text), SortColumn::Text(_)) => text.clone().into(),
            (SortValue::Number(n), SortColumn::Number(_) | SortColumn::Position) => (*n).into(),
            (SortValue::Time(time), SortColumn::Time(_)) => (*time).into(),
            _ => {
                return Err(AppError::BadRequest(
                    "the cursor is for another sort order".into(),
                ));
            }
        };
        Ok(Condition::any()
            .add(past(sort.clone(), value.clone()))
            .add(sort.eq(value).and(past(id, key.id.into()))))
    }

    fn select(&self, store: &Store, window: &Window) -> Result<SelectStatement> {
        let mut query = Query::select();
        query
            .columns(product::Column::iter().map(|column| (Product, column).into_column_ref()))
            .from(Product)
            .cond_where(self.condition(store, None));
        if let (SortColumn::Position, Some(collection_id)) = (self.sort_column(), self.collection) {
            query
                .expr_as(
                    Expr::col((CollectionProduct, collection_product::Column::Position)),
                    Alias::new(POSITION),
                )
                .inner_join(
                    CollectionProduct,
                    Expr::col((CollectionProduct, collection_product::Column::ProductId))
                        .equals((Product, product::Column::Id))
                        .and(
                            Expr::col((CollectionProduct, collection_product::Column::StoreId))
                                .eq(store.id),
                        )
                        .and(
                            Expr::col((
                                CollectionProduct,
                                collection_product::Column::CollectionId,
                            ))
                            .eq(collection_id),
                        ),
                );
        }
        if let Some(after) = &window.after {
            query.cond_where(self.beyond(after, self.ascending())?);
        }
        if let Some(before) = &window.before {
            query.cond_where(self.beyond(before, !self.ascending())?);
        }
        let reading_up = self.ascending() != window.from_end;
        let order = if reading_up { Order::Asc } else { Order::Desc };
        if let Some(sort) = self.sort_expr() {
            query.order_by_expr(sort, order.clone());
        }
        query
            .order_by((Product, product::Column::Id), order)
            .limit(window.limit)
            .offset(window.offset);
        Ok(query)
    }
}

/// A product with its key in the listing.
#[derive(Debug, Clone)]
pub struct Listed {
    pub product: product::Model,
    pub key: ListingKey,
}

/// One window of the listing, in listing order.
pub async fn list_products(
    db: &impl ConnectionTrait,
    store: &Store,
    listing: &ProductListing,
    window: &Window,
) -> Result<Vec<Listed>> {
    listing.check()?;
    let query = listing.select(store, window)?;
    let mut listed = Vec::new();
    for row in db.query_all(&query).await? {
        let product = product::Model::from_query_result(&row, "")?;
        let position: Option<i32> = row.try_get("", POSITION).ok();
        let key = listing.key_of(&product, position);
        listed.push(Listed { product, key });
    }
    if window.from_end {
        listed.reverse();
    }
    Ok(listed)
}

/// How many products the listing holds.
pub async fn count_products(
    db: &impl ConnectionTrait,
    store: &Store,
    listing: &ProductListing,
) -> Result<u64> {
    listing.check()?;
    Ok(Product::find()
        .filter(listing.condition(store, None))
        .count(db)
        .await?)
}

fn text_of(product: &product::Model, column: product::Column) -> String {
    match column {
        product::Column::Vendor => product.vendor.clone(),
        product::Column::ProductType => product.product_type.clone(),
        _ => product.title.clone(),
    }
}

fn number_of(product: &product::Model, column: product::Column) -> i64 {
    match column {
        product::Column::UnitsSold => product.units_sold,
        _ => product.price_min_minor,
    }
}

fn time_of(product: &product::Model, column: product::Column) -> DateTime<Utc> {
    match column {
        product::Column::UpdatedAt => product.updated_at,
        _ => product.created_at,
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::sea_query::PostgresQueryBuilder;

    use super::*;
    use crate::catalog::search_query;

    fn store() -> Store {
        Store {
            id: Uuid::now_v7(),
            name: "S".into(),
            domain: "s.example.test".into(),
            currency: "USD".into(),
            description: String::new(),
            settings: serde_json::json!({}),
            status: "active".into(),
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn every_table_a_listing_reads_is_narrowed_to_the_store() {
        let store = store();
        let listing = ProductListing {
            visibility: Visibility::Storefront,
            collection: Some(Uuid::now_v7()),
            terms: search_query::parse("tee tag:summer available_for_sale:true"),
            filters: vec![
                ProductFilter::Available(true),
                ProductFilter::Price {
                    min: Some(1),
                    max: None,
                },
                ProductFilter::Tag("cotton".into()),
                ProductFilter::VariantOption {
                    name: "Size".into(),
                    value: "M".into(),
                },
            ],
            sort: ProductSort::CollectionDefault,
            reverse: false,
        };
        let window = Window {
            limit: 10,
            ..Window::default()
        };
        let sql = listing
            .select(&store, &window)
            .unwrap()
            .to_string(PostgresQueryBuilder);
        let tables = sql.matches(" FROM ").count() + sql.matches(" JOIN ").count();
        let narrowed = sql
            .matches(&format!("\"store_id\" = '{}'", store.id))
            .count();
        assert!(tables >= 8, "the listing reads many tables: {sql}");
        assert!(
            narrowed >= tables,
            "{tables} tables read, {narrowed} narrowed to the store: {sql}"
        );
    }
}
