//! Adding, changing and removing the variants of a product, keeping its option values and its
//! denormalised price range in step.

use std::collections::HashMap;

use chrono::Utc;
use entities::{prelude::*, product, product_option, product_option_value, product_variant};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set, TransactionSession, TransactionTrait,
};
use uuid::Uuid;

use super::product_input::{
    CheckedVariant, VariantInput, check_variant, check_variant_count, variant_title,
};
use super::product_write::find_for_update;
use crate::error::{AppError, InputErrorCode, Result};
use crate::inventory;
use crate::money::CurrencyCode;
use crate::stores::Store;

/// Adds variants to a product; each may carry an initial stock quantity.
pub async fn bulk_create_variants(
    db: &impl TransactionTrait,
    store: &Store,
    product_id: Uuid,
    variants: Vec<VariantInput>,
) -> Result<Vec<product_variant::Model>> {
    let tx = db.begin().await?;
    let product = find_for_update(&tx, store, product_id).await?;
    let existing = variants_of(&tx, product_id).await?;
    check_variant_count(existing.len() + variants.len())?;
    let option_count = options_of(&tx, product_id).await?.len();
    let currency = CurrencyCode::parse(&store.currency)?;
    let checked = check_all(&variants, option_count, currency, true)?;
    let next_position = existing.iter().map(|v| v.position).max().unwrap_or(0) + 1;
    let created = insert_variants(&tx, store, product_id, &checked, next_position).await?;
    sync_option_values(&tx, store, product_id).await?;
    refresh_price_range(&tx, product).await?;
    tx.commit().await?;
    Ok(created)
}

/// Changes price, compare-at price, SKU, option values or shipping of existing variants.
pub async fn bulk_update_variants(
    db: &impl TransactionTrait,
    store: &Store,
    product_id: Uuid,
    variants: Vec<VariantInput>,
) -> Result<Vec<product_variant::Model>> {
    check_variant_count(variants.len())?;
    let tx = db.begin().await?;
    let product = find_for_update(&tx, store, product_id).await?;
    let existing: HashMap<Uuid, product_variant::Model> = variants_of(&tx, product_id)
        .await?
        .into_iter()
        .map(|variant| (variant.id, variant))
        .collect();
    let option_count = options_of(&tx, product_id).await?.len();
    let currency = CurrencyCode::parse(&store.currency)?;
    let checked = check_all(&variants, option_count, currency, false)?;
    let mut updated = Vec::with_capacity(variants.len());
    for (index, (input, change)) in variants.iter().zip(checked).enumerate() {
        let current = input
            .id
            .and_then(|id| existing.get(&id))
            .ok_or_else(|| {
                AppError::invalid(
                    &["variants", &index.to_string(), "id"],
                    InputErrorCode::NotFound,
                    "no variant with this id on the product",
                )
            })?
            .clone();
        updated.push(apply_change(&tx, current, change).await?);
    }
    sync_option_values(&tx, store, product_id).await?;
    refresh_price_range(&tx, product).await?;
    tx.commit().await?;
    Ok(updated)
}

/// Removes variants from a product; at least one variant always remains.
pub async fn bulk_delete_variants(
    db: &impl TransactionTrait,
    store: &Store,
    product_id: Uuid,
    variant_ids: &[Uuid],
) -> Result<product::Model> {
    let tx = db.begin().await?;
    let product = find_for_update(&tx, store, product_id).await?;
    let existing = variants_of(&tx, product_id).await?;
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
    ProductVariant::delete_many()
        .filter(product_variant::Column::ProductId.eq(product_id))
        .filter(product_variant::Column::Id.is_in(variant_ids.iter().copied()))
        .exec(&tx)
        .await?;
    sync_option_values(&tx, store, product_id).await?;
    let product = refresh_price_range(&tx, product).await?;
    tx.commit().await?;
    Ok(product)
}

fn check_all(
    variants: &[VariantInput],
    option_count: usize,
    currency: CurrencyCode,
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
        inventory::create_level(db, store, model.id, variant.inventory_quantity).await?;
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
    let variants = variants_of(db, product_id).await?;
    for option in options_of(db, product_id).await? {
        let used: Vec<&str> = {
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
            used
        };
        let existing = ProductOptionValue::find()
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
                .filter(product_option_value::Column::Id.is_in(unused))
                .exec(db)
                .await?;
        }
        let mut position = existing
            .iter()
            .map(|value| value.position)
            .max()
            .unwrap_or(0);
        for name in used {
            if existing.iter().any(|value| value.name == name) {
                continue;
            }
            position += 1;
            product_option_value::ActiveModel {
                id: Set(Uuid::now_v7()),
                store_id: Set(store.id),
                option_id: Set(option.id),
                name: Set(name.to_string()),
                position: Set(position),
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}

/// Recomputes the product's lowest and highest variant price.
pub async fn refresh_price_range(
    db: &impl ConnectionTrait,
    product: product::Model,
) -> Result<product::Model> {
    let prices: Vec<i64> = variants_of(db, product.id)
        .await?
        .iter()
        .map(|variant| variant.price_minor)
        .collect();
    let mut active = product.into_active_model();
    active.price_min_minor = Set(prices.iter().copied().min().unwrap_or(0));
    active.price_max_minor = Set(prices.iter().copied().max().unwrap_or(0));
    active.updated_at = Set(Utc::now());
    Ok(active.update(db).await?)
}

async fn variants_of(
    db: &impl ConnectionTrait,
    product_id: Uuid,
) -> Result<Vec<product_variant::Model>> {
    Ok(ProductVariant::find()
        .filter(product_variant::Column::ProductId.eq(product_id))
        .order_by_asc(product_variant::Column::Position)
        .all(db)
        .await?)
}

async fn options_of(
    db: &impl ConnectionTrait,
    product_id: Uuid,
) -> Result<Vec<product_option::Model>> {
    Ok(ProductOption::find()
        .filter(product_option::Column::ProductId.eq(product_id))
        .order_by_asc(product_option::Column::Position)
        .all(db)
        .await?)
}
