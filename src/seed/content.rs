//! The demo store's content besides the catalog: a blog with articles, the store's policies and
//! its brand, as a Hydrogen storefront shows them.

use chrono::{Duration, Utc};
use sea_orm::ConnectionTrait;

use super::products::picsum_image;
use crate::catalog::blogs::{ArticleInput, BlogInput, create_article, create_blog};
use crate::catalog::policies::{PolicyKind, set_policy};
use crate::error::Result;
use crate::stores::brand::{Brand, ColorGroup};
use crate::stores::{self, Store, StoreInput};

/// The demo blog's articles: title, excerpt, body, tags.
const ARTICLES: [(&str, &str, &str, &[&str]); 3] = [
    (
        "How to wash linen",
        "Cold water, a gentle cycle and no dryer keep linen soft for years.",
        "<p>Linen gets softer with every wash. Wash it cold on a gentle cycle, skip the dryer and \
         hang it while damp; iron it inside out if you must.</p>",
        &["care", "linen"],
    ),
    (
        "Layering for autumn",
        "A tee, a shirt and a knit: three layers for every temperature.",
        "<p>Start with a cotton tee, add an open shirt, and keep a wool knit close for the \
         evening. Each layer comes off as the day warms up.</p>",
        &["style", "autumn"],
    ),
    (
        "Behind the seams: our workshop",
        "Who makes our clothes, and how.",
        "<p>Every piece is cut and sewn in a small workshop we visit each season. Here is what \
         we saw on our last visit.</p>",
        &["stories"],
    ),
];

const POLICIES: [(PolicyKind, &str); 4] = [
    (
        PolicyKind::PrivacyPolicy,
        "<p>We keep what you give us to fulfil your orders, and nothing more.</p>",
    ),
    (
        PolicyKind::RefundPolicy,
        "<p>Unworn items can be returned within 30 days for a full refund.</p>",
    ),
    (
        PolicyKind::ShippingPolicy,
        "<p>Orders ship within two business days; shipping is free over $100.</p>",
    ),
    (
        PolicyKind::TermsOfService,
        "<p>By ordering you agree to these terms.</p>",
    ),
];

/// Creates the demo blog and its articles, the policies and the brand; returns the blog's
/// handle.
pub async fn seed_content(db: &impl ConnectionTrait, store: &Store) -> Result<String> {
    let blog = BlogInput {
        title: Some("Journal".into()),
        ..BlogInput::default()
    };
    let blog = create_blog(db, store, blog).await?;
    let now = Utc::now();
    for (age, (title, excerpt, body, tags)) in ARTICLES.iter().enumerate() {
        let image = picsum_image(&format!("article-{age}"), title);
        let article = ArticleInput {
            title: Some(title.to_string()),
            body_html: Some(body.to_string()),
            excerpt_html: Some(format!("<p>{excerpt}</p>")),
            author_name: Some("Ada Vitrine".into()),
            author_email: Some("journal@vitrine.localhost".into()),
            image_url: Some(image.url),
            image_alt: image.alt_text,
            tags: Some(tags.iter().map(|tag| tag.to_string()).collect()),
            published_at: Some(now - Duration::days(7 * age as i64)),
            ..ArticleInput::default()
        };
        create_article(db, store, blog.id, article).await?;
    }
    for (kind, body) in POLICIES {
        set_policy(db, store, kind, None, body).await?;
    }
    let brand = Brand {
        slogan: Some("Clothes made to last".into()),
        short_description: Some("Everyday clothes in natural fabrics.".into()),
        logo_url: Some(picsum_image("vitrine-logo", "Vitrine").url),
        square_logo_url: Some(picsum_image("vitrine-square-logo", "Vitrine").url),
        cover_image_url: Some(picsum_image("vitrine-cover", "Vitrine").url),
        primary_colors: vec![ColorGroup {
            background: Some("#1f2933".into()),
            foreground: Some("#ffffff".into()),
        }],
        secondary_colors: vec![ColorGroup {
            background: Some("#f5e6c8".into()),
            foreground: Some("#1f2933".into()),
        }],
    };
    let synonyms = [
        ["tee", "t-shirt"],
        ["trousers", "pants"],
        ["sweater", "jumper"],
    ];
    let with_brand = StoreInput {
        brand: Some(brand),
        search_synonyms: Some(
            synonyms
                .iter()
                .map(|group| group.iter().map(|term| term.to_string()).collect())
                .collect(),
        ),
        ..StoreInput::default()
    };
    stores::update_store(db, store, with_brand).await?;
    Ok(blog.handle)
}
