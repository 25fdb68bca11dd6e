//! The pricing rules in a store's settings: their keys, reading them (anything missing or
//! malformed falls back to no shipping and no tax), and checking a tax rate or a country before
//! it is stored. Writing the settings is the stores module's business.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde_json::Value;

use super::{PricingRules, ShippingRule, TaxRule};
use crate::error::{AppError, InputErrorCode, Result};
use crate::stores::Store;

/// Settings key of the flat shipping rate, in minor units of the store currency.
pub const SHIPPING_FLAT_RATE_MINOR: &str = "shipping_flat_rate_minor";
/// Settings key of the goods total (after discounts) from which shipping is free, in minor units.
pub const FREE_SHIPPING_THRESHOLD_MINOR: &str = "free_shipping_threshold_minor";
/// Settings key of whether prices include tax.
pub const PRICES_INCLUDE_TAX: &str = "prices_include_tax";
/// Settings key of the tax table: an object from country code to a percentage as a decimal
/// string (`{"US": "8.875"}`).
pub const TAX_RATES: &str = "tax_rates";

/// Decimal places a stored tax rate may have.
const RATE_PLACES: u32 = 4;

impl PricingRules {
    /// The store's rules; a store that set none charges no shipping and no tax.
    pub fn of(store: &Store) -> PricingRules {
        PricingRules::from_settings(&store.settings)
    }

    /// The rules in a settings document. Each key is read on its own: a missing or malformed one
    /// (a negative amount, a rate that is not a decimal string in 0..=100, a country that is not
    /// two letters) takes its default, so one bad entry costs that entry only.
    pub fn from_settings(settings: &Value) -> PricingRules {
        let amount = |key: &str| {
            settings
                .get(key)
                .and_then(Value::as_i64)
                .filter(|a| *a >= 0)
        };
        let rates = settings
            .get(TAX_RATES)
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter_map(|(country, rate)| {
                let country = parse_country(country, &[]).ok()?;
                let rate = parse_rate(rate.as_str()?, &[]).ok()?;
                Some((country, rate))
            })
            .collect();
        PricingRules {
            shipping: ShippingRule {
                flat_rate_minor: amount(SHIPPING_FLAT_RATE_MINOR).unwrap_or(0),
                free_above_minor: amount(FREE_SHIPPING_THRESHOLD_MINOR),
            },
            tax: TaxRule {
                prices_include_tax: settings
                    .get(PRICES_INCLUDE_TAX)
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
                rates,
            },
        }
    }
}

/// A tax table as stored in the settings under `TAX_RATES`.
pub fn rates_json(rates: &BTreeMap<String, Decimal>) -> Value {
    rates
        .iter()
        .map(|(country, rate)| (country.clone(), Value::String(rate.to_string())))
        .collect::<serde_json::Map<_, _>>()
        .into()
}

/// A tax rate as a percentage: a decimal string between 0 and 100 with at most four decimals
/// (`"8.875"`), normalised (`"20.00"` is 20). `field` names the input for the error.
pub fn parse_rate(text: &str, field: &[&str]) -> Result<Decimal> {
    let rate = Decimal::from_str_exact(text.trim())
        .map_err(|_| {
            AppError::invalid(
                field,
                InputErrorCode::Invalid,
                format!("`{text}` is not a decimal percentage"),
            )
        })?
        .normalize();
    if rate.is_sign_negative() && !rate.is_zero() {
        return Err(AppError::invalid(
            field,
            InputErrorCode::GreaterThanOrEqualTo,
            "a tax rate must be greater than or equal to 0",
        ));
    }
    if rate > Decimal::ONE_HUNDRED {
        return Err(AppError::invalid(
            field,
            InputErrorCode::LessThanOrEqualTo,
            "a tax rate must be less than or equal to 100",
        ));
    }
    if rate.scale() > RATE_PLACES {
        return Err(AppError::invalid(
            field,
            InputErrorCode::Invalid,
            format!("a tax rate has at most {RATE_PLACES} decimal places"),
        ));
    }
    // `-0` normalises to a zero that still prints its sign.
    Ok(if rate.is_zero() { Decimal::ZERO } else { rate })
}

/// An ISO 3166-1 alpha-2 country code, upper-cased (`us` is `US`).
pub fn parse_country(code: &str, field: &[&str]) -> Result<String> {
    let code = code.trim();
    if code.len() == 2 && code.chars().all(|c| c.is_ascii_alphabetic()) {
        Ok(code.to_ascii_uppercase())
    } else {
        Err(AppError::invalid(
            field,
            InputErrorCode::Invalid,
            format!("`{code}` is not a two-letter country code"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_store_without_settings_charges_no_shipping_and_no_tax() {
        let rules = PricingRules::from_settings(&json!({}));
        assert_eq!(rules, PricingRules::default());
        assert!(rules.tax.rates.is_empty());
    }

    #[test]
    fn settings_are_read_key_by_key() {
        let rules = PricingRules::from_settings(&json!({
            "shipping_flat_rate_minor": 599,
            "free_shipping_threshold_minor": 5000,
            "prices_include_tax": true,
            "tax_rates": { "US": "8.875", "de": "19", "FR": "abc", "GB": 20, "XXX": "5", "IT": "150" },
        }));
        assert_eq!(rules.shipping.flat_rate_minor, 599);
        assert_eq!(rules.shipping.free_above_minor, Some(5000));
        assert!(rules.tax.prices_include_tax);
        let rates: Vec<(&str, String)> = rules
            .tax
            .rates
            .iter()
            .map(|(c, r)| (c.as_str(), r.to_string()))
            .collect();
        assert_eq!(rates, vec![("DE", "19".into()), ("US", "8.875".into())]);
        assert_eq!(rules.tax.rate_for(" us "), Decimal::new(8875, 3));
        assert_eq!(rules.tax.rate_for(""), Decimal::ZERO);
    }

    #[test]
    fn malformed_settings_fall_back_to_defaults() {
        let rules = PricingRules::from_settings(&json!({
            "shipping_flat_rate_minor": -5,
            "free_shipping_threshold_minor": "5000",
            "prices_include_tax": "yes",
            "tax_rates": ["US", "8"],
        }));
        assert_eq!(rules, PricingRules::default());
        assert_eq!(
            PricingRules::from_settings(&json!(null)),
            PricingRules::default()
        );
    }

    #[test]
    fn tax_rates_are_percentages_with_at_most_four_decimals() {
        assert_eq!(parse_rate("8.875", &["r"]).unwrap(), Decimal::new(8875, 3));
        assert_eq!(parse_rate("20.00", &["r"]).unwrap().to_string(), "20");
        assert_eq!(parse_rate("-0", &["r"]).unwrap().to_string(), "0");
        assert_eq!(parse_rate("100", &["r"]).unwrap(), Decimal::ONE_HUNDRED);
        let code = |text: &str| match parse_rate(text, &["r"]) {
            Err(AppError::Invalid { code, .. }) => code,
            other => panic!("{text}: {other:?}"),
        };
        assert_eq!(code("150"), InputErrorCode::LessThanOrEqualTo);
        assert_eq!(code("-1"), InputErrorCode::GreaterThanOrEqualTo);
        assert_eq!(code("abc"), InputErrorCode::Invalid);
        assert_eq!(code("1.23456"), InputErrorCode::Invalid);
        assert_eq!(code("1e2"), InputErrorCode::Invalid);
    }

    #[test]
    fn the_table_round_trips_through_the_settings() {
        let rates = BTreeMap::from([
            ("US".to_string(), Decimal::new(8875, 3)),
            ("JP".to_string(), Decimal::TEN),
        ]);
        let settings = json!({ TAX_RATES: rates_json(&rates) });
        assert_eq!(settings[TAX_RATES], json!({ "JP": "10", "US": "8.875" }));
        assert_eq!(PricingRules::from_settings(&settings).tax.rates, rates);
    }
}
