//! Admin mutations for blogs, articles and the store's policies. Every field starts with
//! `admin_store`, so without the store's admin token nothing here runs.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::blogs::{Article, Blog};
use crate::catalog::blogs::{self, ArticleInput as DomainArticle, BlogInput as DomainBlog};
use crate::catalog::policies::{self, PolicyKind};
use crate::error::Result;
use crate::graphql::context;
use crate::graphql::errors::{UserError, with_user_errors};
use crate::graphql::inputs::{SeoInput, decode_id};
use crate::graphql::scalars::Html;
use crate::graphql::stores::policies::ShopPolicy;
use crate::ids::GidKind;

#[derive(Default)]
pub struct AdminBlogMutation;

/// Fields of a blog.
#[derive(InputObject, Default)]
pub struct BlogInput {
    /// The blog's title.
    pub title: Option<String>,
    /// The handle; derived from the title when absent.
    pub handle: Option<String>,
    /// Search-engine title and description.
    pub seo: Option<SeoInput>,
}

/// Fields of an article.
#[derive(InputObject, Default)]
pub struct ArticleInput {
    /// The article's title.
    pub title: Option<String>,
    /// The handle; derived from the title when absent.
    pub handle: Option<String>,
    /// The content as HTML.
    pub content_html: Option<Html>,
    /// A summary as HTML.
    pub excerpt_html: Option<Html>,
    /// The author's full name (required for a new article).
    pub author_name: Option<String>,
    /// The author's email.
    pub author_email: Option<String>,
    /// The author's biography.
    pub author_bio: Option<String>,
    /// The URL of the article's image.
    pub image_url: Option<String>,
    /// A description of the image.
    pub image_alt_text: Option<String>,
    /// The article's tags (replacing the ones it has).
    pub tags: Option<Vec<String>>,
    /// Search-engine title and description.
    pub seo: Option<SeoInput>,
    /// When the article was published; now when a new article leaves it out.
    pub published_at: Option<DateTime<Utc>>,
}

/// The result of a blog mutation.
#[derive(SimpleObject)]
pub struct BlogPayload {
    /// The blog, unless the input was refused.
    pub blog: Option<Blog>,
    /// Why the input was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The result of an article mutation.
#[derive(SimpleObject)]
pub struct ArticlePayload {
    /// The article, unless the input was refused.
    pub article: Option<Article>,
    /// Why the input was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The result of a deletion.
#[derive(SimpleObject)]
pub struct ContentDeletePayload {
    /// The deleted blog's or article's ID.
    pub deleted_id: Option<ID>,
    /// Why the input was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The kinds of policy a store has.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum ShopPolicyType {
    /// The privacy policy.
    PrivacyPolicy,
    /// The refund policy.
    RefundPolicy,
    /// The shipping policy.
    ShippingPolicy,
    /// The subscription (cancellation) policy.
    SubscriptionPolicy,
    /// The terms of service.
    TermsOfService,
}

impl From<ShopPolicyType> for PolicyKind {
    fn from(kind: ShopPolicyType) -> PolicyKind {
        match kind {
            ShopPolicyType::PrivacyPolicy => PolicyKind::PrivacyPolicy,
            ShopPolicyType::RefundPolicy => PolicyKind::RefundPolicy,
            ShopPolicyType::ShippingPolicy => PolicyKind::ShippingPolicy,
            ShopPolicyType::SubscriptionPolicy => PolicyKind::SubscriptionPolicy,
            ShopPolicyType::TermsOfService => PolicyKind::TermsOfService,
        }
    }
}

/// The result of `shopPolicyUpdate`.
#[derive(SimpleObject)]
pub struct ShopPolicyPayload {
    /// The policy, unless the input was refused.
    pub shop_policy: Option<ShopPolicy>,
    /// Why the input was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

#[Object]
impl AdminBlogMutation {
    /// Creates a blog.
    async fn blog_create(
        &self,
        ctx: &Context<'_>,
        input: BlogInput,
    ) -> async_graphql::Result<BlogPayload> {
        let store = context::admin_store(ctx)?;
        let input = blog_to_domain(input);
        let result =
            context::write(ctx, async |tx| blogs::create_blog(tx, store, input).await).await;
        blog_payload(result)
    }

    /// Changes a blog.
    async fn blog_update(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: BlogInput,
    ) -> async_graphql::Result<BlogPayload> {
        let store = context::admin_store(ctx)?;
        let result = async {
            let blog_id = decode_id(GidKind::Blog, &id, &["id"])?;
            let input = blog_to_domain(input);
            context::write(ctx, async |tx| {
                blogs::update_blog(tx, store, blog_id, input).await
            })
            .await
        };
        blog_payload(result.await)
    }

    /// Deletes a blog with its articles.
    async fn blog_delete(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<ContentDeletePayload> {
        let store = context::admin_store(ctx)?;
        let result = async {
            let blog_id = decode_id(GidKind::Blog, &id, &["id"])?;
            context::write(ctx, async |tx| blogs::delete_blog(tx, store, blog_id).await).await
        };
        delete_payload(result.await, id)
    }

    /// Adds an article to a blog.
    async fn article_create(
        &self,
        ctx: &Context<'_>,
        blog_id: ID,
        input: ArticleInput,
    ) -> async_graphql::Result<ArticlePayload> {
        let store = context::admin_store(ctx)?;
        let result = async {
            let blog_id = decode_id(GidKind::Blog, &blog_id, &["blogId"])?;
            let input = article_to_domain(input);
            context::write(ctx, async |tx| {
                blogs::create_article(tx, store, blog_id, input).await
            })
            .await
        };
        article_payload(result.await)
    }

    /// Changes an article.
    async fn article_update(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: ArticleInput,
    ) -> async_graphql::Result<ArticlePayload> {
        let store = context::admin_store(ctx)?;
        let result = async {
            let article_id = decode_id(GidKind::Article, &id, &["id"])?;
            let input = article_to_domain(input);
            context::write(ctx, async |tx| {
                blogs::update_article(tx, store, article_id, input).await
            })
            .await
        };
        article_payload(result.await)
    }

    /// Deletes an article.
    async fn article_delete(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<ContentDeletePayload> {
        let store = context::admin_store(ctx)?;
        let result = async {
            let article_id = decode_id(GidKind::Article, &id, &["id"])?;
            context::write(ctx, async |tx| {
                blogs::delete_article(tx, store, article_id).await
            })
            .await
        };
        delete_payload(result.await, id)
    }

    /// Sets one of the store's policies: its text, and its title (the usual one when absent).
    async fn shop_policy_update(
        &self,
        ctx: &Context<'_>,
        kind: ShopPolicyType,
        title: Option<String>,
        body: Html,
    ) -> async_graphql::Result<ShopPolicyPayload> {
        let store = context::admin_store(ctx)?;
        let result = context::write(ctx, async |tx| {
            policies::set_policy(tx, store, kind.into(), title.as_deref(), &body.0).await
        })
        .await;
        let (policy, user_errors) = with_user_errors(result)?;
        Ok(ShopPolicyPayload {
            shop_policy: policy.map(|policy| ShopPolicy {
                policy,
                store: store.clone(),
            }),
            user_errors,
        })
    }
}

fn blog_to_domain(input: BlogInput) -> DomainBlog {
    let (seo_title, seo_description) = SeoInput::split(input.seo);
    DomainBlog {
        title: input.title,
        handle: input.handle,
        seo_title,
        seo_description,
    }
}

fn article_to_domain(input: ArticleInput) -> DomainArticle {
    let (seo_title, seo_description) = SeoInput::split(input.seo);
    DomainArticle {
        title: input.title,
        handle: input.handle,
        body_html: input.content_html.map(|html| html.0),
        excerpt_html: input.excerpt_html.map(|html| html.0),
        author_name: input.author_name,
        author_email: input.author_email,
        author_bio: input.author_bio,
        image_url: input.image_url,
        image_alt: input.image_alt_text,
        tags: input.tags,
        seo_title,
        seo_description,
        published_at: input.published_at,
    }
}

fn blog_payload(result: Result<entities::blog::Model>) -> async_graphql::Result<BlogPayload> {
    let (blog, user_errors) = with_user_errors(result)?;
    Ok(BlogPayload {
        blog: blog.map(Blog),
        user_errors,
    })
}

fn article_payload(
    result: Result<entities::article::Model>,
) -> async_graphql::Result<ArticlePayload> {
    let (article, user_errors) = with_user_errors(result)?;
    Ok(ArticlePayload {
        article: article.map(Article),
        user_errors,
    })
}

fn delete_payload(result: Result<()>, id: ID) -> async_graphql::Result<ContentDeletePayload> {
    let (deleted, user_errors) = with_user_errors(result)?;
    Ok(ContentDeletePayload {
        deleted_id: deleted.map(|_| id),
        user_errors,
    })
}
