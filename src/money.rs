//! Money: integer minor units end to end. Parsing a decimal string into minor units and formatting
//! minor units as a decimal string happen only here, using the currency's ISO 4217 exponent (two
//! for USD, none for JPY). No floats touch money.

#![deny(clippy::float_arithmetic, clippy::float_cmp)]

use std::str::FromStr;

use iso_currency::Currency;
use rust_decimal::Decimal;

use crate::error::{AppError, InputErrorCode, Result};

/// A supported ISO 4217 currency code with its exponent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CurrencyCode(Currency);

impl CurrencyCode {
    /// US dollars; the fallback for a store whose stored currency no longer parses.
    pub const USD: CurrencyCode = CurrencyCode(Currency::USD);

    /// Parses a three-letter code such as `USD`; unknown codes are an input error.
    pub fn parse(code: &str) -> Result<Self> {
        Currency::from_code(&code.to_ascii_uppercase())
            .filter(|currency| currency.exponent().is_some())
            .map(CurrencyCode)
            .ok_or_else(|| {
                AppError::invalid(
                    &["currency"],
                    InputErrorCode::Invalid,
                    format!("`{code}` is not a supported ISO 4217 currency code"),
                )
            })
    }

    pub fn code(self) -> &'static str {
        self.0.code()
    }

    /// Digits after the decimal point (2 for USD, 0 for JPY, 3 for KWD).
    pub fn exponent(self) -> u32 {
        self.0.exponent().map(u32::from).unwrap_or(0)
    }
}

/// An amount in minor units of a currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Money {
    pub minor: i64,
    pub currency: CurrencyCode,
}

impl Money {
    pub fn new(minor: i64, currency: CurrencyCode) -> Self {
        Money { minor, currency }
    }

    /// Parses a non-negative decimal string (`"29.99"`, `"30"`) with at most the currency's
    /// number of decimals. `field` names the input for the error.
    pub fn parse(amount: &str, currency: CurrencyCode, field: &[&str]) -> Result<Self> {
        let invalid = |message: String| AppError::invalid(field, InputErrorCode::Invalid, message);
        let decimal = Decimal::from_str_exact(amount.trim())
            .map_err(|_| invalid(format!("`{amount}` is not a decimal amount")))?;
        if decimal.is_sign_negative() && !decimal.is_zero() {
            return Err(AppError::invalid(
                field,
                InputErrorCode::GreaterThanOrEqualTo,
                "must be greater than or equal to 0",
            ));
        }
        let exponent = currency.exponent();
        if decimal.normalize().scale() > exponent {
            return Err(invalid(format!(
                "{} allows at most {exponent} decimal places",
                currency.code()
            )));
        }
        let scaled = decimal * Decimal::from(10_i64.pow(exponent));
        let minor = i64::try_from(scaled.trunc())
            .map_err(|_| invalid(format!("`{amount}` is too large")))?;
        Ok(Money { minor, currency })
    }

    /// Minor units from a float bound of a storefront price filter (Shopify's `PriceRangeFilter`
    /// uses `Float`), rounded to the currency's decimals.
    pub fn from_filter_bound(value: f64, currency: CurrencyCode) -> Option<Money> {
        let exponent = currency.exponent();
        let decimal = Decimal::try_from(value).ok()?.round_dp(exponent);
        let minor = i64::try_from((decimal * Decimal::from(10_i64.pow(exponent))).trunc()).ok()?;
        Some(Money { minor, currency })
    }

    /// The decimal string the API renders (`"29.99"`, `"1000"` for JPY).
    pub fn amount(&self) -> String {
        Decimal::new(self.minor, self.currency.exponent()).to_string()
    }

    /// The amount as shoppers read it: the currency's symbol, then the amount with the
    /// currency's decimals and its thousands grouped (`$1,234.50`, `¥1,000`, `-£3.00`).
    pub fn display(&self) -> String {
        let amount = self.amount();
        let (sign, digits) = match amount.strip_prefix('-') {
            Some(digits) => ("-", digits),
            None => ("", amount.as_str()),
        };
        let (whole, fraction) = match digits.split_once('.') {
            Some((whole, fraction)) => (whole, format!(".{fraction}")),
            None => (digits, String::new()),
        };
        let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
        for (i, digit) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(digit);
        }
        format!("{sign}{}{grouped}{fraction}", self.currency.symbol())
    }
}

impl CurrencyCode {
    /// The sign shoppers know the currency by (`$`, `¥`); the code and a space when it has none.
    fn symbol(self) -> String {
        let symbol = self.0.symbol().symbol;
        if symbol.is_empty() || symbol == "¤" {
            format!("{} ", self.code())
        } else {
            symbol
        }
    }
}

impl FromStr for CurrencyCode {
    type Err = AppError;

    fn from_str(code: &str) -> Result<Self> {
        CurrencyCode::parse(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn usd() -> CurrencyCode {
        CurrencyCode::parse("USD").unwrap()
    }

    #[test]
    fn amounts_render_with_the_currency_exponent() {
        assert_eq!(Money::new(2999, usd()).amount(), "29.99");
        assert_eq!(Money::new(3000, usd()).amount(), "30.00");
        assert_eq!(
            Money::new(1000, CurrencyCode::parse("JPY").unwrap()).amount(),
            "1000"
        );
        assert_eq!(
            Money::new(1500, CurrencyCode::parse("KWD").unwrap()).amount(),
            "1.500"
        );
    }

    #[test]
    fn amounts_display_with_the_currency_symbol_and_grouped_thousands() {
        let money = |minor, code| Money::new(minor, CurrencyCode::parse(code).unwrap()).display();
        assert_eq!(money(3750, "USD"), "$37.50");
        assert_eq!(money(123_456_789, "USD"), "$1,234,567.89");
        assert_eq!(money(100_000, "JPY"), "¥100,000");
        assert_eq!(money(999, "JPY"), "¥999");
        assert_eq!(money(15_000, "CLF"), "CLF 1.5000", "no symbol: the code");
        assert_eq!(money(-300, "GBP"), "-£3.00");
        assert_eq!(money(0, "EUR"), "€0.00");
    }

    #[test]
    fn too_many_decimals_and_negatives_are_refused() {
        assert!(Money::parse("1.999", usd(), &["price"]).is_err());
        assert!(Money::parse("-1", usd(), &["price"]).is_err());
        assert!(Money::parse("abc", usd(), &["price"]).is_err());
        assert!(Money::parse("5.5", CurrencyCode::parse("JPY").unwrap(), &["price"]).is_err());
        assert_eq!(Money::parse("5.50", usd(), &["price"]).unwrap().minor, 550);
        assert_eq!(Money::parse("5.500", usd(), &["price"]).unwrap().minor, 550);
    }

    #[test]
    fn unknown_currencies_are_refused() {
        assert!(CurrencyCode::parse("XYZ").is_err());
    }

    proptest! {
        #[test]
        fn formatting_then_parsing_gives_back_the_minor_units(minor in 0_i64..=9_000_000_000_000_000) {
            for code in ["USD", "JPY", "KWD"] {
                let currency = CurrencyCode::parse(code).unwrap();
                let rendered = Money::new(minor, currency).amount();
                prop_assert_eq!(Money::parse(&rendered, currency, &["x"]).unwrap().minor, minor);
            }
        }
    }
}
