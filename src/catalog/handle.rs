//! Handles: the URL-safe, per-store unique names of products, collections, pages and menus.

use crate::error::{AppError, InputErrorCode, Result};

const MAX_HANDLE: usize = 255;

/// The handle Shopify would derive from a title: lowercase ASCII words joined by hyphens.
pub fn from_title(title: &str) -> String {
    let handle = slug::slugify(title);
    if handle.is_empty() {
        "item".to_string()
    } else {
        handle
    }
}

/// Checks a handle given explicitly: lowercase letters, digits and hyphens.
pub fn validate(handle: &str) -> Result<String> {
    let handle = handle.trim();
    let valid = !handle.is_empty()
        && handle.len() <= MAX_HANDLE
        && handle
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if valid {
        Ok(handle.to_string())
    } else {
        Err(AppError::invalid(
            &["handle"],
            InputErrorCode::Invalid,
            "handle may contain only lowercase letters, digits, hyphens and underscores",
        ))
    }
}

/// The handle to store: the given one, or one derived from the title.
pub fn choose(given: Option<&str>, title: &str) -> Result<String> {
    match given {
        Some(handle) => validate(handle),
        None => Ok(from_title(title)),
    }
}

/// A required, trimmed title of at most 255 characters.
pub fn validate_title(title: &str) -> Result<String> {
    let title = title.trim();
    if title.is_empty() {
        return Err(AppError::invalid(
            &["title"],
            InputErrorCode::Blank,
            "title can't be blank",
        ));
    }
    if title.chars().count() > 255 {
        return Err(AppError::invalid(
            &["title"],
            InputErrorCode::TooLong,
            "title is too long (maximum is 255 characters)",
        ));
    }
    Ok(title.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_are_derived_from_titles() {
        assert_eq!(from_title("Classic Tee — Black!"), "classic-tee-black");
        assert_eq!(from_title("***"), "item");
    }

    #[test]
    fn explicit_handles_must_be_url_safe() {
        assert!(validate("Has Spaces").is_err());
        assert!(validate("").is_err());
        assert_eq!(validate("ok-handle_2").unwrap(), "ok-handle_2");
    }
}
