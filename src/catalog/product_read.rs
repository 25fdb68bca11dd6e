//! Reading products and the parts that hang off them. The batch functions take many product (or
//! variant) ids at once and are what the per-request DataLoaders call.

use entities::{
    inventory_level, prelude::*, product, product_image, product_option, product_option_value,
    product_tag, product_variant,
};
use sea_orm::sea_query::{Expr, ExprTrait, IntoCondition, LockType, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect,
    RelationDef,
};
use uuid::Uuid;

use super::{ProductStatus, Visibility};
use crate::error::{AppError, Result};
use crate::stores::Store;

/// Which product to find.
pub enum ProductKey<'a> {
    Id(Uuid),
    Handle(&'a str),
}

/// A product visible to the caller, by id or handle.
pub async fn find_product(
    db: &impl ConnectionTrait,
    store: &Store,
    visibility: Visibility,
    key: ProductKey<'_>,
) -> Result<Option<product::Model>> {
    let mut query = Product::find().filter(product::Column::StoreId.eq(store.id));
    query = match key {
        ProductKey::Id(id) => query.filter(product::Column::Id.eq(id)),
        ProductKey::Handle(handle) => query.filter(product::Column::Handle.eq(handle)),
    };
    if visibility == Visibility::Storefront {
        query = query.filter(product::Column::Status.eq(ProductStatus::Active.as_str()));
    }
    Ok(query.one(db).await?)
}

/// A product of this store, locked for the rest of the caller's transaction (`FOR NO KEY
/// UPDATE`, so rows that merely reference it are not held up; on SQLite the
/// writer's transaction already holds the database), or `NotFound`. Every write to a product or
/// its variants takes this lock first, so such writes run one after another and each sees the
/// last one's variants (the denormalised price range depends on it).
pub async fn lock_product(
    db: &impl ConnectionTrait,
    store: &Store,
    product_id: Uuid,
) -> Result<product::Model> {
    Product::find_by_id(product_id)
        .filter(product::Column::StoreId.eq(store.id))
        .lock(LockType::NoKeyUpdate)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Products by id, keeping only those the caller may see.
pub async fn products_by_ids(
    db: &impl ConnectionTrait,
    store: &Store,
    visibility: Visibility,
    ids: &[Uuid],
) -> Result<Vec<product::Model>> {
    let mut query = Product::find()
        .filter(product::Column::StoreId.eq(store.id))
        .filter(product::Column::Id.is_in(ids.iter().copied()));
    if visibility == Visibility::Storefront {
        query = query.filter(product::Column::Status.eq(ProductStatus::Active.as_str()));
    }
    Ok(query.all(db).await?)
}

pub async fn variants_of_products(
    db: &impl ConnectionTrait,
    store: &Store,
    product_ids: &[Uuid],
) -> Result<Vec<product_variant::Model>> {
    Ok(ProductVariant::find()
        .filter(product_variant::Column::StoreId.eq(store.id))
        .filter(product_variant::Column::ProductId.is_in(product_ids.iter().copied()))
        .order_by_asc(product_variant::Column::Position)
        .all(db)
        .await?)
}

pub async fn variants_by_ids(
    db: &impl ConnectionTrait,
    store: &Store,
    ids: &[Uuid],
) -> Result<Vec<product_variant::Model>> {
    Ok(ProductVariant::find()
        .filter(product_variant::Column::StoreId.eq(store.id))
        .filter(product_variant::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?)
}

/// Which of these variants shoppers can buy: those of the store's active products. One statement.
pub async fn sellable_variant_ids(
    db: &impl ConnectionTrait,
    store: &Store,
    ids: &[Uuid],
) -> Result<Vec<Uuid>> {
    let active_products = Query::select()
        .column(product::Column::Id)
        .from(Product)
        .and_where(Expr::col(product::Column::StoreId).eq(store.id))
        .and_where(Expr::col(product::Column::Status).eq(ProductStatus::Active.as_str()))
        .to_owned();
    Ok(ProductVariant::find()
        .select_only()
        .column(product_variant::Column::Id)
        .filter(product_variant::Column::StoreId.eq(store.id))
        .filter(product_variant::Column::Id.is_in(ids.iter().copied()))
        .filter(product_variant::Column::ProductId.in_subquery(active_products))
        .into_tuple()
        .all(db)
        .await?)
}

/// Variants of many products, each with its stock level (`None` where it has none): one
/// statement, so a product page's stock costs nothing more than its variants.
pub async fn variants_with_levels_of_products(
    db: &impl ConnectionTrait,
    store: &Store,
    product_ids: &[Uuid],
) -> Result<Vec<(product_variant::Model, Option<inventory_level::Model>)>> {
    let level = store_join::<ProductVariant, InventoryLevel>(
        product_variant::Column::Id,
        inventory_level::Column::VariantId,
        inventory_level::Column::StoreId,
        store,
    );
    Ok(ProductVariant::find()
        .select_also(InventoryLevel)
        .join(JoinType::LeftJoin, level)
        .filter(product_variant::Column::StoreId.eq(store.id))
        .filter(product_variant::Column::ProductId.is_in(product_ids.iter().copied()))
        .order_by_asc(product_variant::Column::Position)
        .all(db)
        .await?)
}

/// Options of many products, each with its values in order: one statement.
pub async fn options_of_products(
    db: &impl ConnectionTrait,
    store: &Store,
    product_ids: &[Uuid],
) -> Result<Vec<(product_option::Model, Vec<product_option_value::Model>)>> {
    let values = store_join::<ProductOption, ProductOptionValue>(
        product_option::Column::Id,
        product_option_value::Column::OptionId,
        product_option_value::Column::StoreId,
        store,
    );
    let rows = ProductOption::find()
        .select_also(ProductOptionValue)
        .join(JoinType::LeftJoin, values)
        .filter(product_option::Column::StoreId.eq(store.id))
        .filter(product_option::Column::ProductId.is_in(product_ids.iter().copied()))
        .order_by_asc(product_option::Column::Position)
        .order_by_asc(product_option::Column::Id)
        .order_by_asc(product_option_value::Column::Position)
        .all(db)
        .await?;
    Ok(options_with_values(rows))
}

/// The join of `E` to the rows of `R` whose `to` is `from`, restricted to the store's rows of `R`
/// (`store_column`), so a join never reaches another store even through a wrong id.
fn store_join<E: EntityTrait, R: EntityTrait + Default>(
    from: E::Column,
    to: R::Column,
    store_column: R::Column,
    store: &Store,
) -> RelationDef {
    let store_id = store.id;
    E::belongs_to(R::default())
        .from(from)
        .to(to)
        .on_condition(move |_, joined| {
            Expr::col((joined, store_column))
                .eq(store_id)
                .into_condition()
        })
        .into()
}

/// Folds joined option rows (ordered by option) into options with their values.
fn options_with_values(
    rows: Vec<(product_option::Model, Option<product_option_value::Model>)>,
) -> Vec<(product_option::Model, Vec<product_option_value::Model>)> {
    let mut options: Vec<(product_option::Model, Vec<product_option_value::Model>)> = Vec::new();
    for (option, value) in rows {
        match options.last_mut() {
            Some((last, values)) if last.id == option.id => values.extend(value),
            _ => options.push((option, value.into_iter().collect())),
        }
    }
    options
}

pub async fn images_of_products(
    db: &impl ConnectionTrait,
    store: &Store,
    product_ids: &[Uuid],
) -> Result<Vec<product_image::Model>> {
    Ok(ProductImage::find()
        .filter(product_image::Column::StoreId.eq(store.id))
        .filter(product_image::Column::ProductId.is_in(product_ids.iter().copied()))
        .order_by_asc(product_image::Column::Position)
        .all(db)
        .await?)
}

pub async fn tags_of_products(
    db: &impl ConnectionTrait,
    store: &Store,
    product_ids: &[Uuid],
) -> Result<Vec<product_tag::Model>> {
    Ok(ProductTag::find()
        .filter(product_tag::Column::StoreId.eq(store.id))
        .filter(product_tag::Column::ProductId.is_in(product_ids.iter().copied()))
        .order_by_asc(product_tag::Column::Position)
        .all(db)
        .await?)
}

/// The products of `ids` the view shows, in the order of `ids` (search results: an id the index
/// still holds but the catalog no longer shows is left out).
pub async fn find_in_order(
    db: &impl ConnectionTrait,
    store: &Store,
    visibility: Visibility,
    ids: &[Uuid],
) -> Result<Vec<product::Model>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = Product::find()
        .filter(product::Column::StoreId.eq(store.id))
        .filter(product::Column::Id.is_in(ids.iter().copied()));
    if visibility == Visibility::Storefront {
        query = query.filter(product::Column::Status.eq(ProductStatus::Active.as_str()));
    }
    let mut found: std::collections::HashMap<Uuid, product::Model> = query
        .all(db)
        .await?
        .into_iter()
        .map(|product| (product.id, product))
        .collect();
    Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
}
