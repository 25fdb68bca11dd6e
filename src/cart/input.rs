//! What cart edits accept, and the checks on it that need no database: quantities, the note,
//! attributes and codes. A failed check is a typed input error pointing at the field, and the
//! edit changes nothing.

use uuid::Uuid;

use super::{Attribute, MAX_ENTRIES, MAX_LINE_QUANTITY, MAX_NOTE_CHARS};
use crate::customers::is_well_formed_email;
use crate::error::{AppError, InputErrorCode, Result};

/// A line to add: `quantity` units of a variant.
#[derive(Debug, Clone)]
pub struct NewLine {
    pub variant_id: Uuid,
    pub quantity: i64,
    pub attributes: Vec<Attribute>,
}

/// A change to an existing line; absent fields stay as they are, quantity 0 removes the line.
#[derive(Debug, Clone)]
pub struct LineChange {
    pub line_id: Uuid,
    pub variant_id: Option<Uuid>,
    pub quantity: Option<i64>,
    pub attributes: Option<Vec<Attribute>>,
}

/// Who is buying; absent fields stay as they are.
#[derive(Debug, Clone, Default)]
pub struct BuyerIdentityChange {
    pub country_code: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// The signed-in customer the cart now belongs to (their open cart merges into it).
    pub customer_id: Option<Uuid>,
}

/// Everything a new cart may start with.
#[derive(Debug, Clone, Default)]
pub struct NewCart {
    pub lines: Vec<NewLine>,
    pub buyer_identity: Option<BuyerIdentityChange>,
    pub attributes: Option<Vec<Attribute>>,
    pub note: Option<String>,
    pub discount_codes: Option<Vec<String>>,
}

/// A line quantity: at least 0, at most `MAX_LINE_QUANTITY`.
pub fn check_quantity(quantity: i64, path: &[&str]) -> Result<()> {
    if quantity < 0 {
        return Err(AppError::invalid(
            path,
            InputErrorCode::GreaterThanOrEqualTo,
            "the quantity must be at least 0",
        ));
    }
    if quantity > MAX_LINE_QUANTITY {
        return Err(AppError::invalid(
            path,
            InputErrorCode::LessThanOrEqualTo,
            format!("the quantity must be at most {MAX_LINE_QUANTITY}"),
        ));
    }
    Ok(())
}

/// A note of at most `MAX_NOTE_CHARS` characters.
pub fn check_note(note: &str, path: &[&str]) -> Result<()> {
    if note.chars().count() > MAX_NOTE_CHARS {
        return Err(AppError::invalid(
            path,
            InputErrorCode::TooLong,
            format!("the note must be at most {MAX_NOTE_CHARS} characters"),
        ));
    }
    Ok(())
}

/// At most this many characters in an attribute key or a discount code.
const MAX_KEY_CHARS: usize = 255;
/// At most this many characters in an attribute value.
const MAX_VALUE_CHARS: usize = 5_000;

/// At most `MAX_ENTRIES` attributes with non-blank keys of bounded length.
pub fn check_attributes(attributes: &[Attribute], path: &[&str]) -> Result<()> {
    if attributes.len() > MAX_ENTRIES {
        return Err(AppError::invalid(
            path,
            InputErrorCode::Invalid,
            format!("at most {MAX_ENTRIES} attributes"),
        ));
    }
    for (index, attribute) in attributes.iter().enumerate() {
        let problem = if attribute.key.trim().is_empty() {
            Some(("key", "an attribute needs a key".to_string()))
        } else if attribute.key.chars().count() > MAX_KEY_CHARS {
            Some((
                "key",
                format!("an attribute key has at most {MAX_KEY_CHARS} characters"),
            ))
        } else if attribute.value.chars().count() > MAX_VALUE_CHARS {
            Some((
                "value",
                format!("an attribute value has at most {MAX_VALUE_CHARS} characters"),
            ))
        } else {
            None
        };
        if let Some((field, message)) = problem {
            let index = index.to_string();
            let at = [path, &[index.as_str(), field]].concat();
            return Err(AppError::invalid(&at, InputErrorCode::Invalid, message));
        }
    }
    Ok(())
}

/// Discount codes, trimmed, without blanks or repeats; at most `MAX_ENTRIES`.
pub fn normalize_codes(codes: &[String], path: &[&str]) -> Result<Vec<String>> {
    if codes.len() > MAX_ENTRIES {
        return Err(AppError::invalid(
            path,
            InputErrorCode::Invalid,
            format!("at most {MAX_ENTRIES} discount codes"),
        ));
    }
    if let Some(index) = codes.iter().position(|c| c.chars().count() > MAX_KEY_CHARS) {
        return Err(AppError::invalid(
            &[path, &[&index.to_string()]].concat(),
            InputErrorCode::Invalid,
            format!("a discount code has at most {MAX_KEY_CHARS} characters"),
        ));
    }
    let mut normalized: Vec<String> = Vec::new();
    for code in codes.iter().map(|code| code.trim()) {
        if !code.is_empty() && !normalized.iter().any(|c| c.eq_ignore_ascii_case(code)) {
            normalized.push(code.to_string());
        }
    }
    Ok(normalized)
}

/// A buyer's email address, held to the rule customer accounts use.
pub fn check_email(email: &str, path: &[&str]) -> Result<()> {
    if is_well_formed_email(email) {
        return Ok(());
    }
    Err(AppError::invalid(
        path,
        InputErrorCode::Invalid,
        "the email address is not valid",
    ))
}
