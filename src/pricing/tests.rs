//! Worked examples of whole quotes in USD, JPY and KWD, and the property that a quote always adds
//! up to the minor unit whatever the cart, discounts, rules and currency.

use std::collections::BTreeMap;

use proptest::prelude::*;
use rust_decimal::{Decimal, RoundingStrategy};

use super::*;

fn currency(code: &str) -> CurrencyCode {
    CurrencyCode::parse(code).unwrap()
}

fn line(unit_price_minor: i64, quantity: i64) -> PricedLine {
    PricedLine {
        unit_price_minor,
        quantity,
    }
}

fn rules(
    flat: i64,
    free_above: Option<i64>,
    included: bool,
    rates: &[(&str, &str)],
) -> PricingRules {
    PricingRules {
        shipping: ShippingRule {
            flat_rate_minor: flat,
            free_above_minor: free_above,
        },
        tax: TaxRule {
            prices_include_tax: included,
            rates: rates
                .iter()
                .map(|(country, rate)| (country.to_string(), rate.parse().unwrap()))
                .collect(),
        },
    }
}

#[test]
fn a_usd_checkout_with_tax_on_top() {
    // 2 × 19.99 + 1 × 5.00 = 44.98; 10 % off = 4.50 (4.498 → 4.50); goods 40.48.
    // Tax 8.875 % of 40.48 = 3.5926 → 3.59; shipping 4.99 (below 50.00).
    let quote = quote(
        &[line(1_999, 2), line(500, 1)],
        &[Discount::OrderPercentage("10".parse().unwrap())],
        &rules(499, Some(5_000), false, &[("US", "8.875")]),
        "us",
        currency("USD"),
    )
    .unwrap();
    assert_eq!(quote.subtotal_minor, 4_498);
    assert_eq!(quote.discount_minor, 450);
    assert_eq!(quote.tax_minor, 359);
    assert_eq!(quote.shipping_minor, 499);
    assert_eq!(quote.total_minor, 4_498 - 450 + 359 + 499);
    assert!(!quote.taxes_included);
    // The discount splits 3998 : 500 → 399.97 and 50.02 → 400 and 50.
    assert_eq!(quote.lines[0].discount_minor, 400);
    assert_eq!(quote.lines[1].discount_minor, 50);
    // The tax splits 3598 : 450 → 319.09 and 39.91 → 319 and 40.
    assert_eq!(quote.lines[0].tax_minor, 319);
    assert_eq!(quote.lines[1].tax_minor, 40);
    assert_eq!(quote.lines[0].total_minor, 3_998 - 400 + 319);
}

#[test]
fn a_jpy_checkout_with_tax_included_and_free_shipping() {
    // ¥1,100 × 3 = ¥3,300 including 10 % tax: ¥300 of it is tax. Free shipping from ¥3,000.
    let quote = quote(
        &[line(1_100, 3)],
        &[],
        &rules(500, Some(3_000), true, &[("JP", "10")]),
        "JP",
        currency("JPY"),
    )
    .unwrap();
    assert_eq!(quote.tax_minor, 300);
    assert!(quote.taxes_included);
    assert_eq!(quote.shipping_minor, 0);
    assert_eq!(quote.total_minor, 3_300);
    assert_eq!(quote.lines[0].total_minor, 3_300);
}

#[test]
fn a_jpy_discount_rounds_to_whole_yen() {
    // 15 % of ¥999 = ¥149.85 → ¥150; 15 % of ¥10 = ¥1.5 → ¥2 (half away from zero).
    let off = |price| {
        quote(
            &[line(price, 1)],
            &[Discount::LinePercentage {
                line: 0,
                percent: "15".parse().unwrap(),
            }],
            &PricingRules::default(),
            "",
            currency("JPY"),
        )
        .unwrap()
        .discount_minor
    };
    assert_eq!(off(999), 150);
    assert_eq!(off(10), 2);
}

#[test]
fn a_kwd_checkout_keeps_three_decimals() {
    // KWD 1.250 × 2 = 2.500, 5 % on top = 0.125, shipping 0.750: 3.375.
    let quote = quote(
        &[line(1_250, 2)],
        &[],
        &rules(750, None, false, &[("KW", "5")]),
        "KW",
        currency("KWD"),
    )
    .unwrap();
    assert_eq!(quote.tax_minor, 125);
    assert_eq!(quote.total_minor, 3_375);
}

#[test]
fn the_free_shipping_threshold_counts_goods_after_discounts() {
    let priced = |discounts: &[Discount]| {
        quote(
            &[line(5_000, 1)],
            discounts,
            &rules(499, Some(5_000), false, &[]),
            "US",
            currency("USD"),
        )
        .unwrap()
        .shipping_minor
    };
    assert_eq!(priced(&[]), 0);
    assert_eq!(priced(&[Discount::OrderFixed(1)]), 499);
}

#[test]
fn an_empty_checkout_costs_nothing() {
    let quote = quote(
        &[],
        &[Discount::OrderFixed(100)],
        &rules(499, None, false, &[("US", "10")]),
        "US",
        currency("USD"),
    )
    .unwrap();
    assert_eq!((quote.total_minor, quote.lines.len()), (0, 0));
}

#[test]
fn amounts_that_overflow_are_input_errors() {
    let too_large = |lines: &[PricedLine]| {
        matches!(
            quote(lines, &[], &PricingRules::default(), "", currency("USD")),
            Err(AppError::Invalid { ref field, .. }) if field == &["lines"]
        )
    };
    assert!(too_large(&[line(i64::MAX, 2)]));
    assert!(too_large(&[line(i64::MAX, 1), line(1, 1)]));
    let tax_on_top = quote(
        &[line(i64::MAX, 1)],
        &[],
        &rules(0, None, false, &[("US", "1")]),
        "US",
        currency("USD"),
    );
    assert!(tax_on_top.is_err());
    assert!(
        quote(
            &[line(-1, 1)],
            &[],
            &PricingRules::default(),
            "",
            currency("USD")
        )
        .is_err()
    );
}

/// A random discount on one of `lines` lines or the whole order.
fn discount(lines: usize) -> impl Strategy<Value = Discount> {
    let percent = (0_i64..=10_000).prop_map(|basis| Decimal::new(basis, 2));
    prop_oneof![
        percent.clone().prop_map(Discount::OrderPercentage),
        (0_i64..=2_000_000_000_000).prop_map(Discount::OrderFixed),
        (0..lines, percent).prop_map(|(line, percent)| Discount::LinePercentage { line, percent }),
        (0..lines, 0_i64..=1_000_000_000_000)
            .prop_map(|(line, amount_minor)| Discount::LineFixed { line, amount_minor }),
    ]
}

/// Random lines (1–20, prices below 10^9 minor units, quantities 1–1000) and discounts for them.
fn cart() -> impl Strategy<Value = (Vec<PricedLine>, Vec<Discount>)> {
    prop::collection::vec((0_i64..1_000_000_000, 1_i64..=1_000), 1..=20).prop_flat_map(|lines| {
        let count = lines.len();
        let lines = lines
            .into_iter()
            .map(|(p, q)| line(p, q))
            .collect::<Vec<_>>();
        (Just(lines), prop::collection::vec(discount(count), 0..=4))
    })
}

/// Random shipping and tax rules: rates 0–30 % with up to three decimals, inclusive or not.
fn any_rules() -> impl Strategy<Value = PricingRules> {
    let rate = (0_i64..=30_000).prop_map(|digits| Decimal::new(digits, 3));
    (
        0_i64..=100_000,
        prop::option::of(0_i64..=100_000_000_000),
        any::<bool>(),
        prop::collection::btree_map(prop_oneof![Just("US"), Just("DE"), Just("JP")], rate, 0..=3),
    )
        .prop_map(|(flat, free, included, rates)| PricingRules {
            shipping: ShippingRule {
                flat_rate_minor: flat,
                free_above_minor: free,
            },
            tax: TaxRule {
                prices_include_tax: included,
                rates: rates
                    .into_iter()
                    .map(|(country, rate)| (country.to_string(), rate))
                    .collect::<BTreeMap<_, _>>(),
            },
        })
}

/// The tax computed independently with `Decimal` (exact for these magnitudes and rates).
fn expected_tax(base: i64, rate: Decimal, included: bool) -> i64 {
    let base = Decimal::from(base);
    let tax = if included {
        base * rate / (Decimal::ONE_HUNDRED + rate)
    } else {
        base * rate / Decimal::ONE_HUNDRED
    };
    i64::try_from(tax.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(10_000))]

    #[test]
    fn a_quote_adds_up_to_the_minor_unit(
        (lines, discounts) in cart(),
        rules in any_rules(),
        country in prop_oneof![Just("US"), Just("de"), Just("JP"), Just("FR"), Just("")],
        code in prop_oneof![Just("USD"), Just("JPY"), Just("KWD")],
    ) {
        let quote = quote(&lines, &discounts, &rules, country, currency(code)).unwrap();
        let subtotals: Vec<i64> = lines.iter().map(|l| l.unit_price_minor * l.quantity).collect();
        let sum = |f: fn(&LineQuote) -> i64| quote.lines.iter().map(f).sum::<i64>();

        prop_assert_eq!(quote.currency.code(), code);
        prop_assert_eq!(quote.subtotal_minor, subtotals.iter().sum::<i64>());
        prop_assert_eq!(sum(|l| l.subtotal_minor), quote.subtotal_minor);
        prop_assert_eq!(sum(|l| l.discount_minor), quote.discount_minor);
        prop_assert_eq!(sum(|l| l.tax_minor), quote.tax_minor);
        prop_assert!(quote.discount_minor <= quote.subtotal_minor);
        let goods = quote.subtotal_minor - quote.discount_minor;
        let included = rules.tax.prices_include_tax;
        prop_assert_eq!(quote.taxes_included, included);
        let added_tax = if included { 0 } else { quote.tax_minor };
        prop_assert_eq!(quote.total_minor, goods + added_tax + quote.shipping_minor);
        prop_assert_eq!(sum(|l| l.total_minor) + quote.shipping_minor, quote.total_minor);

        let rate = rules.tax.rate_for(country);
        prop_assert_eq!(quote.tax_minor, expected_tax(goods, rate, included));
        if included {
            prop_assert!(quote.tax_minor <= goods);
        }
        let free = rules.shipping.free_above_minor.is_some_and(|t| goods >= t);
        let shipping = if free { 0 } else { rules.shipping.flat_rate_minor };
        prop_assert_eq!(quote.shipping_minor, shipping);

        for (l, subtotal) in quote.lines.iter().zip(&subtotals) {
            prop_assert_eq!(l.subtotal_minor, *subtotal);
            prop_assert!(l.discount_minor >= 0 && l.discount_minor <= l.subtotal_minor);
            prop_assert!(l.tax_minor >= 0);
            let base = l.subtotal_minor - l.discount_minor;
            prop_assert_eq!(l.total_minor, base + if included { 0 } else { l.tax_minor });
        }
        // Each line's tax is within one unit of its exact share of the tax by discounted amount.
        if goods > 0 {
            for l in &quote.lines {
                let base = i128::from(l.subtotal_minor - l.discount_minor);
                let exact = i128::from(quote.tax_minor) * base;
                prop_assert!((i128::from(l.tax_minor) * i128::from(goods) - exact).abs() < i128::from(goods));
            }
        }
        prop_assert!(quote.shipping_minor >= 0 && quote.tax_minor >= 0 && quote.total_minor >= 0);
    }
}
