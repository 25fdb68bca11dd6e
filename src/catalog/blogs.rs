//! Blogs and their articles (Shopify's online store blogs). Like pages, any response may show
//! them, so every write owes a purge of the store's cached responses, in the caller's
//! transaction; that purge also tells the search index to take the store's content in again.

use chrono::{DateTime, Utc};
use entities::{article, blog, prelude::*};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use super::handle;
use crate::cache::invalidation;
use crate::error::{AppError, InputErrorCode, Result};
use crate::stores::Store;

/// The fields of a blog a merchant sets; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct BlogInput {
    pub title: Option<String>,
    pub handle: Option<String>,
    pub seo_title: Option<String>,
    pub seo_description: Option<String>,
}

/// The fields of an article a merchant sets; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ArticleInput {
    pub title: Option<String>,
    pub handle: Option<String>,
    pub body_html: Option<String>,
    pub excerpt_html: Option<String>,
    pub author_name: Option<String>,
    pub author_email: Option<String>,
    pub author_bio: Option<String>,
    pub image_url: Option<String>,
    pub image_alt: Option<String>,
    pub tags: Option<Vec<String>>,
    pub seo_title: Option<String>,
    pub seo_description: Option<String>,
    /// When it was (or will be) published; now when a new article leaves it out.
    pub published_at: Option<DateTime<Utc>>,
}

pub async fn create_blog(
    db: &impl ConnectionTrait,
    store: &Store,
    input: BlogInput,
) -> Result<blog::Model> {
    let title = handle::validate_title(input.title.as_deref().unwrap_or_default())?;
    let handle = handle::choose(input.handle.as_deref(), &title)?;
    refuse_taken_blog_handle(db, store, &handle, None).await?;
    let now = Utc::now();
    invalidation::record(db, store, invalidation::store_tags(store.id)).await?;
    Ok(blog::ActiveModel {
        id: Set(Uuid::now_v7()),
        store_id: Set(store.id),
        handle: Set(handle),
        title: Set(title),
        seo_title: Set(input.seo_title),
        seo_description: Set(input.seo_description),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?)
}

pub async fn update_blog(
    db: &impl ConnectionTrait,
    store: &Store,
    blog_id: Uuid,
    input: BlogInput,
) -> Result<blog::Model> {
    let mut blog = find_blog_by_id(db, store, blog_id)
        .await?
        .ok_or(AppError::NotFound)?
        .into_active_model();
    if let Some(title) = &input.title {
        blog.title = Set(handle::validate_title(title)?);
    }
    if let Some(given) = &input.handle {
        let handle = handle::validate(given)?;
        refuse_taken_blog_handle(db, store, &handle, Some(blog_id)).await?;
        blog.handle = Set(handle);
    }
    if input.seo_title.is_some() {
        blog.seo_title = Set(input.seo_title);
    }
    if input.seo_description.is_some() {
        blog.seo_description = Set(input.seo_description);
    }
    blog.updated_at = Set(Utc::now());
    let blog = blog.update(db).await?;
    invalidation::record(db, store, invalidation::store_tags(store.id)).await?;
    Ok(blog)
}

/// Deletes a blog with its articles.
pub async fn delete_blog(db: &impl ConnectionTrait, store: &Store, blog_id: Uuid) -> Result<()> {
    find_blog_by_id(db, store, blog_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Article::delete_many()
        .filter(article::Column::StoreId.eq(store.id))
        .filter(article::Column::BlogId.eq(blog_id))
        .exec(db)
        .await?;
    Blog::delete_many()
        .filter(blog::Column::StoreId.eq(store.id))
        .filter(blog::Column::Id.eq(blog_id))
        .exec(db)
        .await?;
    invalidation::record(db, store, invalidation::store_tags(store.id)).await
}

async fn refuse_taken_blog_handle(
    db: &impl ConnectionTrait,
    store: &Store,
    handle: &str,
    except: Option<Uuid>,
) -> Result<()> {
    match find_blog_by_handle(db, store, handle).await? {
        Some(found) if Some(found.id) != except => Err(AppError::invalid(
            &["handle"],
            InputErrorCode::Taken,
            "a blog with this handle already exists",
        )),
        _ => Ok(()),
    }
}

pub async fn find_blog_by_id(
    db: &impl ConnectionTrait,
    store: &Store,
    id: Uuid,
) -> Result<Option<blog::Model>> {
    Ok(Blog::find_by_id(id)
        .filter(blog::Column::StoreId.eq(store.id))
        .one(db)
        .await?)
}

pub async fn find_blog_by_handle(
    db: &impl ConnectionTrait,
    store: &Store,
    handle: &str,
) -> Result<Option<blog::Model>> {
    Ok(Blog::find()
        .filter(blog::Column::StoreId.eq(store.id))
        .filter(blog::Column::Handle.eq(handle))
        .one(db)
        .await?)
}

pub async fn blogs_by_ids(
    db: &impl ConnectionTrait,
    store: &Store,
    ids: &[Uuid],
) -> Result<Vec<blog::Model>> {
    Ok(Blog::find()
        .filter(blog::Column::StoreId.eq(store.id))
        .filter(blog::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?)
}

/// The store's blogs by title, from `offset`, at most `limit`.
pub async fn list_blogs(
    db: &impl ConnectionTrait,
    store: &Store,
    reverse: bool,
    offset: u64,
    limit: u64,
) -> Result<Vec<blog::Model>> {
    let order = order(reverse);
    Ok(Blog::find()
        .filter(blog::Column::StoreId.eq(store.id))
        .order_by(blog::Column::Title, order.clone())
        .order_by(blog::Column::Id, order)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?)
}

pub async fn count_blogs(db: &impl ConnectionTrait, store: &Store) -> Result<u64> {
    Ok(Blog::find()
        .filter(blog::Column::StoreId.eq(store.id))
        .count(db)
        .await?)
}

pub async fn create_article(
    db: &impl ConnectionTrait,
    store: &Store,
    blog_id: Uuid,
    input: ArticleInput,
) -> Result<article::Model> {
    find_blog_by_id(db, store, blog_id)
        .await?
        .ok_or_else(|| AppError::invalid(&["blogId"], InputErrorCode::NotFound, "no such blog"))?;
    let title = handle::validate_title(input.title.as_deref().unwrap_or_default())?;
    let handle = handle::choose(input.handle.as_deref(), &title)?;
    refuse_taken_article_handle(db, store, blog_id, &handle, None).await?;
    let author_name = author(input.author_name.as_deref().unwrap_or_default())?;
    let now = Utc::now();
    invalidation::record(db, store, invalidation::store_tags(store.id)).await?;
    Ok(article::ActiveModel {
        id: Set(Uuid::now_v7()),
        store_id: Set(store.id),
        blog_id: Set(blog_id),
        handle: Set(handle),
        title: Set(title),
        body_html: Set(input.body_html.unwrap_or_default()),
        excerpt_html: Set(input.excerpt_html),
        author_name: Set(author_name),
        author_email: Set(input.author_email.unwrap_or_default()),
        author_bio: Set(input.author_bio),
        image_url: Set(input.image_url),
        image_alt: Set(input.image_alt),
        tags: Set(serde_json::json!(input.tags.unwrap_or_default())),
        seo_title: Set(input.seo_title),
        seo_description: Set(input.seo_description),
        published_at: Set(input.published_at.unwrap_or(now)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?)
}

pub async fn update_article(
    db: &impl ConnectionTrait,
    store: &Store,
    article_id: Uuid,
    input: ArticleInput,
) -> Result<article::Model> {
    let found = find_article_by_id(db, store, article_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let blog_id = found.blog_id;
    let mut article = found.into_active_model();
    if let Some(title) = &input.title {
        article.title = Set(handle::validate_title(title)?);
    }
    if let Some(given) = &input.handle {
        let handle = handle::validate(given)?;
        refuse_taken_article_handle(db, store, blog_id, &handle, Some(article_id)).await?;
        article.handle = Set(handle);
    }
    if let Some(name) = &input.author_name {
        article.author_name = Set(author(name)?);
    }
    if let Some(body) = input.body_html {
        article.body_html = Set(body);
    }
    if input.excerpt_html.is_some() {
        article.excerpt_html = Set(input.excerpt_html);
    }
    if let Some(email) = input.author_email {
        article.author_email = Set(email);
    }
    if input.author_bio.is_some() {
        article.author_bio = Set(input.author_bio);
    }
    if input.image_url.is_some() {
        article.image_url = Set(input.image_url);
    }
    if input.image_alt.is_some() {
        article.image_alt = Set(input.image_alt);
    }
    if let Some(tags) = input.tags {
        article.tags = Set(serde_json::json!(tags));
    }
    if input.seo_title.is_some() {
        article.seo_title = Set(input.seo_title);
    }
    if input.seo_description.is_some() {
        article.seo_description = Set(input.seo_description);
    }
    if let Some(published_at) = input.published_at {
        article.published_at = Set(published_at);
    }
    article.updated_at = Set(Utc::now());
    let article = article.update(db).await?;
    invalidation::record(db, store, invalidation::store_tags(store.id)).await?;
    Ok(article)
}

pub async fn delete_article(
    db: &impl ConnectionTrait,
    store: &Store,
    article_id: Uuid,
) -> Result<()> {
    find_article_by_id(db, store, article_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Article::delete_many()
        .filter(article::Column::StoreId.eq(store.id))
        .filter(article::Column::Id.eq(article_id))
        .exec(db)
        .await?;
    invalidation::record(db, store, invalidation::store_tags(store.id)).await
}

fn author(name: &str) -> Result<String> {
    let name = name.trim();
    match name.is_empty() {
        true => Err(AppError::invalid(
            &["authorName"],
            InputErrorCode::Blank,
            "an article needs an author",
        )),
        false => Ok(name.to_string()),
    }
}

async fn refuse_taken_article_handle(
    db: &impl ConnectionTrait,
    store: &Store,
    blog_id: Uuid,
    handle: &str,
    except: Option<Uuid>,
) -> Result<()> {
    match find_article_by_handle(db, store, blog_id, handle).await? {
        Some(found) if Some(found.id) != except => Err(AppError::invalid(
            &["handle"],
            InputErrorCode::Taken,
            "an article with this handle already exists in the blog",
        )),
        _ => Ok(()),
    }
}

pub async fn find_article_by_id(
    db: &impl ConnectionTrait,
    store: &Store,
    id: Uuid,
) -> Result<Option<article::Model>> {
    Ok(Article::find_by_id(id)
        .filter(article::Column::StoreId.eq(store.id))
        .one(db)
        .await?)
}

pub async fn find_article_by_handle(
    db: &impl ConnectionTrait,
    store: &Store,
    blog_id: Uuid,
    handle: &str,
) -> Result<Option<article::Model>> {
    Ok(Article::find()
        .filter(article::Column::StoreId.eq(store.id))
        .filter(article::Column::BlogId.eq(blog_id))
        .filter(article::Column::Handle.eq(handle))
        .one(db)
        .await?)
}

pub async fn articles_by_ids(
    db: &impl ConnectionTrait,
    store: &Store,
    ids: &[Uuid],
) -> Result<Vec<article::Model>> {
    Ok(Article::find()
        .filter(article::Column::StoreId.eq(store.id))
        .filter(article::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?)
}

/// How articles are listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArticleSort {
    Id,
    PublishedAt,
    Title,
    UpdatedAt,
}

/// The store's articles (of one blog, if given) in `sort` order (reversed when asked), from
/// `offset`, at most `limit`.
pub async fn list_articles(
    db: &impl ConnectionTrait,
    store: &Store,
    blog_id: Option<Uuid>,
    sort: ArticleSort,
    reverse: bool,
    offset: u64,
    limit: u64,
) -> Result<Vec<article::Model>> {
    let order = order(reverse);
    let mut query = Article::find().filter(article::Column::StoreId.eq(store.id));
    if let Some(blog_id) = blog_id {
        query = query.filter(article::Column::BlogId.eq(blog_id));
    }
    let column = match sort {
        ArticleSort::Id => None,
        ArticleSort::PublishedAt => Some(article::Column::PublishedAt),
        ArticleSort::Title => Some(article::Column::Title),
        ArticleSort::UpdatedAt => Some(article::Column::UpdatedAt),
    };
    if let Some(column) = column {
        query = query.order_by(column, order.clone());
    }
    Ok(query
        .order_by(article::Column::Id, order)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?)
}

pub async fn count_articles(
    db: &impl ConnectionTrait,
    store: &Store,
    blog_id: Option<Uuid>,
) -> Result<u64> {
    let mut query = Article::find().filter(article::Column::StoreId.eq(store.id));
    if let Some(blog_id) = blog_id {
        query = query.filter(article::Column::BlogId.eq(blog_id));
    }
    Ok(query.count(db).await?)
}

/// An article's tags.
pub fn tags_of(article: &article::Model) -> Vec<String> {
    serde_json::from_value(article.tags.clone()).unwrap_or_default()
}

fn order(descending: bool) -> sea_orm::Order {
    match descending {
        true => sea_orm::Order::Desc,
        false => sea_orm::Order::Asc,
    }
}
