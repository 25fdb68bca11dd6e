//! What merchants send to create or change products and variants, and its validation. Validation
//! turns raw input into checked values (parse, don't validate); uniqueness is left to the database.

use uuid::Uuid;

use super::ProductStatus;
use super::handle;
use crate::error::{AppError, InputErrorCode, Result};
use crate::money::{CurrencyCode, Money};

pub const MAX_VARIANTS: usize = 100;
pub const MAX_OPTIONS: usize = 3;
/// The highest search pin a merchant may give (pins are positions at the top of results).
pub const MAX_SEARCH_PIN: i32 = 1_000;

/// Product fields; `None` leaves a field as it is on update.
#[derive(Debug, Clone, Default)]
pub struct ProductInput {
    pub title: Option<String>,
    pub handle: Option<String>,
    pub description_html: Option<String>,
    pub vendor: Option<String>,
    pub product_type: Option<String>,
    pub tags: Option<Vec<String>>,
    pub status: Option<ProductStatus>,
    pub seo_title: Option<String>,
    pub seo_description: Option<String>,
    /// Option names in order (at most three); only on create.
    pub options: Option<Vec<String>>,
    /// Variants; only on create (later changes go through the variant mutations).
    pub variants: Option<Vec<VariantInput>>,
    /// Images in order; replaces all images on update.
    pub images: Option<Vec<ImageInput>>,
    /// The merchant's search pin: `Some(Some(n))` puts the product at position n of the
    /// pinned products on top of every search it matches, `Some(None)` unpins it.
    pub search_pin: Option<Option<i32>>,
}

/// A search pin, checked: 1 to `MAX_SEARCH_PIN`.
pub fn check_search_pin(pin: Option<i32>) -> Result<Option<i32>> {
    match pin {
        Some(pin) if pin < 1 => Err(AppError::invalid(
            &["searchPin"],
            InputErrorCode::GreaterThanOrEqualTo,
            "searchPin must be greater than or equal to 1",
        )),
        Some(pin) if pin > MAX_SEARCH_PIN => Err(AppError::invalid(
            &["searchPin"],
            InputErrorCode::LessThanOrEqualTo,
            format!("searchPin must be less than or equal to {MAX_SEARCH_PIN}"),
        )),
        pin => Ok(pin),
    }
}

#[derive(Debug, Clone, Default)]
pub struct VariantInput {
    /// The variant to change (bulk update only).
    pub id: Option<Uuid>,
    pub sku: Option<String>,
    pub price: Option<String>,
    pub compare_at_price: Option<String>,
    /// Option values in the order of the product's options.
    pub options: Option<Vec<String>>,
    /// Initial stock on hand (create only).
    pub inventory_quantity: Option<i64>,
    pub requires_shipping: Option<bool>,
}

#[derive(Debug, Clone, Default)]
pub struct ImageInput {
    pub url: String,
    pub alt_text: Option<String>,
    pub width: Option<i32>,
    pub height: Option<i32>,
}

/// A variant whose values have been checked.
#[derive(Debug, Clone)]
pub struct CheckedVariant {
    pub sku: Option<String>,
    pub price_minor: Option<i64>,
    /// `Some(None)` clears the compare-at price.
    pub compare_at_minor: Option<Option<i64>>,
    pub options: Option<Vec<String>>,
    pub inventory_quantity: i64,
    pub requires_shipping: Option<bool>,
}

/// Checks the option names of a new product.
pub fn check_option_names(names: &[String]) -> Result<Vec<String>> {
    if names.len() > MAX_OPTIONS {
        return Err(AppError::invalid(
            &["options"],
            InputErrorCode::TooMany,
            format!("a product can have at most {MAX_OPTIONS} options"),
        ));
    }
    let mut checked: Vec<String> = Vec::with_capacity(names.len());
    for (index, name) in names.iter().enumerate() {
        let name = name.trim();
        let at = index.to_string();
        if name.is_empty() {
            return Err(AppError::invalid(
                &["options", &at],
                InputErrorCode::Blank,
                "option name can't be blank",
            ));
        }
        if checked.iter().any(|seen| seen.eq_ignore_ascii_case(name)) {
            return Err(AppError::invalid(
                &["options", &at],
                InputErrorCode::Duplicate,
                format!("option `{name}` is given twice"),
            ));
        }
        checked.push(name.to_string());
    }
    Ok(checked)
}

/// Checks the number of variants of one request.
pub fn check_variant_count(count: usize) -> Result<()> {
    if count > MAX_VARIANTS {
        return Err(AppError::invalid(
            &["variants"],
            InputErrorCode::TooMany,
            format!("a product can have at most {MAX_VARIANTS} variants"),
        ));
    }
    Ok(())
}

/// Checks one variant against the product's option count and the store currency.
pub fn check_variant(
    input: &VariantInput,
    option_count: usize,
    currency: CurrencyCode,
) -> Result<CheckedVariant> {
    let price_minor = input
        .price
        .as_deref()
        .map(|price| Money::parse(price, currency, &["price"]).map(|m| m.minor))
        .transpose()?;
    let compare_at_minor = input
        .compare_at_price
        .as_deref()
        .map(|price| match price.trim() {
            "" => Ok(None),
            price => Money::parse(price, currency, &["compareAtPrice"]).map(|m| Some(m.minor)),
        })
        .transpose()?;
    let options = match &input.options {
        Some(values) => Some(check_option_values(values, option_count)?),
        None => None,
    };
    let inventory_quantity = input.inventory_quantity.unwrap_or(0);
    if inventory_quantity < 0 {
        return Err(AppError::invalid(
            &["inventoryQuantity"],
            InputErrorCode::GreaterThanOrEqualTo,
            "inventory quantity must be greater than or equal to 0",
        ));
    }
    let sku = match input.sku.as_deref().map(str::trim) {
        Some(sku) if sku.chars().count() > 255 => {
            return Err(AppError::invalid(
                &["sku"],
                InputErrorCode::TooLong,
                "SKU is too long (maximum is 255 characters)",
            ));
        }
        Some("") | None => None,
        Some(sku) => Some(sku.to_string()),
    };
    Ok(CheckedVariant {
        sku,
        price_minor,
        compare_at_minor,
        options,
        inventory_quantity,
        requires_shipping: input.requires_shipping,
    })
}

fn check_option_values(values: &[String], option_count: usize) -> Result<Vec<String>> {
    if values.len() != option_count {
        return Err(AppError::invalid(
            &["options"],
            InputErrorCode::Invalid,
            format!(
                "expected {option_count} option values, got {}",
                values.len()
            ),
        ));
    }
    values
        .iter()
        .map(|value| match value.trim() {
            "" => Err(AppError::invalid(
                &["options"],
                InputErrorCode::Blank,
                "option value can't be blank",
            )),
            value => Ok(value.to_string()),
        })
        .collect()
}

/// Checks the tags: trimmed, non-empty, without repeats, at most 255 characters each.
pub fn check_tags(tags: &[String]) -> Result<Vec<String>> {
    let mut checked: Vec<String> = Vec::new();
    for tag in tags {
        let tag = tag.trim();
        if tag.chars().count() > 255 {
            return Err(AppError::invalid(
                &["tags"],
                InputErrorCode::TooLong,
                "a tag is too long (maximum is 255 characters)",
            ));
        }
        if !tag.is_empty() && !checked.iter().any(|seen| seen == tag) {
            checked.push(tag.to_string());
        }
    }
    Ok(checked)
}

/// Checks image inputs: an absolute http(s) URL and non-negative dimensions.
pub fn check_images(images: &[ImageInput]) -> Result<()> {
    for (index, image) in images.iter().enumerate() {
        let at = index.to_string();
        let url = image.url.trim();
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(AppError::invalid(
                &["images", &at, "url"],
                InputErrorCode::Invalid,
                "image URL must be an absolute http(s) URL",
            ));
        }
        if image.width.is_some_and(|w| w < 0) || image.height.is_some_and(|h| h < 0) {
            return Err(AppError::invalid(
                &["images", &at],
                InputErrorCode::GreaterThanOrEqualTo,
                "image dimensions must be greater than or equal to 0",
            ));
        }
    }
    Ok(())
}

/// Title and handle of a new product.
pub fn check_new_product(input: &ProductInput) -> Result<(String, String)> {
    let title = handle::validate_title(input.title.as_deref().unwrap_or_default())?;
    let handle = handle::choose(input.handle.as_deref(), &title)?;
    Ok((title, handle))
}

/// The title of a variant from its option values ("Default Title" without options).
pub fn variant_title(options: &[String]) -> String {
    if options.is_empty() {
        "Default Title".to_string()
    } else {
        options.join(" / ")
    }
}
