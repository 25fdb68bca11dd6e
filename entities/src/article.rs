//! A blog post: HTML content, an optional excerpt and image, its author, tags and publication
//! date.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "articles")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub store_id: Uuid,
    pub blog_id: Uuid,
    pub handle: String,
    pub title: String,
    pub body_html: String,
    pub excerpt_html: Option<String>,
    pub author_name: String,
    pub author_email: String,
    pub author_bio: Option<String>,
    pub image_url: Option<String>,
    pub image_alt: Option<String>,
    /// A JSON array of strings.
    pub tags: Json,
    pub seo_title: Option<String>,
    pub seo_description: Option<String>,
    pub published_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
