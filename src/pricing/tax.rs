//! Tax on a checkout's goods: the destination's rate, added on top of prices or contained in them.
//! Shipping is never taxed here.

use rust_decimal::Decimal;

use super::TaxRule;
use super::percent::Percent;
use crate::error::{AppError, InputErrorCode, Result};

impl TaxRule {
    /// The rate for a destination country (any case, surrounding blanks ignored); 0 % where none
    /// is set, including when the country is not known yet (an empty string).
    pub fn rate_for(&self, country: &str) -> Decimal {
        self.rates
            .get(&country.trim().to_ascii_uppercase())
            .copied()
            .unwrap_or(Decimal::ZERO)
    }

    /// The tax on goods worth `base` (after discounts) shipped to `country`, rounded half away
    /// from zero to a whole minor unit:
    /// - prices exclude tax: `base × rate / 100`, to be added on top;
    /// - prices include tax: `base × rate / (100 + rate)`, the part of `base` that is tax.
    ///
    /// Rates read from the settings are always within 0..=100; a hand-built rule with a rate
    /// outside it is an input error rather than a wrong total.
    pub fn tax_on(&self, base: i64, country: &str) -> Result<i64> {
        let rate = self.rate_for(country);
        let rate = Percent::new(rate).ok_or_else(|| {
            AppError::invalid(
                &["taxRates", &country.trim().to_ascii_uppercase()],
                InputErrorCode::Invalid,
                format!("a tax rate of {rate} % is not between 0 and 100"),
            )
        })?;
        Ok(if self.prices_include_tax {
            rate.contained_in(base)
        } else {
            rate.of(base)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn rule(included: bool, rate: &str) -> TaxRule {
        TaxRule {
            prices_include_tax: included,
            rates: BTreeMap::from([("US".to_string(), rate.parse().unwrap())]),
        }
    }

    #[test]
    fn exclusive_tax_goes_on_top_and_inclusive_tax_is_found_inside() {
        // 8.875 % on 19.99 = 1.7741… → 1.77.
        assert_eq!(rule(false, "8.875").tax_on(1_999, "us").unwrap(), 177);
        // 8.875 % inside 19.99 = 1999 × 8.875 / 108.875 = 162.95… → 1.63.
        assert_eq!(rule(true, "8.875").tax_on(1_999, "US").unwrap(), 163);
    }

    #[test]
    fn an_unknown_or_missing_country_pays_no_tax() {
        assert_eq!(rule(false, "20").tax_on(1_000, "FR").unwrap(), 0);
        assert_eq!(rule(false, "20").tax_on(1_000, "").unwrap(), 0);
    }

    #[test]
    fn a_rate_above_a_hundred_is_refused() {
        assert!(rule(false, "101").tax_on(1_000, "US").is_err());
    }
}
