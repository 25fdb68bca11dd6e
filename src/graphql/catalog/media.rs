//! What products, collections and pages share for display: `Image` (with the accepted
//! `ImageTransformInput`), `SEO`, and descriptions as plain text.

use async_graphql::{Enum, ID, InputObject, Object, SimpleObject};
use entities::product_image;

use crate::graphql::scalars::Url;
use crate::ids::{self, GidKind};

/// An image of a product or collection.
#[derive(Clone)]
pub struct Image {
    pub id: Option<ID>,
    pub url: String,
    pub alt_text: Option<String>,
    pub width: Option<i32>,
    pub height: Option<i32>,
}

impl From<product_image::Model> for Image {
    fn from(image: product_image::Model) -> Self {
        Image {
            id: Some(ID(ids::encode(GidKind::ProductImage, image.id))),
            url: image.url,
            alt_text: image.alt_text,
            width: image.width,
            height: image.height,
        }
    }
}

impl Image {
    /// An image known only by its URL and description (a collection's, an article's).
    pub fn of_url(url: String, alt_text: Option<String>) -> Image {
        Image {
            id: None,
            url,
            alt_text,
            width: None,
            height: None,
        }
    }
}

#[Object]
impl Image {
    /// A unique ID for the image.
    async fn id(&self) -> Option<&ID> {
        self.id.as_ref()
    }
    /// The location of the image. `transform` is accepted for compatibility; images are served
    /// as stored.
    async fn url(&self, transform: Option<ImageTransformInput>) -> Url {
        let _ = transform;
        Url(self.url.clone())
    }
    /// Text describing the image for screen readers.
    async fn alt_text(&self) -> Option<&str> {
        self.alt_text.as_deref()
    }
    /// Width in pixels, when known.
    async fn width(&self) -> Option<i32> {
        self.width
    }
    /// Height in pixels, when known.
    async fn height(&self) -> Option<i32> {
        self.height
    }
}

/// Image transformations a client may ask for (accepted, not applied).
#[derive(InputObject, Clone)]
pub struct ImageTransformInput {
    /// Maximum width in pixels.
    pub max_width: Option<i32>,
    /// Maximum height in pixels.
    pub max_height: Option<i32>,
    /// Crop region.
    pub crop: Option<CropRegion>,
    /// Pixel density multiplier.
    #[graphql(default = 1)]
    pub scale: Option<i32>,
    /// Preferred format.
    pub preferred_content_type: Option<ImageContentType>,
}

/// The part of an image a crop keeps.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum CropRegion {
    /// Keep the bottom of the image.
    Bottom,
    /// Keep the center of the image.
    Center,
    /// Keep the left of the image.
    Left,
    /// Keep the right of the image.
    Right,
    /// Keep the top of the image.
    Top,
}

/// Image formats a client may prefer.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum ImageContentType {
    /// A JPG image.
    Jpg,
    /// A PNG image.
    Png,
    /// A WEBP image.
    Webp,
}

/// Search-engine title and description.
#[derive(SimpleObject, Clone, Default)]
#[graphql(name = "SEO")]
pub struct Seo {
    /// The page title for search engines.
    pub title: Option<String>,
    /// The page description for search engines.
    pub description: Option<String>,
}
