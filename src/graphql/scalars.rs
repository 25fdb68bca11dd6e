//! Scalars of the Shopify Storefront API that are strings on the wire: `Decimal`, `URL`, `HTML`,
//! `JSON` (a JSON document serialised as a string), `CurrencyCode`, `CountryCode`, `Color`,
//! `LanguageCode`.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};

macro_rules! string_scalar {
    ($(#[$doc:meta])* $name:ident, $graphql:literal, $accept:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name(pub String);

        #[Scalar(name = $graphql)]
        impl ScalarType for $name {
            fn parse(value: Value) -> InputValueResult<Self> {
                let text = match value {
                    Value::String(text) => text,
                    Value::Enum(name) => name.to_string(),
                    Value::Number(number) => number.to_string(),
                    other => return Err(InputValueError::expected_type(other)),
                };
                let accept: fn(&str) -> bool = $accept;
                if accept(&text) {
                    Ok($name(text))
                } else {
                    Err(InputValueError::custom(format!("`{text}` is not a valid {}", $graphql)))
                }
            }

            fn to_value(&self) -> Value {
                Value::String(self.0.clone())
            }
        }
    };
}

string_scalar!(
    /// A decimal number as a string, such as `"29.99"`.
    Decimal,
    "Decimal",
    |text| !text.trim().is_empty()
);
string_scalar!(
    /// An absolute URL.
    Url,
    "URL",
    |_| true
);
string_scalar!(
    /// An HTML fragment.
    Html,
    "HTML",
    |_| true
);
string_scalar!(
    /// A JSON document serialised as a string.
    Json,
    "JSON",
    |text| serde_json::from_str::<serde_json::Value>(text).is_ok()
);
string_scalar!(
    /// An ISO 4217 currency code such as `USD`.
    CurrencyCode,
    "CurrencyCode",
    |text| text.len() == 3 && text.chars().all(|c| c.is_ascii_uppercase())
);
string_scalar!(
    /// An ISO 3166-1 alpha-2 country code such as `US`.
    CountryCode,
    "CountryCode",
    |text| text.len() == 2 && text.chars().all(|c| c.is_ascii_uppercase())
);
string_scalar!(
    /// A colour as `#` and six hexadecimal digits, such as `#1a2b3c`.
    Color,
    "Color",
    |text| text.len() == 7 && text.starts_with('#') && text[1..].bytes().all(|b| b.is_ascii_hexdigit())
);
string_scalar!(
    /// A language code such as `EN` or `PT_BR`.
    LanguageCode,
    "LanguageCode",
    |text| !text.is_empty() && text.chars().all(|c| c.is_ascii_uppercase() || c == '_')
);
