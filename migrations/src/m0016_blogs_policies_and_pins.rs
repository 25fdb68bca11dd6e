//! What a storefront shows besides the catalog, and what search needs of the catalog:
//!
//! - `blogs` and their `articles` (Shopify's online store blogs): an article belongs to one blog
//!   and goes with it; handles are unique per store (blogs) and per blog (articles);
//! - `shop_policies`: a store's privacy, refund, shipping, subscription policies and terms of
//!   service, one row per kind at most;
//! - `products.search_pin`: a merchant's pin, putting a product at the top of search results
//!   (lower pins first; none for most products).

use crate::columns::*;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const BLOGS: &str = "blogs";
const ARTICLES: &str = "articles";
const POLICIES: &str = "shop_policies";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut blogs = tenant_table(BLOGS);
        blogs
            .col(string("handle"))
            .col(string("title"))
            .col(string_null("seo_title"))
            .col(text_null("seo_description"));
        with_timestamps(&mut blogs);
        create_with_indexes(
            manager,
            blogs.to_owned(),
            vec![
                index(BLOGS, &["store_id", "handle"], true),
                index(BLOGS, &["store_id", "title", "id"], false),
            ],
        )
        .await?;

        let mut articles = tenant_table(ARTICLES);
        articles
            .col(uuid("blog_id"))
            .col(string("handle"))
            .col(string("title"))
            .col(text("body_html").default(""))
            .col(text_null("excerpt_html"))
            .col(string("author_name"))
            .col(string("author_email").default(""))
            .col(text_null("author_bio"))
            .col(text_null("image_url"))
            .col(string_null("image_alt"))
            .col(json_binary("tags"))
            .col(string_null("seo_title"))
            .col(text_null("seo_description"))
            .col(timestamp_with_time_zone("published_at"))
            .foreign_key(&mut owned_by(ARTICLES, "blog_id", BLOGS));
        with_timestamps(&mut articles);
        create_with_indexes(
            manager,
            articles.to_owned(),
            vec![
                index(ARTICLES, &["store_id", "blog_id", "handle"], true),
                index(ARTICLES, &["store_id", "published_at", "id"], false),
                index(
                    ARTICLES,
                    &["store_id", "blog_id", "published_at", "id"],
                    false,
                ),
            ],
        )
        .await?;

        let mut policies = tenant_table(POLICIES);
        policies
            .col(string("kind"))
            .col(string("title"))
            .col(text("body_html").default(""));
        with_timestamps(&mut policies);
        create_with_indexes(
            manager,
            policies.to_owned(),
            vec![index(POLICIES, &["store_id", "kind"], true)],
        )
        .await?;

        manager
            .alter_table(
                Table::alter()
                    .table("products")
                    .add_column(integer_null("search_pin"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("products")
                    .drop_column("search_pin")
                    .to_owned(),
            )
            .await?;
        drop_tables(manager, &[POLICIES, ARTICLES, BLOGS]).await
    }
}
