//! Online-store content: navigation menus (a JSON tree of items) and pages. Any response may
//! show them (a header menu, a footer page), so every write owes a purge of the whole store's
//! cached responses (`cache::invalidation`), in the caller's transaction.

use chrono::Utc;
use entities::{menu, page, prelude::*};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::handle;
use crate::cache::invalidation;
use crate::error::{AppError, InputErrorCode, Result};
use crate::stores::Store;

/// One entry of a menu, possibly with children.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MenuItem {
    pub id: Uuid,
    pub title: String,
    pub url: String,
    /// The global ID of what the item links to (a collection, product, page, blog or article),
    /// when it links to something of the store.
    #[serde(default)]
    pub resource_id: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub items: Vec<MenuItem>,
}

/// Creates or replaces the menu with this handle.
pub async fn upsert_menu(
    db: &impl ConnectionTrait,
    store: &Store,
    handle: &str,
    title: &str,
    items: Vec<MenuItem>,
) -> Result<menu::Model> {
    let handle = handle::validate(handle)?;
    let title = handle::validate_title(title)?;
    check_items(&items)?;
    let items = serde_json::to_value(&items).map_err(anyhow::Error::from)?;
    let now = Utc::now();
    invalidation::record(db, store, invalidation::store_tags(store.id)).await?;
    match find_menu(db, store, &handle).await? {
        Some(existing) => {
            let mut menu = existing.into_active_model();
            menu.title = Set(title);
            menu.items = Set(items);
            menu.updated_at = Set(now);
            Ok(menu.update(db).await?)
        }
        None => Ok(menu::ActiveModel {
            id: Set(Uuid::now_v7()),
            store_id: Set(store.id),
            handle: Set(handle),
            title: Set(title),
            items: Set(items),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(db)
        .await?),
    }
}

fn check_items(items: &[MenuItem]) -> Result<()> {
    for item in items {
        if item.title.trim().is_empty() {
            return Err(AppError::invalid(
                &["items", "title"],
                InputErrorCode::Blank,
                "menu item title can't be blank",
            ));
        }
        if let Some(resource) = &item.resource_id
            && crate::ids::decode_any(resource).is_none()
        {
            return Err(AppError::invalid(
                &["items", "resourceId"],
                InputErrorCode::Invalid,
                format!("`{resource}` is not a global ID"),
            ));
        }
        check_items(&item.items)?;
    }
    Ok(())
}

pub async fn find_menu(
    db: &impl ConnectionTrait,
    store: &Store,
    handle: &str,
) -> Result<Option<menu::Model>> {
    Ok(Menu::find()
        .filter(menu::Column::StoreId.eq(store.id))
        .filter(menu::Column::Handle.eq(handle))
        .one(db)
        .await?)
}

/// The items of a stored menu.
pub fn menu_items(menu: &menu::Model) -> Vec<MenuItem> {
    serde_json::from_value(menu.items.clone()).unwrap_or_default()
}

#[derive(Debug, Clone, Default)]
pub struct PageInput {
    pub title: Option<String>,
    pub handle: Option<String>,
    pub body_html: Option<String>,
    pub seo_title: Option<String>,
    pub seo_description: Option<String>,
}

pub async fn create_page(
    db: &impl ConnectionTrait,
    store: &Store,
    input: PageInput,
) -> Result<page::Model> {
    let title = handle::validate_title(input.title.as_deref().unwrap_or_default())?;
    let handle = handle::choose(input.handle.as_deref(), &title)?;
    let now = Utc::now();
    invalidation::record(db, store, invalidation::store_tags(store.id)).await?;
    Ok(page::ActiveModel {
        id: Set(Uuid::now_v7()),
        store_id: Set(store.id),
        handle: Set(handle),
        title: Set(title),
        body_html: Set(input.body_html.unwrap_or_default()),
        seo_title: Set(input.seo_title),
        seo_description: Set(input.seo_description),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?)
}

pub async fn update_page(
    db: &impl ConnectionTrait,
    store: &Store,
    page_id: Uuid,
    input: PageInput,
) -> Result<page::Model> {
    let mut page = find_page_by_id(db, store, page_id)
        .await?
        .ok_or(AppError::NotFound)?
        .into_active_model();
    if let Some(title) = &input.title {
        page.title = Set(handle::validate_title(title)?);
    }
    if let Some(given) = &input.handle {
        page.handle = Set(handle::validate(given)?);
    }
    if let Some(body) = input.body_html {
        page.body_html = Set(body);
    }
    if input.seo_title.is_some() {
        page.seo_title = Set(input.seo_title);
    }
    if input.seo_description.is_some() {
        page.seo_description = Set(input.seo_description);
    }
    page.updated_at = Set(Utc::now());
    let page = page.update(db).await?;
    invalidation::record(db, store, invalidation::store_tags(store.id)).await?;
    Ok(page)
}

pub async fn find_page_by_id(
    db: &impl ConnectionTrait,
    store: &Store,
    id: Uuid,
) -> Result<Option<page::Model>> {
    Ok(Page::find_by_id(id)
        .filter(page::Column::StoreId.eq(store.id))
        .one(db)
        .await?)
}

pub async fn pages_by_ids(
    db: &impl ConnectionTrait,
    store: &Store,
    ids: &[Uuid],
) -> Result<Vec<page::Model>> {
    Ok(Page::find()
        .filter(page::Column::StoreId.eq(store.id))
        .filter(page::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?)
}

pub async fn find_page_by_handle(
    db: &impl ConnectionTrait,
    store: &Store,
    handle: &str,
) -> Result<Option<page::Model>> {
    Ok(Page::find()
        .filter(page::Column::StoreId.eq(store.id))
        .filter(page::Column::Handle.eq(handle))
        .one(db)
        .await?)
}

pub async fn list_pages(
    db: &impl ConnectionTrait,
    store: &Store,
    reverse: bool,
    offset: u64,
    limit: u64,
) -> Result<Vec<page::Model>> {
    let order = if reverse {
        sea_orm::Order::Desc
    } else {
        sea_orm::Order::Asc
    };
    Ok(Page::find()
        .filter(page::Column::StoreId.eq(store.id))
        .order_by(page::Column::Title, order.clone())
        .order_by(page::Column::Id, order)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?)
}

pub async fn count_pages(db: &impl ConnectionTrait, store: &Store) -> Result<u64> {
    Ok(Page::find()
        .filter(page::Column::StoreId.eq(store.id))
        .count(db)
        .await?)
}
