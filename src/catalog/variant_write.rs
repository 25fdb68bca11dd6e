//! Adding, changing and removing the variants of a product, keeping its option values and its
//! denormalised price range in step. Every function locks the product row first
//! (`product_read::lock_product`), so two writes to one product's variants run one after
//! another and the price range is recomputed from the variants as the last write left them.
//! Functions run in the caller's transaction and end by writing the product's one
//! `products/update` event, however many variants they changed.

use chrono::Utc;
use entities::{prelude::*, product, product_option, product_option_value, product_variant};
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query, SelectStatement};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};
use uuid::Uuid;

use super::events::{self, ProductSnapshot};
use super::product_input::{
    CheckedVariant, VariantInput, check_variant, check_variant_count, variant_title,
};
use super::product_read::lock_product;
use crate::error::{AppError, InputErrorCode, Result};
use crate::inventory::levels;
use crate::money::CurrencyCode;
use crate::outbox::Topic;
use crate::stores::{self, Store};

/// Adds variants to a product; each may carry an initial stock quantity.
pub async fn bulk_create_variants(
    db: &impl ConnectionTrait,
    store: &Store,
    product_id: Uuid,
    variants: Vec<VariantInput>,
) -> Result<Vec<product_variant::Model>> {
    let currency = current_currency(db, store).await?;
    lock_product(db, store, product_id)
        .await
        .map_err(|err| err.missing_at(&["productId"]))?;
    let existing = variants_of(db, store, product_id).await?;
    check_variant_count(existing.len() + variants.len())?;
    let option_count = options_of(db, store, product_id).await?.len();
    let checked = check_all(currency, &variants, option_count, true)?;
    let next_position = existing.iter().map(|v| v.position).max().unwrap_or(0) + 1;
    let created = insert_variants(db, store, product_id, &checked, next_position).await?;
    sync_option_values(db, store, product_id).await?;
    let product = refresh_price_range(db, store, product_id).await?;
    let all = [existing, created.clone()].concat();
    let known_stock = events::opening_stock(&created, &checked);
    announce(db, store, &product, currency, (&all, &[]), &known_stock).await?;
    Ok(created)
}

/// Changes price, compare-at price, SKU, option values or shipping of existing variants.
pub async fn bulk_update_variants(
    db: &impl ConnectionTrait,
    store: &Store,
    product_id: Uuid,
    variants: Vec<VariantInput>,
) -> Result<Vec<product_variant::Model>> {
    check_variant_count(variants.len())?;
    let currency = current_currency(db, store).await?;
    lock_product(db, store, product_id)
        .await
        .map_err(|err| err.missing_at(&["productId"]))?;
    let mut current = variants_of(db, store, product_id).await?;
    let option_count = options_of(db, store, product_id).await?.len();
    let checked = check_all(currency, &variants, option_count, false)?;
    let mut updated = Vec::with_capacity(variants.len());
    for (index, (input, change)) in variants.iter().zip(checked).enumerate() {
        let at = current
            .iter()
            .position(|variant| Some(variant.id) == input.id)
            .ok_or_else(|| {
                AppError::invalid(
                    &["variants", &index.to_string(), "id"],
                    InputErrorCode::NotFound,
                    "no variant with this id on the product",
                )
            })?;
        current[at] = apply_change(db, current[at].clone(), change).await?;
        updated.push(current[at].clone());
    }
    sync_option_values(db, store, product_id).await?;
    let product = refresh_price_range(db, store, product_id).await?;
    announce(db, store, &product, currency, (&current, &[]), &[]).await?;
    Ok(updated)
}

/// Removes variants from a product; at least one variant always remains. Their stock leaves
/// through the ledger, and carts holding them lose those lines.
pub async fn bulk_delete_variants(
    db: &impl ConnectionTrait,
    store: &Store,
    product_id: Uuid,
    variant_ids: &[Uuid],
) -> Result<product::Model> {
    lock_product(db, store, product_id)
        .await
        .map_err(|err| err.missing_at(&["productId"]))?;
    let existing = variants_of(db, store, product_id).await?;
    if let Some(unknown) = variant_ids
        .iter()
        .position(|id| !existing.iter().any(|v| v.id == *id))
    {
        return Err(AppError::invalid(
            &["variantsIds", &unknown.to_string()],
            InputErrorCode::NotFound,
            "no variant with this id on the product",
        ));
    }
    if existing
        .iter()
        .all(|variant| variant_ids.contains(&variant.id))
    {
        return Err(AppError::invalid(
            &["variantsIds"],
            InputErrorCode::Invalid,
            "a product must keep at least one variant",
        ));
    }
    levels::retire(db, store, variant_ids, "variant deleted").await?;
    ProductVariant::delete_many()
        .filter(product_variant::Column::StoreId.eq(store.id))
        .filter(product_variant::Column::ProductId.eq(product_id))
        .filter(product_variant::Column::Id.is_in(variant_ids.iter().copied()))
        .exec(db)
        .await?;
    sync_option_values(db, store, product_id).await?;
    let product = refresh_price_range(db, store, product_id).await?;
    let remaining: Vec<_> = existing
        .into_iter()
        .filter(|variant| !variant_ids.contains(&variant.id))
        .collect();
    // The request's copy of the store, as in `product_write::update_product`.
    let currency = stores::currency(store);
    announce(
        db,
        store,
        &product,
        currency,
        (&remaining, variant_ids),
        &[],
    )
    .await?;
    Ok(product)
}

/// Writes the product's `products/update` event with all its variants as this write left them
/// (and the ids of those it removed); `known_stock` gives the units of the variants it just
/// created.
async fn announce(
    db: &impl ConnectionTrait,
    store: &Store,
    product: &product::Model,
    currency: CurrencyCode,
    (variants, removed_variants): (&[product_variant::Model], &[Uuid]),
    known_stock: &[(Uuid, i64)],
) -> Result<()> {
    let snapshot = ProductSnapshot {
        product,
        currency,
        tags: None,
        variants: Some(variants),
        known_stock,
        removed_variants,
    };
    events::announce_product(db, store, Topic::ProductsUpdate, snapshot).await
}

/// The store's currency as it is now, holding the store row so that it cannot change before the
/// caller commits prices in it (`stores::update_store` takes the row exclusively).
pub async fn current_currency(db: &impl ConnectionTrait, store: &Store) -> Result<CurrencyCode> {
    let store = stores::lock(db, store.id, stores::Lock::Shared).await?;
    Ok(stores::currency(&store))
}

/// Checks variant inputs against the product's option count and the currency; `creating`
/// fills in missing option values as none.
pub fn check_all(
    currency: CurrencyCode,
    variants: &[VariantInput],
    option_count: usize,
    creating: bool,
) -> Result<Vec<CheckedVariant>> {
    variants
        .iter()
        .enumerate()
        .map(|(index, variant)| {
            let variant = if creating {
                VariantInput {
                    options: Some(variant.options.clone().unwrap_or_default()),
                    ..variant.clone()
                }
            } else {
                variant.clone()
            };
            check_variant(&variant, option_count, currency)
                .map_err(|err| err.within(&["variants", &index.to_string()]))
        })
        .collect()
}

async fn apply_change(
    db: &impl ConnectionTrait,
    current: product_variant::Model,
    change: CheckedVariant,
) -> Result<product_variant::Model> {
    let mut variant = current.into_active_model();
    if change.sku.is_some() {
        variant.sku = Set(change.sku);
    }
    if let Some(price) = change.price_minor {
        variant.price_minor = Set(price);
    }
    if let Some(compare_at) = change.compare_at_minor {
        variant.compare_at_minor = Set(compare_at);
    }
    if let Some(options) = change.options {
        variant.title = Set(variant_title(&options));
        let [o1, o2, o3] = option_columns(&options);
        variant.option1 = Set(o1);
        variant.option2 = Set(o2);
        variant.option3 = Set(o3);
    }
    if let Some(requires_shipping) = change.requires_shipping {
        variant.requires_shipping = Set(requires_shipping);
    }
    variant.updated_at = Set(Utc::now());
    Ok(variant.update(db).await?)
}

/// Inserts checked variants at consecutive positions, each with its stock level.
pub async fn insert_variants(
    db: &impl ConnectionTrait,
    store: &Store,
    product_id: Uuid,
    variants: &[CheckedVariant],
    first_position: i32,
) -> Result<Vec<product_variant::Model>> {
    let now = Utc::now();
    let mut created = Vec::with_capacity(variants.len());
    for (offset, variant) in variants.iter().enumerate() {
        let options = variant.options.clone().unwrap_or_default();
        let [o1, o2, o3] = option_columns(&options);
        let model = product_variant::ActiveModel {
            id: Set(Uuid::now_v7()),
            store_id: Set(store.id),
            product_id: Set(product_id),
            sku: Set(variant.sku.clone()),
            title: Set(variant_title(&options)),
            price_minor: Set(variant.price_minor.unwrap_or(0)),
            compare_at_minor: Set(variant.compare_at_minor.flatten()),
            position: Set(first_position + offset as i32),
            option1: Set(o1),
            option2: Set(o2),
            option3: Set(o3),
            requires_shipping: Set(variant.requires_shipping.unwrap_or(true)),
            image_id: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(db)
        .await?;
        levels::create_level(db, store, model.id, variant.inventory_quantity).await?;
        created.push(model);
    }
    Ok(created)
}

fn option_columns(options: &[String]) -> [String; 3] {
    std::array::from_fn(|index| options.get(index).cloned().unwrap_or_default())
}

/// Makes each option's values exactly those its variants use: existing values keep their id and
/// order, new ones are appended, unused ones removed.
pub async fn sync_option_values(
    db: &impl ConnectionTrait,
    store: &Store,
    product_id: Uuid,
) -> Result<()> {
    let variants = variants_of(db, store, product_id).await?;
    for option in options_of(db, store, product_id).await? {
        let mut used: Vec<&str> = Vec::new();
        for variant in &variants {
            let value = match option.position {
                1 => variant.option1.as_str(),
                2 => variant.option2.as_str(),
                _ => variant.option3.as_str(),
            };
            if !used.contains(&value) {
                used.push(value);
            }
        }
        let existing = ProductOptionValue::find()
            .filter(product_option_value::Column::StoreId.eq(store.id))
            .filter(product_option_value::Column::OptionId.eq(option.id))
            .order_by_asc(product_option_value::Column::Position)
            .all(db)
            .await?;
        let unused: Vec<Uuid> = existing
            .iter()
            .filter(|value| !used.contains(&value.name.as_str()))
            .map(|value| value.id)
            .collect();
        if !unused.is_empty() {
            ProductOptionValue::delete_many()
                .filter(product_option_value::Column::StoreId.eq(store.id))
                .filter(product_option_value::Column::Id.is_in(unused))
                .exec(db)
                .await?;
        }
        let mut position = existing.iter().map(|value| value.position).max();
        for name in used {
            if existing.iter().any(|value| value.name == name) {
                continue;
            }
            let next = position.unwrap_or(0) + 1;
            position = Some(next);
            product_option_value::ActiveModel {
                id: Set(Uuid::now_v7()),
                store_id: Set(store.id),
                option_id: Set(option.id),
                name: Set(name.to_string()),
                position: Set(next),
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}

/// Recomputes the product's lowest and highest variant price in one statement. Callers hold the
/// product lock, so the statement sees every earlier write to the product's variants.
pub async fn refresh_price_range(
    db: &impl ConnectionTrait,
    store: &Store,
    product_id: Uuid,
) -> Result<product::Model> {
    let price = |aggregate: fn(Expr) -> Expr| {
        Expr::expr(Func::coalesce([
            Expr::SubQuery(None, Box::new(variant_prices(store, aggregate).into())),
            Expr::val(0_i64),
        ]))
    };
    let updated = Product::update_many()
        .col_expr(
            product::Column::PriceMinMinor,
            price(|c| Func::min(c).into()),
        )
        .col_expr(
            product::Column::PriceMaxMinor,
            price(|c| Func::max(c).into()),
        )
        .col_expr(product::Column::UpdatedAt, Expr::val(Utc::now()))
        .filter(product::Column::StoreId.eq(store.id))
        .filter(product::Column::Id.eq(product_id))
        .exec_with_returning(db)
        .await?;
    updated.into_iter().next().ok_or(AppError::NotFound)
}

/// `SELECT aggregate(price_minor) FROM product_variants` of the product being updated.
fn variant_prices(store: &Store, aggregate: fn(Expr) -> Expr) -> SelectStatement {
    Query::select()
        .expr(aggregate(Expr::col((
            ProductVariant,
            product_variant::Column::PriceMinor,
        ))))
        .from(ProductVariant)
        .and_where(Expr::col((ProductVariant, product_variant::Column::StoreId)).eq(store.id))
        .and_where(
            Expr::col((ProductVariant, product_variant::Column::ProductId))
                .equals((Product, product::Column::Id)),
        )
        .to_owned()
}

async fn variants_of(
    db: &impl ConnectionTrait,
    store: &Store,
    product_id: Uuid,
) -> Result<Vec<product_variant::Model>> {
    Ok(ProductVariant::find()
        .filter(product_variant::Column::StoreId.eq(store.id))
        .filter(product_variant::Column::ProductId.eq(product_id))
        .order_by_asc(product_variant::Column::Position)
        .all(db)
        .await?)
}

async fn options_of(
    db: &impl ConnectionTrait,
    store: &Store,
    product_id: Uuid,
) -> Result<Vec<product_option::Model>> {
    Ok(ProductOption::find()
        .filter(product_option::Column::StoreId.eq(store.id))
        .filter(product_option::Column::ProductId.eq(product_id))
        .order_by_asc(product_option::Column::Position)
        .all(db)
        .await?)
}
