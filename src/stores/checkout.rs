//! A store's checkout settings: shipping, tax and when payment is captured. This module checks an
//! admin's changes and writes them into the store's settings document; it does no arithmetic
//! (`pricing` reads its rules back through `PricingRules::of`, checkout the `CapturePolicy`).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::Store;
use crate::error::{AppError, InputErrorCode, Result};
use crate::money::{CurrencyCode, Money};
use crate::pricing::{self, PricingRules};

/// Settings key of the capture policy: `"immediate"` (the default) or `"on_fulfillment"`.
pub const PAYMENT_CAPTURE: &str = "payment_capture";

/// The most rows a tax table may have: about one per country.
const MAX_TAX_RATES: usize = 250;

/// When a checkout's payment is captured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CapturePolicy {
    /// When the order is placed (the default).
    #[default]
    Immediate,
    /// Authorised when the order is placed, captured when it is fulfilled.
    OnFulfillment,
}

impl CapturePolicy {
    /// The store's policy; anything but `"on_fulfillment"` in the settings is `Immediate`.
    pub fn of(store: &Store) -> CapturePolicy {
        match store.settings.get(PAYMENT_CAPTURE).and_then(Value::as_str) {
            Some("on_fulfillment") => CapturePolicy::OnFulfillment,
            _ => CapturePolicy::Immediate,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CapturePolicy::Immediate => "immediate",
            CapturePolicy::OnFulfillment => "on_fulfillment",
        }
    }
}

/// One row of a tax table as an admin gives it.
#[derive(Debug, Clone)]
pub struct TaxRateInput {
    /// ISO 3166-1 alpha-2, any case.
    pub country_code: String,
    /// A percentage between 0 and 100 with at most four decimals (`"8.875"`).
    pub rate: String,
}

/// Checkout settings to change; absent fields stay as they are.
#[derive(Debug, Clone, Default)]
pub struct CheckoutSettingsInput {
    /// The flat shipping rate, a decimal amount in the store's currency (`"4.99"`).
    pub shipping_rate: Option<String>,
    /// The goods total (after discounts) from which shipping is free: `Some(Some(amount))` sets
    /// it, `Some(None)` clears it (shipping is never free), `None` leaves it.
    pub free_shipping_threshold: Option<Option<String>>,
    /// Whether prices include tax.
    pub taxes_included: Option<bool>,
    /// The tax table; replaces the whole table (an empty list removes every rate).
    pub tax_rates: Option<Vec<TaxRateInput>>,
    /// When payment is captured.
    pub payment_capture: Option<CapturePolicy>,
}

impl CheckoutSettingsInput {
    /// Whether `settings` holds a shipping amount this input does not restate: minor units a
    /// currency change would silently reinterpret (4.99 USD becoming 499 JPY). Zero means the
    /// same in every currency.
    pub fn leaves_amounts_in(&self, settings: &Value) -> bool {
        let shipping = PricingRules::from_settings(settings).shipping;
        (shipping.flat_rate_minor > 0 && self.shipping_rate.is_none())
            || (shipping.free_above_minor.is_some_and(|t| t > 0)
                && self.free_shipping_threshold.is_none())
    }

    /// Checks the input and writes it into `settings`, amounts in `currency`. On an error the
    /// caller drops `settings` (the update fails as a whole), so a half-written document is
    /// never stored.
    pub fn apply(self, settings: &mut Value, currency: CurrencyCode) -> Result<()> {
        if let Some(rate) = self.shipping_rate {
            let rate = Money::parse(&rate, currency, &["shippingRate"])?;
            settings[pricing::SHIPPING_FLAT_RATE_MINOR] = json!(rate.minor);
        }
        match self.free_shipping_threshold {
            Some(Some(threshold)) => {
                let threshold = Money::parse(&threshold, currency, &["freeShippingThreshold"])?;
                settings[pricing::FREE_SHIPPING_THRESHOLD_MINOR] = json!(threshold.minor);
            }
            Some(None) => {
                if let Some(settings) = settings.as_object_mut() {
                    settings.remove(pricing::FREE_SHIPPING_THRESHOLD_MINOR);
                }
            }
            None => {}
        }
        if let Some(included) = self.taxes_included {
            settings[pricing::PRICES_INCLUDE_TAX] = json!(included);
        }
        if let Some(rates) = self.tax_rates {
            settings[pricing::TAX_RATES] = pricing::rates_json(&parse_tax_rates(&rates)?);
        }
        if let Some(policy) = self.payment_capture {
            settings[PAYMENT_CAPTURE] = json!(policy.as_str());
        }
        Ok(())
    }
}

/// A tax table from its rows: each country once, each rate a valid percentage.
fn parse_tax_rates(rows: &[TaxRateInput]) -> Result<BTreeMap<String, rust_decimal::Decimal>> {
    if rows.len() > MAX_TAX_RATES {
        return Err(AppError::invalid(
            &["taxRates"],
            InputErrorCode::TooMany,
            format!("a tax table has at most {MAX_TAX_RATES} rows"),
        ));
    }
    let mut rates = BTreeMap::new();
    for (index, row) in rows.iter().enumerate() {
        let index = index.to_string();
        let country = pricing::parse_country(&row.country_code, &["countryCode"])
            .map_err(|err| err.within(&["taxRates", &index]))?;
        let rate = pricing::parse_rate(&row.rate, &["rate"])
            .map_err(|err| err.within(&["taxRates", &index]))?;
        if rates.insert(country.clone(), rate).is_some() {
            return Err(AppError::invalid(
                &["taxRates", &index, "countryCode"],
                InputErrorCode::Duplicate,
                format!("{country} has a rate already"),
            ));
        }
    }
    Ok(rates)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(country_code: &str, rate: &str) -> TaxRateInput {
        TaxRateInput {
            country_code: country_code.into(),
            rate: rate.into(),
        }
    }

    fn usd() -> CurrencyCode {
        CurrencyCode::USD
    }

    #[test]
    fn settings_are_written_where_pricing_reads_them() {
        let mut settings = json!({ "reservation_ttl_seconds": 60 });
        let input = CheckoutSettingsInput {
            shipping_rate: Some("4.99".into()),
            free_shipping_threshold: Some(Some("50".into())),
            taxes_included: Some(true),
            tax_rates: Some(vec![row("us", "8.875"), row("DE", "19.00")]),
            payment_capture: Some(CapturePolicy::OnFulfillment),
        };
        input.apply(&mut settings, usd()).unwrap();
        assert_eq!(
            settings,
            json!({
                "reservation_ttl_seconds": 60,
                "shipping_flat_rate_minor": 499,
                "free_shipping_threshold_minor": 5000,
                "prices_include_tax": true,
                "tax_rates": { "DE": "19", "US": "8.875" },
                "payment_capture": "on_fulfillment",
            })
        );
        let rules = PricingRules::from_settings(&settings);
        assert_eq!(rules.shipping.flat_rate_minor, 499);
        assert_eq!(rules.tax.rates.len(), 2);
    }

    #[test]
    fn a_null_threshold_clears_it() {
        let mut settings = json!({ "free_shipping_threshold_minor": 5000 });
        let input = CheckoutSettingsInput {
            free_shipping_threshold: Some(None),
            ..Default::default()
        };
        input.apply(&mut settings, usd()).unwrap();
        assert_eq!(settings, json!({}));
    }

    #[test]
    fn bad_rows_name_their_field() {
        let refused = |rows: Vec<TaxRateInput>| {
            let input = CheckoutSettingsInput {
                tax_rates: Some(rows),
                ..Default::default()
            };
            match input.apply(&mut json!({}), usd()) {
                Err(AppError::Invalid { field, code, .. }) => (field.join("."), code),
                other => panic!("{other:?}"),
            }
        };
        assert_eq!(
            refused(vec![row("US", "5"), row("DE", "150")]),
            ("taxRates.1.rate".into(), InputErrorCode::LessThanOrEqualTo)
        );
        assert_eq!(
            refused(vec![row("USA", "5")]),
            ("taxRates.0.countryCode".into(), InputErrorCode::Invalid)
        );
        assert_eq!(
            refused(vec![row("US", "5"), row("us", "6")]),
            ("taxRates.1.countryCode".into(), InputErrorCode::Duplicate)
        );
    }

    #[test]
    fn shipping_amounts_follow_the_currency_exponent() {
        let input = |rate: &str| CheckoutSettingsInput {
            shipping_rate: Some(rate.into()),
            ..Default::default()
        };
        let jpy = CurrencyCode::parse("JPY").unwrap();
        let mut settings = json!({});
        input("500").apply(&mut settings, jpy).unwrap();
        assert_eq!(settings["shipping_flat_rate_minor"], 500);
        assert!(input("4.99").apply(&mut settings, jpy).is_err());
    }

    #[test]
    fn only_nonzero_amounts_left_unrestated_tie_the_currency() {
        let settings = json!({ "shipping_flat_rate_minor": 499 });
        assert!(CheckoutSettingsInput::default().leaves_amounts_in(&settings));
        let restated = CheckoutSettingsInput {
            shipping_rate: Some("500".into()),
            ..Default::default()
        };
        assert!(!restated.leaves_amounts_in(&settings));
        let free = json!({ "shipping_flat_rate_minor": 0, "free_shipping_threshold_minor": 0 });
        assert!(!CheckoutSettingsInput::default().leaves_amounts_in(&free));
    }
}
