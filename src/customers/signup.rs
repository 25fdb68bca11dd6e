//! What a new customer account must satisfy, checked before anything is written, with Shopify's
//! rules and messages: an email (trimmed and lowercased, so one address is one account whatever
//! its case), a password of 5 to 40 characters that neither starts nor ends with white space,
//! names of at most 255 characters, and a phone number in E.164 form. Field paths are the input's
//! field names; the GraphQL layer puts them under its argument.

use crate::error::{AppError, InputErrorCode, Result};

use super::passwords;

/// What signing up takes.
#[derive(Debug, Clone, Default)]
pub struct NewCustomer {
    pub email: String,
    pub password: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub accepts_marketing: bool,
}

/// A new customer that passed every check, its password already hashed.
#[derive(Debug, Clone)]
pub struct PreparedCustomer {
    pub(super) email: String,
    pub(super) password_hash: String,
    pub(super) first_name: Option<String>,
    pub(super) last_name: Option<String>,
    pub(super) phone: Option<String>,
    pub(super) accepts_marketing: bool,
}

const MIN_PASSWORD: usize = 5;
const MAX_PASSWORD: usize = 40;
const MAX_TEXT: usize = 255;

impl NewCustomer {
    /// Checks the input and hashes the password (on the blocking pool); touches no database.
    pub async fn prepare(self) -> Result<PreparedCustomer> {
        let email = email(&self.email)?;
        check_password(&self.password)?;
        let first_name = name(self.first_name, "firstName", "First name")?;
        let last_name = name(self.last_name, "lastName", "Last name")?;
        let phone = phone(self.phone)?;
        Ok(PreparedCustomer {
            email,
            password_hash: passwords::hash(self.password).await?,
            first_name,
            last_name,
            phone,
            accepts_marketing: self.accepts_marketing,
        })
    }
}

/// An email as it is stored and looked up: trimmed and lowercased.
pub(super) fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Whether an email address looks deliverable: one `@` with something before it, and a dotted
/// domain after it, without whitespace.
pub fn is_well_formed_email(email: &str) -> bool {
    match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.contains('@')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains("..")
                && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    }
}

fn email(raw: &str) -> Result<String> {
    let email = normalise_email(raw);
    if email.is_empty() {
        return Err(invalid(
            "email",
            InputErrorCode::Blank,
            "Email can't be blank",
        ));
    }
    if email.chars().count() > MAX_TEXT {
        return Err(invalid(
            "email",
            InputErrorCode::TooLong,
            "Email is too long (maximum is 255 characters)",
        ));
    }
    if !is_well_formed_email(&email) {
        return Err(invalid(
            "email",
            InputErrorCode::Invalid,
            "Email is invalid",
        ));
    }
    Ok(email)
}

fn check_password(password: &str) -> Result<()> {
    if password.is_empty() {
        return Err(invalid(
            "password",
            InputErrorCode::Blank,
            "Password can't be blank",
        ));
    }
    if password.trim() != password {
        return Err(invalid(
            "password",
            InputErrorCode::WhitespaceEdges,
            "Password cannot start or end with whitespace",
        ));
    }
    let length = password.chars().count();
    if length < MIN_PASSWORD {
        return Err(invalid(
            "password",
            InputErrorCode::TooShort,
            format!("Password is too short (minimum is {MIN_PASSWORD} characters)"),
        ));
    }
    if length > MAX_PASSWORD {
        return Err(invalid(
            "password",
            InputErrorCode::TooLong,
            format!("Password is too long (maximum is {MAX_PASSWORD} characters)"),
        ));
    }
    Ok(())
}

/// A first or last name: trimmed, blank is none.
fn name(raw: Option<String>, field: &str, label: &str) -> Result<Option<String>> {
    let Some(name) = present(raw) else {
        return Ok(None);
    };
    if name.chars().count() > MAX_TEXT {
        return Err(invalid(
            field,
            InputErrorCode::TooLong,
            format!("{label} is too long (maximum is {MAX_TEXT} characters)"),
        ));
    }
    Ok(Some(name))
}

/// A phone number in E.164 form (`+16135551111`); spaces, dots, dashes and parentheses between
/// the digits are dropped. Blank is none.
fn phone(raw: Option<String>) -> Result<Option<String>> {
    let Some(phone) = present(raw) else {
        return Ok(None);
    };
    let compact: String = phone
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')'))
        .collect();
    let digits = compact.strip_prefix('+').unwrap_or_default();
    let valid = (8..=15).contains(&digits.len())
        && digits.chars().all(|c| c.is_ascii_digit())
        && !digits.starts_with('0');
    if !valid {
        return Err(invalid(
            "phone",
            InputErrorCode::Invalid,
            "Phone is invalid",
        ));
    }
    Ok(Some(compact))
}

fn present(raw: Option<String>) -> Option<String> {
    raw.map(|text| text.trim().to_string())
        .filter(|text| !text.is_empty())
}

fn invalid(field: &str, code: InputErrorCode, message: impl Into<String>) -> AppError {
    AppError::invalid(&[field], code, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code_of<T: std::fmt::Debug>(result: Result<T>) -> InputErrorCode {
        match result {
            Err(AppError::Invalid { code, .. }) => code,
            other => panic!("expected an input error, got {other:?}"),
        }
    }

    #[test]
    fn an_email_is_trimmed_lowercased_and_checked() {
        assert_eq!(email("  Ann@Example.COM ").unwrap(), "ann@example.com");
        assert_eq!(code_of(email("  ")), InputErrorCode::Blank);
        for bad in [
            "ann",
            "ann@",
            "@example.com",
            "ann@example",
            "a b@example.com",
            "a@b@c.com",
        ] {
            assert_eq!(code_of(email(bad)), InputErrorCode::Invalid, "{bad}");
        }
    }

    #[test]
    fn a_password_follows_shopifys_rules() {
        assert!(check_password("hunter2").is_ok());
        assert!(check_password("pass word").is_ok());
        assert_eq!(code_of(check_password("")), InputErrorCode::Blank);
        assert_eq!(code_of(check_password("abcd")), InputErrorCode::TooShort);
        assert_eq!(
            code_of(check_password(&"a".repeat(41))),
            InputErrorCode::TooLong
        );
        assert!(
            check_password(&"é".repeat(40)).is_ok(),
            "characters, not bytes"
        );
        for edged in [" hunter2", "hunter2 ", "hunter2\n", "   "] {
            assert_eq!(
                code_of(check_password(edged)),
                InputErrorCode::WhitespaceEdges,
                "{edged:?}"
            );
        }
    }

    #[test]
    fn a_phone_number_is_e164_and_blank_is_none() {
        assert_eq!(
            phone(Some("+1 (613) 555-1111".into())).unwrap().as_deref(),
            Some("+16135551111")
        );
        assert_eq!(phone(Some("  ".into())).unwrap(), None);
        for bad in ["6135551111", "+1", "+1613555x111", "+01234567890"] {
            assert_eq!(
                code_of(phone(Some(bad.into()))),
                InputErrorCode::Invalid,
                "{bad}"
            );
        }
    }

    #[test]
    fn names_are_trimmed_and_at_most_255_characters() {
        assert_eq!(
            name(Some(" Ann ".into()), "firstName", "First name")
                .unwrap()
                .as_deref(),
            Some("Ann")
        );
        assert_eq!(
            name(Some("".into()), "firstName", "First name").unwrap(),
            None
        );
        assert_eq!(
            code_of(name(Some("a".repeat(256)), "firstName", "First name")),
            InputErrorCode::TooLong
        );
    }
}
