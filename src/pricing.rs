//! Pricing a checkout: subtotal, discounts, shipping and tax in integer minor units, with every
//! split (a discount or the tax across lines) allocated by largest remainder so the parts add up
//! to the whole exactly. The rules come from the store's settings. No floats: amounts are `i64`
//! minor units, rates and percentages `Decimal`, intermediates `i128`.
//!
//! Rounding: every percentage (a discount, a tax) is rounded once, half away from zero, to a
//! whole minor unit of the amount it applies to (the order's goods or one line); the lines' shares
//! of an order-level amount then come from `allocate`, never from rounding each line.

#![deny(clippy::float_arithmetic, clippy::float_cmp)]

mod allocation;
mod discounts;
mod percent;
mod rules;
mod tax;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use rust_decimal::Decimal;

pub use self::allocation::allocate;
pub use self::rules::{
    FREE_SHIPPING_THRESHOLD_MINOR, PRICES_INCLUDE_TAX, SHIPPING_FLAT_RATE_MINOR, TAX_RATES,
    parse_country, parse_rate, rates_json,
};
use crate::error::{AppError, InputErrorCode, Result};
use crate::money::CurrencyCode;

/// How a store charges shipping and tax (store settings).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PricingRules {
    pub shipping: ShippingRule,
    pub tax: TaxRule,
}

/// A flat shipping rate, waived when the goods (after discounts) reach a threshold.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ShippingRule {
    pub flat_rate_minor: i64,
    pub free_above_minor: Option<i64>,
}

impl ShippingRule {
    /// Shipping for goods worth `goods` (after discounts, as the buyer pays them: with tax when
    /// prices include it): the flat rate, or nothing from the threshold on, or nothing when no
    /// line has a quantity (an empty checkout ships nothing). A negative rate counts as none.
    pub fn charge(&self, goods: i64, anything_to_ship: bool) -> i64 {
        let free = self
            .free_above_minor
            .is_some_and(|threshold| goods >= threshold);
        if anything_to_ship && !free {
            self.flat_rate_minor.max(0)
        } else {
            0
        }
    }
}

/// Tax rates per destination country (ISO 3166-1 alpha-2), as percentages (`8.875`), and whether
/// prices already include them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TaxRule {
    pub prices_include_tax: bool,
    pub rates: BTreeMap<String, Decimal>,
}

/// A line to price: unit price in minor units and quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PricedLine {
    pub unit_price_minor: i64,
    pub quantity: i64,
}

/// A discount to apply. Line discounts apply before order discounts, each kind in the order
/// given, each to what is still left to pay (so discounts compound); percentages are between 0
/// and 100 and fixed amounts ≥ 0, and none takes more than is left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Discount {
    /// A percentage of the order's goods still to pay, spread over the lines.
    OrderPercentage(Decimal),
    /// A fixed amount off the order's goods, spread over the lines.
    OrderFixed(i64),
    /// A percentage off one line (an index into the quoted lines).
    LinePercentage { line: usize, percent: Decimal },
    /// A fixed amount off one line (an index into the quoted lines).
    LineFixed { line: usize, amount_minor: i64 },
}

/// One line of a quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineQuote {
    /// unit price × quantity
    pub subtotal_minor: i64,
    pub discount_minor: i64,
    pub tax_minor: i64,
    /// What the line costs the buyer: subtotal − discount (+ tax when prices exclude it).
    pub total_minor: i64,
}

/// A priced checkout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    pub currency: CurrencyCode,
    pub lines: Vec<LineQuote>,
    pub subtotal_minor: i64,
    pub discount_minor: i64,
    pub shipping_minor: i64,
    pub tax_minor: i64,
    pub taxes_included: bool,
    pub total_minor: i64,
}

/// Prices `lines` shipped to `country` (ISO 3166-1 alpha-2, any case; empty when not known yet,
/// which means no tax). In order:
/// 1. each line's subtotal is unit price × quantity;
/// 2. discounts come off the lines (see `discounts::apply`: line discounts first, then order
///    discounts spread over the lines by largest remainder), never below zero;
/// 3. shipping is the flat rate unless the goods after discounts reach the free threshold;
/// 4. tax is the destination's rate on the goods after discounts (shipping is not taxed), on
///    top of prices or contained in them, rounded half away from zero, then spread over the
///    lines by largest remainder weighted by each line's discounted amount.
///
/// Totals: goods − discounts + tax + shipping when prices exclude tax; goods − discounts +
/// shipping when they include it. A negative price or quantity, a malformed discount, or an
/// amount that would overflow an i64 is an input error; nothing panics.
pub fn quote(
    lines: &[PricedLine],
    discounts: &[Discount],
    rules: &PricingRules,
    country: &str,
    currency: CurrencyCode,
) -> Result<Quote> {
    let subtotals = lines
        .iter()
        .enumerate()
        .map(|(index, line)| line.subtotal(index))
        .collect::<Result<Vec<_>>>()?;
    let subtotal = subtotals
        .iter()
        .try_fold(0_i64, |sum, s| sum.checked_add(*s))
        .ok_or_else(too_large)?;
    let line_discounts = discounts::apply(&subtotals, discounts)?;
    let bases: Vec<i64> = subtotals
        .iter()
        .zip(&line_discounts)
        .map(|(s, d)| s - d)
        .collect();
    let discount: i64 = line_discounts.iter().sum();
    let goods = subtotal - discount;
    let shipping = rules
        .shipping
        .charge(goods, lines.iter().any(|line| line.quantity > 0));
    let tax = rules.tax.tax_on(goods, country)?;
    let taxes_included = rules.tax.prices_include_tax;
    let added_tax = if taxes_included { 0 } else { tax };
    let total = goods
        .checked_add(added_tax)
        .and_then(|sum| sum.checked_add(shipping))
        .ok_or_else(too_large)?;
    let lines = subtotals
        .iter()
        .zip(&line_discounts)
        .zip(bases.iter().zip(allocate(tax, &bases)))
        .map(
            |((&subtotal_minor, &discount_minor), (&base, tax_minor))| LineQuote {
                subtotal_minor,
                discount_minor,
                tax_minor,
                // At most goods + tax, which fit: `total` was checked.
                total_minor: if taxes_included {
                    base
                } else {
                    base + tax_minor
                },
            },
        )
        .collect();
    Ok(Quote {
        currency,
        lines,
        subtotal_minor: subtotal,
        discount_minor: discount,
        shipping_minor: shipping,
        tax_minor: tax,
        taxes_included,
        total_minor: total,
    })
}

impl PricedLine {
    /// unit price × quantity; both must be ≥ 0 and the product fit an i64.
    fn subtotal(&self, index: usize) -> Result<i64> {
        if self.unit_price_minor < 0 || self.quantity < 0 {
            return Err(AppError::invalid(
                &["lines", &index.to_string()],
                InputErrorCode::GreaterThanOrEqualTo,
                "a price and a quantity must be greater than or equal to 0",
            ));
        }
        self.unit_price_minor
            .checked_mul(self.quantity)
            .ok_or_else(too_large)
    }
}

fn too_large() -> AppError {
    AppError::invalid(
        &["lines"],
        InputErrorCode::Invalid,
        "the checkout's amounts are too large",
    )
}
