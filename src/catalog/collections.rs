//! Manual collections: their details and the ordered products they hold. Writes run in the
//! caller's transaction and lock the collection row first, so two writes to one collection's
//! products run one after another (positions stay distinct, a product is added once). A write
//! that changed something ends by writing its outbox event (`collections/create`, `/update`,
//! `/delete`); adding products already in it, or removing products not in it, changes nothing and
//! announces nothing.

use chrono::Utc;
use entities::{collection, collection_product, prelude::*, product};
use sea_orm::sea_query::LockType;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use super::{events, handle};
use crate::error::{AppError, InputErrorCode, Result};
use crate::outbox::Topic;
use crate::stores::Store;

#[derive(Debug, Clone, Default)]
pub struct CollectionInput {
    pub title: Option<String>,
    pub handle: Option<String>,
    pub description_html: Option<String>,
    pub image_url: Option<String>,
    pub image_alt: Option<String>,
    pub seo_title: Option<String>,
    pub seo_description: Option<String>,
    /// Products to add on creation, in order.
    pub products: Option<Vec<Uuid>>,
}

/// Sort orders of the collection list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CollectionSort {
    Id,
    Title,
    UpdatedAt,
}

pub async fn create_collection(
    db: &impl ConnectionTrait,
    store: &Store,
    input: CollectionInput,
) -> Result<collection::Model> {
    let title = handle::validate_title(input.title.as_deref().unwrap_or_default())?;
    let handle = handle::choose(input.handle.as_deref(), &title)?;
    let now = Utc::now();
    let collection = collection::ActiveModel {
        id: Set(Uuid::now_v7()),
        store_id: Set(store.id),
        handle: Set(handle),
        title: Set(title),
        description_html: Set(input.description_html.unwrap_or_default()),
        image_url: Set(input.image_url),
        image_alt: Set(input.image_alt),
        seo_title: Set(input.seo_title),
        seo_description: Set(input.seo_description),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    add_members(
        db,
        store,
        collection.id,
        input.products.as_deref().unwrap_or_default(),
    )
    .await?;
    events::announce_collection(db, store, Topic::CollectionsCreate, &collection).await?;
    Ok(collection)
}

pub async fn update_collection(
    db: &impl ConnectionTrait,
    store: &Store,
    collection_id: Uuid,
    input: CollectionInput,
) -> Result<collection::Model> {
    let mut collection = lock_collection(db, store, collection_id)
        .await?
        .into_active_model();
    if let Some(title) = &input.title {
        collection.title = Set(handle::validate_title(title)?);
    }
    if let Some(given) = &input.handle {
        collection.handle = Set(handle::validate(given)?);
    }
    if let Some(description) = input.description_html {
        collection.description_html = Set(description);
    }
    if input.image_url.is_some() {
        collection.image_url = Set(input.image_url);
    }
    if input.image_alt.is_some() {
        collection.image_alt = Set(input.image_alt);
    }
    if input.seo_title.is_some() {
        collection.seo_title = Set(input.seo_title);
    }
    if input.seo_description.is_some() {
        collection.seo_description = Set(input.seo_description);
    }
    collection.updated_at = Set(Utc::now());
    let collection = collection.update(db).await?;
    events::announce_collection(db, store, Topic::CollectionsUpdate, &collection).await?;
    Ok(collection)
}

pub async fn delete_collection(
    db: &impl ConnectionTrait,
    store: &Store,
    collection_id: Uuid,
) -> Result<()> {
    let deleted = Collection::delete_many()
        .filter(collection::Column::StoreId.eq(store.id))
        .filter(collection::Column::Id.eq(collection_id))
        .exec(db)
        .await?;
    if deleted.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    events::announce_collection_deleted(db, store, collection_id).await
}

/// Appends products to a collection (products already in it keep their place).
pub async fn add_products(
    db: &impl ConnectionTrait,
    store: &Store,
    collection_id: Uuid,
    product_ids: &[Uuid],
) -> Result<collection::Model> {
    let collection = lock_collection(db, store, collection_id).await?;
    if add_members(db, store, collection_id, product_ids).await? > 0 {
        events::announce_collection(db, store, Topic::CollectionsUpdate, &collection).await?;
    }
    Ok(collection)
}

pub async fn remove_products(
    db: &impl ConnectionTrait,
    store: &Store,
    collection_id: Uuid,
    product_ids: &[Uuid],
) -> Result<collection::Model> {
    let collection = lock_collection(db, store, collection_id).await?;
    let removed = CollectionProduct::delete_many()
        .filter(collection_product::Column::StoreId.eq(store.id))
        .filter(collection_product::Column::CollectionId.eq(collection_id))
        .filter(collection_product::Column::ProductId.is_in(product_ids.iter().copied()))
        .exec(db)
        .await?;
    if removed.rows_affected > 0 {
        events::announce_collection(db, store, Topic::CollectionsUpdate, &collection).await?;
    }
    Ok(collection)
}

/// Appends the products not yet in the collection; returns how many it added.
async fn add_members(
    db: &impl ConnectionTrait,
    store: &Store,
    collection_id: Uuid,
    product_ids: &[Uuid],
) -> Result<usize> {
    if product_ids.is_empty() {
        return Ok(0);
    }
    check_products_exist(db, store, product_ids).await?;
    let members = CollectionProduct::find()
        .filter(collection_product::Column::StoreId.eq(store.id))
        .filter(collection_product::Column::CollectionId.eq(collection_id))
        .all(db)
        .await?;
    let mut position = members.iter().map(|m| m.position).max().unwrap_or(0);
    let mut present: Vec<Uuid> = members.iter().map(|m| m.product_id).collect();
    let mut rows = Vec::new();
    for id in product_ids {
        if present.contains(id) {
            continue;
        }
        present.push(*id);
        position += 1;
        rows.push(collection_product::ActiveModel {
            collection_id: Set(collection_id),
            product_id: Set(*id),
            store_id: Set(store.id),
            position: Set(position),
        });
    }
    let added = rows.len();
    if added > 0 {
        CollectionProduct::insert_many(rows).exec(db).await?;
    }
    Ok(added)
}

/// Refuses the first id that names no product of the store.
async fn check_products_exist(
    db: &impl ConnectionTrait,
    store: &Store,
    product_ids: &[Uuid],
) -> Result<()> {
    let known: Vec<Uuid> = Product::find()
        .select_only()
        .column(product::Column::Id)
        .filter(product::Column::StoreId.eq(store.id))
        .filter(product::Column::Id.is_in(product_ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    match product_ids.iter().position(|id| !known.contains(id)) {
        Some(unknown) => Err(AppError::invalid(
            &["productIds", &unknown.to_string()],
            InputErrorCode::NotFound,
            "no product with this id in the store",
        )),
        None => Ok(()),
    }
}

/// A collection of this store, locked for the rest of the caller's transaction, or `NotFound`.
async fn lock_collection(
    db: &impl ConnectionTrait,
    store: &Store,
    collection_id: Uuid,
) -> Result<collection::Model> {
    Collection::find_by_id(collection_id)
        .filter(collection::Column::StoreId.eq(store.id))
        .lock(LockType::NoKeyUpdate)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn find_collection_by_id(
    db: &impl ConnectionTrait,
    store: &Store,
    id: Uuid,
) -> Result<Option<collection::Model>> {
    Ok(Collection::find_by_id(id)
        .filter(collection::Column::StoreId.eq(store.id))
        .one(db)
        .await?)
}

pub async fn find_collection_by_handle(
    db: &impl ConnectionTrait,
    store: &Store,
    handle: &str,
) -> Result<Option<collection::Model>> {
    Ok(Collection::find()
        .filter(collection::Column::StoreId.eq(store.id))
        .filter(collection::Column::Handle.eq(handle))
        .one(db)
        .await?)
}

pub async fn collections_by_ids(
    db: &impl ConnectionTrait,
    store: &Store,
    ids: &[Uuid],
) -> Result<Vec<collection::Model>> {
    Ok(Collection::find()
        .filter(collection::Column::StoreId.eq(store.id))
        .filter(collection::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?)
}

/// One page of the store's collections.
pub async fn list_collections(
    db: &impl ConnectionTrait,
    store: &Store,
    sort: CollectionSort,
    reverse: bool,
    offset: u64,
    limit: u64,
) -> Result<Vec<collection::Model>> {
    let order = if reverse {
        sea_orm::Order::Desc
    } else {
        sea_orm::Order::Asc
    };
    let mut query = Collection::find().filter(collection::Column::StoreId.eq(store.id));
    query = match sort {
        CollectionSort::Title => query.order_by(collection::Column::Title, order.clone()),
        CollectionSort::UpdatedAt => query.order_by(collection::Column::UpdatedAt, order.clone()),
        CollectionSort::Id => query,
    };
    Ok(query
        .order_by(collection::Column::Id, order)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?)
}

pub async fn count_collections(db: &impl ConnectionTrait, store: &Store) -> Result<u64> {
    Ok(Collection::find()
        .filter(collection::Column::StoreId.eq(store.id))
        .count(db)
        .await?)
}
