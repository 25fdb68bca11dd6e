//! The order summary the pages show: lines with their images, and the totals, as shoppers read
//! money (`money::Money::display`). A cart is priced by the same `pricing::quote` checkout
//! charges with; a placed order shows what it recorded.

use std::collections::HashMap;

use entities::{product, product_image, product_variant};
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use crate::cart::{self, Cart};
use crate::catalog::{Visibility, product_read};
use crate::error::Result;
use crate::money::{CurrencyCode, Money};
use crate::orders::{self, Order};
use crate::pricing::{self, PricedLine, PricingRules};
use crate::stores::{self, Store};

/// A variant title that says nothing (a product with one variant).
const DEFAULT_VARIANT_TITLE: &str = "Default Title";

/// A line as the page shows it.
pub struct LineView {
    pub title: String,
    /// The variant's title, when it tells variants apart.
    pub variant: Option<String>,
    pub quantity: i64,
    pub unit_price: String,
    /// Unit price × quantity.
    pub price: String,
    pub image: Option<Image>,
    /// Checkout could not hold this line.
    pub unavailable: bool,
}

pub struct Image {
    pub url: String,
    pub alt: String,
}

/// Lines and totals.
pub struct Summary {
    pub lines: Vec<LineView>,
    pub subtotal: String,
    pub shipping: String,
    /// The tax, when there is any.
    pub tax: Option<String>,
    pub taxes_included: bool,
    pub total: String,
    pub currency: &'static str,
}

/// What `cart` costs shipped to `country` (ISO 3166-1 alpha-2; empty for not known yet, which
/// charges no tax). `unavailable` are the lines checkout could not hold.
pub async fn of_cart(
    db: &impl ConnectionTrait,
    store: &Store,
    cart: &Cart,
    country: &str,
    unavailable: &[Uuid],
) -> Result<Summary> {
    let lines = cart::read::lines_of(db, store, cart.id).await?;
    let variant_ids: Vec<Uuid> = lines.iter().map(|line| line.variant_id).collect();
    let variants: HashMap<Uuid, product_variant::Model> =
        product_read::variants_by_ids(db, store, &variant_ids)
            .await?
            .into_iter()
            .map(|variant| (variant.id, variant))
            .collect();
    // A line whose variant was deleted is not in the cart any more (as `Cart.lines` shows it).
    let lines: Vec<_> = lines
        .into_iter()
        .filter_map(|line| Some((variants.get(&line.variant_id)?, line)))
        .collect();
    let product_ids: Vec<Uuid> = lines.iter().map(|(v, _)| v.product_id).collect();
    let (products, images) = products_and_images(db, store, &product_ids).await?;
    let priced: Vec<PricedLine> = lines
        .iter()
        .map(|(variant, line)| PricedLine {
            unit_price_minor: variant.price_minor,
            quantity: i64::from(line.quantity),
        })
        .collect();
    let currency = stores::currency(store);
    let quote = pricing::quote(&priced, &[], &PricingRules::of(store), country, currency)?;
    let money = |minor| Money::new(minor, currency).display();
    let views = lines
        .iter()
        .zip(&quote.lines)
        .map(|((variant, line), priced)| LineView {
            title: products
                .get(&variant.product_id)
                .map(|p| p.title.clone())
                .unwrap_or_default(),
            variant: telling(&variant.title),
            quantity: i64::from(line.quantity),
            unit_price: money(variant.price_minor),
            price: money(priced.subtotal_minor),
            image: image_for(&images, variant.product_id, variant.image_id),
            unavailable: unavailable.contains(&line.id),
        })
        .collect();
    Ok(Summary {
        lines: views,
        subtotal: money(quote.subtotal_minor),
        shipping: money(quote.shipping_minor),
        tax: (quote.tax_minor > 0).then(|| money(quote.tax_minor)),
        taxes_included: quote.taxes_included,
        total: money(quote.total_minor),
        currency: currency.code(),
    })
}

/// What `order` recorded: its line snapshots and totals, in its currency.
pub async fn of_order(db: &impl ConnectionTrait, store: &Store, order: &Order) -> Result<Summary> {
    let lines = orders::lines_of(db, store, order.id).await?;
    let product_ids: Vec<Uuid> = lines.iter().filter_map(|line| line.product_id).collect();
    let (_, images) = products_and_images(db, store, &product_ids).await?;
    let currency = CurrencyCode::parse(&order.currency).unwrap_or_else(|_| stores::currency(store));
    let money = |minor| Money::new(minor, currency).display();
    let views = lines
        .iter()
        .map(|line| LineView {
            title: line.title.clone(),
            variant: telling(&line.variant_title),
            quantity: line.quantity,
            unit_price: money(line.unit_price_minor),
            price: money(line.subtotal_minor),
            image: line
                .product_id
                .and_then(|product| image_for(&images, product, None)),
            unavailable: false,
        })
        .collect();
    Ok(Summary {
        lines: views,
        subtotal: money(order.subtotal_minor),
        shipping: money(order.shipping_minor),
        tax: (order.tax_minor > 0).then(|| money(order.tax_minor)),
        taxes_included: order.taxes_included,
        total: money(order.total_minor),
        currency: currency.code(),
    })
}

type Products = HashMap<Uuid, product::Model>;

/// The products by id (whatever their status: a line shows its title even once the product is
/// unpublished) and their images in display order.
async fn products_and_images(
    db: &impl ConnectionTrait,
    store: &Store,
    ids: &[Uuid],
) -> Result<(Products, Vec<product_image::Model>)> {
    let products = product_read::products_by_ids(db, store, Visibility::Admin(None), ids)
        .await?
        .into_iter()
        .map(|product| (product.id, product))
        .collect();
    let images = product_read::images_of_products(db, store, ids).await?;
    Ok((products, images))
}

/// The variant's own image, else the product's first.
fn image_for(
    images: &[product_image::Model],
    product: Uuid,
    variant_image: Option<Uuid>,
) -> Option<Image> {
    let own = variant_image.and_then(|id| images.iter().find(|image| image.id == id));
    let first = || images.iter().find(|image| image.product_id == product);
    own.or_else(first).map(|image| Image {
        url: image.url.clone(),
        alt: image.alt_text.clone().unwrap_or_default(),
    })
}

fn telling(variant_title: &str) -> Option<String> {
    let title = variant_title.trim();
    (!title.is_empty() && title != DEFAULT_VARIANT_TITLE).then(|| title.to_string())
}
