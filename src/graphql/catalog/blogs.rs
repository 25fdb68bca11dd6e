//! The storefront's `Blog`, `Article` and `ArticleAuthor`, and the `blogs`, `blog`, `articles`
//! and `article` queries, as Shopify's Storefront API spells them.

use async_graphql::connection::Connection;
use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entities::{article, blog};

use super::media::{Image, Seo};
use crate::catalog::blogs::{self, ArticleSort};
use crate::catalog::html::{html_to_text, truncated};
use crate::graphql::context;
use crate::graphql::errors::GqlResult;
use crate::graphql::pagination::{PageArgs, fetch_page, page_cost};
use crate::graphql::scalars::Html;
use crate::ids::{self, GidKind};

/// A blog.
pub struct Blog(pub blog::Model);

/// A blog post.
pub struct Article(pub article::Model);

/// The author of an article.
#[derive(SimpleObject)]
pub struct ArticleAuthor {
    /// The author's biography.
    pub bio: Option<String>,
    /// The author's email.
    pub email: String,
    /// The author's first name.
    pub first_name: String,
    /// The author's last name.
    pub last_name: String,
    /// The author's full name.
    pub name: String,
}

impl ArticleAuthor {
    fn of(article: &article::Model) -> ArticleAuthor {
        let name = article.author_name.clone();
        let (first, last) = name.split_once(' ').unwrap_or((&name, ""));
        ArticleAuthor {
            bio: article.author_bio.clone(),
            email: article.author_email.clone(),
            first_name: first.to_string(),
            last_name: last.to_string(),
            name: name.clone(),
        }
    }
}

/// How blogs are sorted.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum BlogSortKeys {
    /// By handle.
    Handle,
    /// By ID.
    Id,
    /// By relevance (by ID without a query).
    Relevance,
    /// By title.
    Title,
}

/// How articles are sorted.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum ArticleSortKeys {
    /// By author (by ID here).
    Author,
    /// By blog title (by ID here).
    BlogTitle,
    /// By ID.
    Id,
    /// By publication date.
    PublishedAt,
    /// By relevance (by ID without a query).
    Relevance,
    /// By title.
    Title,
    /// By last change.
    UpdatedAt,
}

impl From<ArticleSortKeys> for ArticleSort {
    fn from(key: ArticleSortKeys) -> ArticleSort {
        match key {
            ArticleSortKeys::PublishedAt => ArticleSort::PublishedAt,
            ArticleSortKeys::Title => ArticleSort::Title,
            ArticleSortKeys::UpdatedAt => ArticleSort::UpdatedAt,
            ArticleSortKeys::Author
            | ArticleSortKeys::BlogTitle
            | ArticleSortKeys::Id
            | ArticleSortKeys::Relevance => ArticleSort::Id,
        }
    }
}

/// A page of the store's articles (of one blog, if given).
#[allow(clippy::too_many_arguments)]
async fn article_connection(
    ctx: &Context<'_>,
    blog_id: Option<uuid::Uuid>,
    args: PageArgs,
    reverse: Option<bool>,
    sort_key: Option<ArticleSortKeys>,
) -> async_graphql::Result<Connection<String, Article>> {
    let (db, store) = (context::db(ctx), context::store(ctx));
    let sort: ArticleSort = sort_key.unwrap_or(ArticleSortKeys::Id).into();
    let reverse = reverse.unwrap_or(false);
    let page = fetch_page(
        &args,
        |offset, limit| blogs::list_articles(db, store, blog_id, sort, reverse, offset, limit),
        || blogs::count_articles(db, store, blog_id),
    )
    .await
    .gql()?;
    Ok(page.connection(Article))
}

#[Object]
impl Blog {
    /// A globally unique ID.
    pub async fn id(&self) -> ID {
        ID(ids::encode(GidKind::Blog, self.0.id))
    }
    /// The URL-safe unique name of the blog in the store.
    async fn handle(&self) -> &str {
        &self.0.handle
    }
    /// The blog's title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// Search-engine title and description.
    async fn seo(&self) -> Seo {
        Seo {
            title: self.0.seo_title.clone(),
            description: self.0.seo_description.clone(),
        }
    }
    /// One of the blog's articles, by handle.
    async fn article_by_handle(
        &self,
        ctx: &Context<'_>,
        handle: String,
    ) -> async_graphql::Result<Option<Article>> {
        let (db, store) = (context::db(ctx), context::store(ctx));
        let found = blogs::find_article_by_handle(db, store, self.0.id, &handle)
            .await
            .gql()?;
        Ok(found.map(Article))
    }
    /// The blog's articles.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn articles(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        #[graphql(default_with = "Some(false)")] reverse: Option<bool>,
        #[graphql(default_with = "Some(ArticleSortKeys::Id)")] sort_key: Option<ArticleSortKeys>,
        #[graphql(desc = "Accepted for compatibility; articles are not searched by it")]
        query: Option<String>,
    ) -> async_graphql::Result<Connection<String, Article>> {
        let _ = query;
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        article_connection(ctx, Some(self.0.id), args, reverse, sort_key).await
    }
    /// The authors of the blog's articles, each once.
    async fn authors(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ArticleAuthor>> {
        let (db, store) = (context::db(ctx), context::store(ctx));
        let articles = blogs::list_articles(
            db,
            store,
            Some(self.0.id),
            ArticleSort::Id,
            false,
            0,
            u64::from(u16::MAX),
        )
        .await
        .gql()?;
        let mut authors: Vec<ArticleAuthor> = Vec::new();
        for article in &articles {
            if authors
                .iter()
                .all(|known| known.name != article.author_name)
            {
                authors.push(ArticleAuthor::of(article));
            }
        }
        Ok(authors)
    }
}

#[Object]
impl Article {
    /// A globally unique ID.
    pub async fn id(&self) -> ID {
        ID(ids::encode(GidKind::Article, self.0.id))
    }
    /// The URL-safe unique name of the article in its blog.
    async fn handle(&self) -> &str {
        &self.0.handle
    }
    /// The article's title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// The article's content as plain text, cut to `truncateAt` characters if given.
    async fn content(&self, truncate_at: Option<i32>) -> String {
        truncated(html_to_text(&self.0.body_html), truncate_at)
    }
    /// The article's content as HTML.
    async fn content_html(&self) -> Html {
        Html(self.0.body_html.clone())
    }
    /// A summary as plain text, cut to `truncateAt` characters if given.
    async fn excerpt(&self, truncate_at: Option<i32>) -> Option<String> {
        let excerpt = self.0.excerpt_html.as_deref()?;
        Some(truncated(html_to_text(excerpt), truncate_at))
    }
    /// A summary as HTML.
    async fn excerpt_html(&self) -> Option<Html> {
        self.0.excerpt_html.clone().map(Html)
    }
    /// The article's image.
    async fn image(&self) -> Option<Image> {
        let alt_text = self.0.image_alt.clone();
        self.0
            .image_url
            .clone()
            .map(|url| Image::of_url(url, alt_text))
    }
    /// When the article was published.
    async fn published_at(&self) -> DateTime<Utc> {
        self.0.published_at
    }
    /// The article's author.
    #[graphql(deprecation = "Use `authorV2` instead.")]
    async fn author(&self) -> ArticleAuthor {
        ArticleAuthor::of(&self.0)
    }
    /// The article's author.
    async fn author_v2(&self) -> Option<ArticleAuthor> {
        Some(ArticleAuthor::of(&self.0))
    }
    /// The blog the article belongs to.
    async fn blog(&self, ctx: &Context<'_>) -> async_graphql::Result<Blog> {
        // Through the request's loader: a page of articles reads their blogs in one query.
        let blog = context::loaders(ctx)
            .blog_by_id
            .load_one(self.0.blog_id)
            .await?
            .flatten()
            .ok_or_else(|| async_graphql::Error::new("the article's blog is gone"))?;
        Ok(Blog(blog))
    }
    /// Search-engine title and description.
    async fn seo(&self) -> Seo {
        Seo {
            title: self.0.seo_title.clone(),
            description: self.0.seo_description.clone(),
        }
    }
    /// The article's tags.
    async fn tags(&self) -> Vec<String> {
        blogs::tags_of(&self.0)
    }
    /// Analytics parameters for links to the article (none here).
    async fn tracking_parameters(&self) -> Option<String> {
        None
    }
}

#[derive(Default)]
pub struct BlogQuery;

#[Object]
impl BlogQuery {
    /// A blog by handle or ID.
    async fn blog(
        &self,
        ctx: &Context<'_>,
        handle: Option<String>,
        id: Option<ID>,
    ) -> async_graphql::Result<Option<Blog>> {
        let (db, store) = (context::db(ctx), context::store(ctx));
        let found = match (
            id.as_ref().map(|id| ids::decode(GidKind::Blog, id)),
            &handle,
        ) {
            (Some(Some(uuid)), _) => blogs::find_blog_by_id(db, store, uuid).await.gql()?,
            (None, Some(handle)) => blogs::find_blog_by_handle(db, store, handle).await.gql()?,
            _ => None,
        };
        Ok(found.map(Blog))
    }

    /// The store's blogs, by title.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn blogs(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        #[graphql(default_with = "Some(false)")] reverse: Option<bool>,
        #[graphql(default_with = "Some(BlogSortKeys::Id)")] sort_key: Option<BlogSortKeys>,
        #[graphql(desc = "Accepted for compatibility; blogs are not searched by it")] query: Option<
            String,
        >,
    ) -> async_graphql::Result<Connection<String, Blog>> {
        let _ = (query, sort_key);
        let (db, store) = (context::db(ctx), context::store(ctx));
        let reverse = reverse.unwrap_or(false);
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        let page = fetch_page(
            &args,
            |offset, limit| blogs::list_blogs(db, store, reverse, offset, limit),
            || blogs::count_blogs(db, store),
        )
        .await
        .gql()?;
        Ok(page.connection(Blog))
    }

    /// An article by ID.
    async fn article(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Article>> {
        let Some(uuid) = ids::decode(GidKind::Article, &id) else {
            return Ok(None);
        };
        let found = blogs::find_article_by_id(context::db(ctx), context::store(ctx), uuid)
            .await
            .gql()?;
        Ok(found.map(Article))
    }

    /// The store's articles, across its blogs.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn articles(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        #[graphql(default_with = "Some(false)")] reverse: Option<bool>,
        #[graphql(default_with = "Some(ArticleSortKeys::Id)")] sort_key: Option<ArticleSortKeys>,
        #[graphql(desc = "Accepted for compatibility; articles are not searched by it")]
        query: Option<String>,
    ) -> async_graphql::Result<Connection<String, Article>> {
        let _ = query;
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        article_connection(ctx, None, args, reverse, sort_key).await
    }
}
