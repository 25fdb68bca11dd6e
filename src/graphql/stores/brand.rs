//! `shop.brand`: the store's slogan, description, logos and colours (`stores::brand`), with
//! images as Shopify's `MediaImage`.

use async_graphql::{Enum, ID, Object, SimpleObject};

use crate::graphql::catalog::media::Image;
use crate::graphql::scalars::Color;
use crate::stores::brand::{Brand as StoreBrand, ColorGroup};

/// The store's brand.
pub struct Brand(pub StoreBrand);

/// Colours of the brand.
#[derive(SimpleObject)]
pub struct BrandColors {
    /// The main colours.
    pub primary: Vec<BrandColorGroup>,
    /// The accent colours.
    pub secondary: Vec<BrandColorGroup>,
}

/// A pair of colours used together.
#[derive(SimpleObject)]
pub struct BrandColorGroup {
    /// The background colour.
    pub background: Option<Color>,
    /// The colour of text and shapes on the background.
    pub foreground: Option<Color>,
}

/// The kind of a media file.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum MediaContentType {
    /// An external video.
    ExternalVideo,
    /// An image.
    Image,
    /// A 3D model.
    #[graphql(name = "MODEL_3D")]
    Model3d,
    /// A video.
    Video,
}

/// An image file.
pub struct MediaImage {
    url: String,
    alt: Option<String>,
}

#[Object]
impl MediaImage {
    /// A globally unique ID (the image's URL here: brand images have no record of their own).
    async fn id(&self) -> ID {
        ID(self.url.clone())
    }
    /// A description of the image.
    async fn alt(&self) -> Option<&str> {
        self.alt.as_deref()
    }
    /// The image.
    async fn image(&self) -> Image {
        self.as_image()
    }
    /// Always `IMAGE`.
    async fn media_content_type(&self) -> MediaContentType {
        MediaContentType::Image
    }
    /// The image to show before the media loads: the image itself.
    async fn preview_image(&self) -> Image {
        self.as_image()
    }
}

impl MediaImage {
    fn of(url: &Option<String>, alt: &Option<String>) -> Option<MediaImage> {
        url.clone().map(|url| MediaImage {
            url,
            alt: alt.clone(),
        })
    }

    fn as_image(&self) -> Image {
        Image::of_url(self.url.clone(), self.alt.clone())
    }
}

fn groups(colors: &[ColorGroup]) -> Vec<BrandColorGroup> {
    colors
        .iter()
        .map(|group| BrandColorGroup {
            background: group.background.clone().map(Color),
            foreground: group.foreground.clone().map(Color),
        })
        .collect()
}

#[Object]
impl Brand {
    /// The brand's colours.
    async fn colors(&self) -> BrandColors {
        BrandColors {
            primary: groups(&self.0.primary_colors),
            secondary: groups(&self.0.secondary_colors),
        }
    }
    /// The brand's cover image.
    async fn cover_image(&self) -> Option<MediaImage> {
        MediaImage::of(&self.0.cover_image_url, &self.0.slogan)
    }
    /// The brand's logo.
    async fn logo(&self) -> Option<MediaImage> {
        MediaImage::of(&self.0.logo_url, &self.0.slogan)
    }
    /// A short description of the brand.
    async fn short_description(&self) -> Option<&str> {
        self.0.short_description.as_deref()
    }
    /// The brand's slogan.
    async fn slogan(&self) -> Option<&str> {
        self.0.slogan.as_deref()
    }
    /// The brand's square logo.
    async fn square_logo(&self) -> Option<MediaImage> {
        MediaImage::of(&self.0.square_logo_url, &self.0.slogan)
    }
}
