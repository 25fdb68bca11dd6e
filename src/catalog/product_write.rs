//! Creating, updating and deleting products, in the caller's transaction: an invalid input
//! returns an error before the caller commits, so it changes nothing. A write that succeeds ends
//! by writing its outbox event (`events`), so the event commits or rolls back with it.

use chrono::Utc;
use entities::{prelude::*, product, product_image, product_option, product_tag, product_variant};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QuerySelect, Set,
};
use uuid::Uuid;

use super::events::{self, ProductSnapshot};
use super::product_input::{
    ImageInput, ProductInput, VariantInput, check_images, check_new_product, check_option_names,
    check_search_pin, check_tags, check_variant_count,
};
use super::product_read::lock_product;
use super::variant_write::{
    check_all, current_currency, insert_variants, refresh_price_range, sync_option_values,
};
use super::{ProductStatus, handle};
use crate::error::{AppError, InputErrorCode, Result};
use crate::inventory::levels;
use crate::outbox::Topic;
use crate::stores::{self, Store};

/// Creates a product with its options, variants (and their stock), images and tags.
pub async fn create_product(
    db: &impl ConnectionTrait,
    store: &Store,
    mut input: ProductInput,
) -> Result<product::Model> {
    let (title, handle) = check_new_product(&input)?;
    let option_names = check_option_names(input.options.as_deref().unwrap_or_default())?;
    let tags = check_tags(input.tags.as_deref().unwrap_or_default())?;
    let images = input.images.take().unwrap_or_default();
    check_images(&images)?;
    let variants = variants_or_default(input.variants.take().unwrap_or_default(), &option_names)?;
    let currency = current_currency(db, store).await?;
    let checked = check_all(currency, &variants, option_names.len(), true)?;
    let product_id = insert_product(db, store, title, handle, input).await?;
    replace_tags(db, store, product_id, &tags).await?;
    insert_options(db, store, product_id, &option_names).await?;
    let variants = insert_variants(db, store, product_id, &checked, 1).await?;
    sync_option_values(db, store, product_id).await?;
    replace_images(db, store, product_id, &images).await?;
    let product = refresh_price_range(db, store, product_id).await?;
    let snapshot = ProductSnapshot {
        product: &product,
        currency,
        tags: Some(&tags),
        variants: Some(&variants),
        known_stock: &events::opening_stock(&variants, &checked),
        removed_variants: &[],
    };
    events::announce_product(db, store, Topic::ProductsCreate, snapshot).await?;
    Ok(product)
}

/// The variants of a new product: those given, or one default variant for a product without
/// options.
fn variants_or_default(
    variants: Vec<VariantInput>,
    option_names: &[String],
) -> Result<Vec<VariantInput>> {
    match (variants.is_empty(), option_names.is_empty()) {
        (false, _) => {
            check_variant_count(variants.len())?;
            Ok(variants)
        }
        (true, true) => Ok(vec![VariantInput::default()]),
        (true, false) => Err(AppError::invalid(
            &["variants"],
            InputErrorCode::Blank,
            "a product with options needs at least one variant",
        )),
    }
}

/// The product's own row, with the fields of `input` that remain.
async fn insert_product(
    db: &impl ConnectionTrait,
    store: &Store,
    title: String,
    handle: String,
    input: ProductInput,
) -> Result<Uuid> {
    let now = Utc::now();
    let status = input.status.unwrap_or(ProductStatus::Active);
    let search_pin = check_search_pin(input.search_pin.flatten())?;
    let product = product::ActiveModel {
        id: Set(Uuid::now_v7()),
        store_id: Set(store.id),
        handle: Set(handle),
        title: Set(title),
        description_html: Set(input.description_html.unwrap_or_default()),
        vendor: Set(input.vendor.unwrap_or_default().trim().to_string()),
        product_type: Set(input.product_type.unwrap_or_default().trim().to_string()),
        status: Set(status.as_str().into()),
        seo_title: Set(input.seo_title),
        seo_description: Set(input.seo_description),
        price_min_minor: Set(0),
        price_max_minor: Set(0),
        units_sold: Set(0),
        search_pin: Set(search_pin),
        published_at: Set((status == ProductStatus::Active).then_some(now)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(product.id)
}

async fn insert_options(
    db: &impl ConnectionTrait,
    store: &Store,
    product_id: Uuid,
    names: &[String],
) -> Result<()> {
    for (index, name) in names.iter().enumerate() {
        product_option::ActiveModel {
            id: Set(Uuid::now_v7()),
            store_id: Set(store.id),
            product_id: Set(product_id),
            name: Set(name.clone()),
            position: Set(index as i32 + 1),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Updates a product's own fields, tags and images; absent fields stay as they are.
pub async fn update_product(
    db: &impl ConnectionTrait,
    store: &Store,
    product_id: Uuid,
    input: ProductInput,
) -> Result<product::Model> {
    if input.options.is_some() || input.variants.is_some() {
        return Err(AppError::invalid(
            &["variants"],
            InputErrorCode::Invalid,
            "change variants with productVariantsBulkCreate, Update or Delete",
        ));
    }
    let existing = lock_product(db, store, product_id).await?;
    let was_active = existing.status == ProductStatus::Active.as_str();
    let mut product = existing.into_active_model();
    if let Some(title) = &input.title {
        product.title = Set(handle::validate_title(title)?);
    }
    if let Some(given) = &input.handle {
        product.handle = Set(handle::validate(given)?);
    }
    if let Some(description) = input.description_html {
        product.description_html = Set(description);
    }
    if let Some(vendor) = input.vendor {
        product.vendor = Set(vendor.trim().to_string());
    }
    if let Some(product_type) = input.product_type {
        product.product_type = Set(product_type.trim().to_string());
    }
    if let Some(status) = input.status {
        product.status = Set(status.as_str().into());
        if status == ProductStatus::Active && !was_active {
            product.published_at = Set(Some(Utc::now()));
        }
    }
    if input.seo_title.is_some() {
        product.seo_title = Set(input.seo_title);
    }
    if input.seo_description.is_some() {
        product.seo_description = Set(input.seo_description);
    }
    if let Some(pin) = input.search_pin {
        product.search_pin = Set(check_search_pin(pin)?);
    }
    let tags = input.tags.as_deref().map(check_tags).transpose()?;
    if let Some(tags) = &tags {
        replace_tags(db, store, product_id, tags).await?;
    }
    if let Some(images) = &input.images {
        check_images(images)?;
        replace_images(db, store, product_id, images).await?;
    }
    product.updated_at = Set(Utc::now());
    let product = product.update(db).await?;
    // Prices render in the request's copy of the store rather than a locked read: its currency
    // can change only while every price is zero, so a stale copy at worst renders a zero with the
    // old currency's decimals.
    let snapshot = ProductSnapshot {
        product: &product,
        currency: stores::currency(store),
        tags: tags.as_deref(),
        variants: None,
        known_stock: &[],
        removed_variants: &[],
    };
    events::announce_product(db, store, Topic::ProductsUpdate, snapshot).await?;
    Ok(product)
}

/// Deletes a product; its variants, options, images, tags and stock go with it (the stock
/// leaves through the ledger), and carts holding its variants lose those lines.
pub async fn delete_product(
    db: &impl ConnectionTrait,
    store: &Store,
    product_id: Uuid,
) -> Result<()> {
    lock_product(db, store, product_id).await?;
    let variant_ids: Vec<Uuid> = ProductVariant::find()
        .select_only()
        .column(product_variant::Column::Id)
        .filter(product_variant::Column::StoreId.eq(store.id))
        .filter(product_variant::Column::ProductId.eq(product_id))
        .into_tuple()
        .all(db)
        .await?;
    levels::retire(db, store, &variant_ids, "product deleted").await?;
    Product::delete_many()
        .filter(product::Column::StoreId.eq(store.id))
        .filter(product::Column::Id.eq(product_id))
        .exec(db)
        .await?;
    events::announce_product_deleted(db, store, product_id, &variant_ids).await
}

async fn replace_tags(
    db: &impl ConnectionTrait,
    store: &Store,
    product_id: Uuid,
    tags: &[String],
) -> Result<()> {
    ProductTag::delete_many()
        .filter(product_tag::Column::StoreId.eq(store.id))
        .filter(product_tag::Column::ProductId.eq(product_id))
        .exec(db)
        .await?;
    if tags.is_empty() {
        return Ok(());
    }
    let rows = tags
        .iter()
        .enumerate()
        .map(|(index, tag)| product_tag::ActiveModel {
            product_id: Set(product_id),
            tag: Set(tag.clone()),
            store_id: Set(store.id),
            position: Set(index as i32),
        });
    ProductTag::insert_many(rows).exec(db).await?;
    Ok(())
}

async fn replace_images(
    db: &impl ConnectionTrait,
    store: &Store,
    product_id: Uuid,
    images: &[ImageInput],
) -> Result<()> {
    ProductImage::delete_many()
        .filter(product_image::Column::StoreId.eq(store.id))
        .filter(product_image::Column::ProductId.eq(product_id))
        .exec(db)
        .await?;
    if images.is_empty() {
        return Ok(());
    }
    let rows = images
        .iter()
        .enumerate()
        .map(|(index, image)| product_image::ActiveModel {
            id: Set(Uuid::now_v7()),
            store_id: Set(store.id),
            product_id: Set(product_id),
            url: Set(image.url.trim().to_string()),
            alt_text: Set(image.alt_text.clone()),
            width: Set(image.width),
            height: Set(image.height),
            position: Set(index as i32 + 1),
        });
    ProductImage::insert_many(rows).exec(db).await?;
    Ok(())
}
