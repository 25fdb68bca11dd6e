//! Small types shared by the storefront objects: `MoneyV2`, `Image`, `SEO`, `SelectedOption`.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use entities::product_image;

use super::context;
use super::scalars::{CurrencyCode, Decimal, Url};
use crate::ids::{self, GidKind};
use crate::money::Money;

/// An amount of money in a currency.
#[derive(SimpleObject, Clone)]
#[graphql(name = "MoneyV2")]
pub struct MoneyV2 {
    /// Decimal amount, such as `"29.99"`.
    pub amount: Decimal,
    /// ISO 4217 currency code.
    pub currency_code: CurrencyCode,
}

impl MoneyV2 {
    /// Renders minor units in the store's currency.
    pub fn in_store_currency(ctx: &Context<'_>, minor: i64) -> MoneyV2 {
        let currency = context::currency(ctx);
        let money = Money::new(minor, currency);
        MoneyV2 {
            amount: Decimal(money.amount()),
            currency_code: CurrencyCode(currency.code().to_string()),
        }
    }
}

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
    pub crop: Option<String>,
    /// Pixel density multiplier.
    pub scale: Option<i32>,
    /// Preferred format.
    pub preferred_content_type: Option<String>,
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

/// The value of one option of a variant.
#[derive(SimpleObject, Clone)]
pub struct SelectedOption {
    /// The option's name, such as `Size`.
    pub name: String,
    /// The value, such as `M`.
    pub value: String,
}

/// An option value to pick a variant by.
#[derive(InputObject, Clone)]
pub struct SelectedOptionInput {
    /// The option's name.
    pub name: String,
    /// The option's value.
    pub value: String,
}

/// Plain text from an HTML fragment: tags dropped, common entities decoded, whitespace folded.
pub fn html_to_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let decoded = text
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn descriptions_are_html_without_tags() {
        assert_eq!(
            super::html_to_text("<p>Soft &amp; <b>warm</b></p>\n<p>Tee</p>"),
            "Soft & warm Tee"
        );
    }
}
