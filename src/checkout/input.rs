//! What a buyer gives at checkout (email, addresses, a payment token) and its validation. Every
//! problem is reported at once, each with the path of the field at fault
//! (`["input", "shippingAddress", "zip"]`), before anything is written.

use serde::{Deserialize, Serialize};

use super::{Refusal, RefusalCode};
use crate::customers::is_well_formed_email;

/// A postal address as given, and as stored on the order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub first_name: Option<String>,
    pub last_name: String,
    pub address1: String,
    pub address2: Option<String>,
    pub city: String,
    pub province: Option<String>,
    pub zip: String,
    /// ISO 3166-1 alpha-2, upper case.
    pub country_code: String,
    pub phone: Option<String>,
}

/// The checkout's input.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckoutInput {
    pub email: String,
    pub shipping_address: Address,
    /// The shipping address when absent.
    pub billing_address: Option<Address>,
    pub payment_token: String,
}

/// The longest any address part or the email may be.
const MAX_CHARS: usize = 255;

/// Trims the input and checks it; returns every problem found.
pub fn validate(input: &CheckoutInput) -> Result<CheckoutInput, Vec<Refusal>> {
    let mut problems = Vec::new();
    let email = input.email.trim().to_string();
    if email.is_empty() {
        problems.push(invalid(&["email"], "email can't be blank"));
    } else if email.chars().count() > MAX_CHARS || !is_well_formed_email(&email) {
        problems.push(invalid(&["email"], "email is not a valid email address"));
    }
    let shipping = address(&input.shipping_address, "shippingAddress", &mut problems);
    let billing = input
        .billing_address
        .as_ref()
        .map(|billing| address(billing, "billingAddress", &mut problems));
    let payment_token = input.payment_token.trim().to_string();
    if payment_token.is_empty() {
        problems.push(invalid(&["paymentToken"], "paymentToken can't be blank"));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(CheckoutInput {
        email,
        shipping_address: shipping,
        billing_address: billing,
        payment_token,
    })
}

fn address(given: &Address, name: &str, problems: &mut Vec<Refusal>) -> Address {
    let mut part = |field: &str, value: &str, required: bool| -> String {
        let value = value.trim().to_string();
        if required && value.is_empty() {
            problems.push(invalid(&[name, field], &format!("{field} can't be blank")));
        } else if value.chars().count() > MAX_CHARS {
            problems.push(invalid(
                &[name, field],
                &format!("{field} is too long (maximum is {MAX_CHARS} characters)"),
            ));
        }
        value
    };
    let first_name = given
        .first_name
        .as_deref()
        .map(|v| part("firstName", v, false));
    let last_name = part("lastName", &given.last_name, true);
    let address1 = part("address1", &given.address1, true);
    let address2 = given
        .address2
        .as_deref()
        .map(|v| part("address2", v, false));
    let city = part("city", &given.city, true);
    let province = given
        .province
        .as_deref()
        .map(|v| part("province", v, false));
    let zip = part("zip", &given.zip, true);
    let country_code = given.country_code.trim().to_ascii_uppercase();
    let phone = given.phone.as_deref().map(|v| part("phone", v, false));
    if country_code.len() != 2 || !country_code.chars().all(|c| c.is_ascii_uppercase()) {
        problems.push(invalid(
            &[name, "countryCode"],
            "countryCode must be an ISO 3166-1 alpha-2 code",
        ));
    }
    if let Some(phone) = phone.as_deref().filter(|p| !p.is_empty())
        && !is_phone_number(phone)
    {
        problems.push(invalid(
            &[name, "phone"],
            "phone must be a number such as +16135551111",
        ));
    }
    let empty_to_none = |value: Option<String>| value.filter(|v| !v.is_empty());
    Address {
        first_name: empty_to_none(first_name),
        last_name,
        address1,
        address2: empty_to_none(address2),
        city,
        province: empty_to_none(province),
        zip,
        country_code,
        phone: empty_to_none(phone),
    }
}

/// E.164-like: an optional `+`, then 7 to 15 digits, spaces and dashes allowed between them.
fn is_phone_number(phone: &str) -> bool {
    let digits = phone.strip_prefix('+').unwrap_or(phone);
    let count = digits.chars().filter(char::is_ascii_digit).count();
    (7..=15).contains(&count)
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || c == ' ' || c == '-')
}

fn invalid(path: &[&str], message: &str) -> Refusal {
    let field = std::iter::once("input")
        .chain(path.iter().copied())
        .map(str::to_string)
        .collect();
    Refusal::new(RefusalCode::Invalid, field, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> CheckoutInput {
        CheckoutInput {
            email: " buyer@example.com ".into(),
            shipping_address: Address {
                last_name: "Lovelace".into(),
                address1: "12 Analytical Row".into(),
                city: "London".into(),
                zip: "N1 9GU".into(),
                country_code: "gb".into(),
                ..Address::default()
            },
            billing_address: None,
            payment_token: "tok_visa".into(),
        }
    }

    #[test]
    fn a_complete_input_is_trimmed_and_accepted() {
        let valid = validate(&good()).unwrap();
        assert_eq!(valid.email, "buyer@example.com");
        assert_eq!(valid.shipping_address.country_code, "GB");
    }

    #[test]
    fn every_missing_part_is_reported_with_its_path() {
        let mut input = good();
        input.email = "not-an-email".into();
        input.shipping_address.city = " ".into();
        input.shipping_address.zip = String::new();
        input.shipping_address.phone = Some("call me".into());
        let fields: Vec<Vec<String>> = validate(&input)
            .unwrap_err()
            .into_iter()
            .map(|refusal| refusal.field)
            .collect();
        let path = |parts: &[&str]| parts.iter().map(|p| p.to_string()).collect::<Vec<_>>();
        assert_eq!(
            fields,
            vec![
                path(&["input", "email"]),
                path(&["input", "shippingAddress", "city"]),
                path(&["input", "shippingAddress", "zip"]),
                path(&["input", "shippingAddress", "phone"]),
            ]
        );
    }
}
