//! Pricing a checkout: subtotal, discounts, shipping and tax in integer minor units, with every
//! split (a discount or the tax across lines) allocated by largest remainder so the parts add up
//! to the whole exactly. The rules come from the store's settings.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::error::Result;
use crate::money::CurrencyCode;
use crate::stores::Store;

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

/// Tax rates per destination country (ISO 3166-1 alpha-2), as percentages (`8.875`), and whether
/// prices already include them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TaxRule {
    pub prices_include_tax: bool,
    pub rates: BTreeMap<String, Decimal>,
}

impl PricingRules {
    /// The store's rules; a store that set none charges no shipping and no tax.
    pub fn of(_store: &Store) -> PricingRules {
        todo!()
    }
}

/// A line to price: unit price in minor units and quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PricedLine {
    pub unit_price_minor: i64,
    pub quantity: i64,
}

/// A discount to apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Discount {
    /// A percentage of the order's goods, spread over the lines.
    OrderPercentage(Decimal),
    /// A fixed amount off the order's goods, spread over the lines.
    OrderFixed(i64),
    /// A percentage off one line.
    LinePercentage { line: usize, percent: Decimal },
    /// A fixed amount off one line.
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

/// Prices `lines` shipped to `country`. Fails (a typed input error, nothing panics) when an
/// amount would overflow.
pub fn quote(
    _lines: &[PricedLine],
    _discounts: &[Discount],
    _rules: &PricingRules,
    _country: &str,
    _currency: CurrencyCode,
) -> Result<Quote> {
    todo!()
}

/// Splits `amount` over `weights` in proportion, by largest remainder: the parts add up to
/// `amount` exactly.
pub fn allocate(_amount: i64, _weights: &[i64]) -> Vec<i64> {
    todo!()
}
