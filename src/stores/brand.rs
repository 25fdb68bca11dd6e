//! A store's brand, as Shopify's `shop.brand` shows it: a slogan and short description, logo,
//! square logo and cover image, and primary and secondary colour pairs. It lives under the `brand`
//! key of the store's settings document; admins set it through `storeUpdate(input: {brand})`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Store;
use crate::error::{AppError, InputErrorCode, Result};

/// Settings key of the brand.
pub const BRAND: &str = "brand";

/// The most colour pairs of each kind.
const MAX_COLOR_GROUPS: usize = 10;

/// A background and foreground colour (`#rrggbb`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColorGroup {
    pub background: Option<String>,
    pub foreground: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Brand {
    pub slogan: Option<String>,
    pub short_description: Option<String>,
    pub logo_url: Option<String>,
    pub square_logo_url: Option<String>,
    pub cover_image_url: Option<String>,
    #[serde(default)]
    pub primary_colors: Vec<ColorGroup>,
    #[serde(default)]
    pub secondary_colors: Vec<ColorGroup>,
}

impl Brand {
    /// The store's brand; an empty one when it has none.
    pub fn of(store: &Store) -> Brand {
        store
            .settings
            .get(BRAND)
            .cloned()
            .and_then(|brand| serde_json::from_value(brand).ok())
            .unwrap_or_default()
    }

    /// Validates the brand and writes it into a store's settings document.
    pub fn apply(self, settings: &mut Value) -> Result<()> {
        for (field, groups) in [
            ("primaryColors", &self.primary_colors),
            ("secondaryColors", &self.secondary_colors),
        ] {
            if groups.len() > MAX_COLOR_GROUPS {
                return Err(AppError::invalid(
                    &["brand", field],
                    InputErrorCode::TooMany,
                    format!("at most {MAX_COLOR_GROUPS} colour pairs"),
                ));
            }
            for group in groups {
                for color in [&group.background, &group.foreground].into_iter().flatten() {
                    check_color(color, field)?;
                }
            }
        }
        settings[BRAND] = serde_json::to_value(self).map_err(anyhow::Error::from)?;
        Ok(())
    }
}

/// A colour as Shopify's `Color` scalar spells it: `#` and six hexadecimal digits.
fn check_color(color: &str, field: &str) -> Result<()> {
    let valid = color.len() == 7
        && color.starts_with('#')
        && color[1..].bytes().all(|byte| byte.is_ascii_hexdigit());
    match valid {
        true => Ok(()),
        false => Err(AppError::invalid(
            &["brand", field],
            InputErrorCode::Invalid,
            format!("`{color}` is not a colour like #1a2b3c"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_must_be_hex_triplets_and_a_valid_brand_is_written() {
        let mut settings = serde_json::json!({});
        let bad = Brand {
            primary_colors: vec![ColorGroup {
                background: Some("red".into()),
                foreground: None,
            }],
            ..Brand::default()
        };
        assert!(bad.apply(&mut settings).is_err());
        assert_eq!(settings, serde_json::json!({}));
        let good = Brand {
            slogan: Some("Made to last".into()),
            primary_colors: vec![ColorGroup {
                background: Some("#1a2b3c".into()),
                foreground: Some("#FFFFFF".into()),
            }],
            ..Brand::default()
        };
        good.clone().apply(&mut settings).unwrap();
        assert_eq!(settings[BRAND]["slogan"], "Made to last");
    }
}
