//! Percentages of minor-unit amounts, rounded to whole minor units. Exact integer arithmetic on the
//! percentage's decimal digits (`i128`), rounding half away from zero once at the end; no floats.

use rust_decimal::{Decimal, RoundingStrategy};

/// Decimal places a percentage is taken to before any arithmetic, so its digits fit the `i128`
/// products. Store tax rates have at most four; a computed percentage (a third, say) is first
/// rounded to this many places, half away from zero, which moves the exact product by less than
/// a thousandth of a unit on amounts below 10^15 minor units.
const MAX_PLACES: u32 = 16;

/// A percentage between 0 and 100 as an exact fraction `digits / 10^places` percent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Percent {
    digits: i128,
    scale: i128,
}

impl Percent {
    /// The percentage `value` (`8.875` is 8.875 %); `None` outside 0..=100.
    pub fn new(value: Decimal) -> Option<Percent> {
        if value.is_sign_negative() && !value.is_zero() || value > Decimal::ONE_HUNDRED {
            return None;
        }
        let value = value
            .round_dp_with_strategy(MAX_PLACES, RoundingStrategy::MidpointAwayFromZero)
            .normalize();
        Some(Percent {
            digits: value.mantissa(),
            scale: 10_i128.pow(value.scale()),
        })
    }

    /// `amount × p / 100`, rounded half away from zero: what a p % discount takes off, or p %
    /// tax on top of a price. Never more than `amount`.
    pub fn of(self, amount: i64) -> i64 {
        round_div(i128::from(amount) * self.digits, 100 * self.scale)
    }

    /// `amount × p / (100 + p)`, rounded half away from zero: the p % tax contained in a price
    /// that includes it. Always less than `amount` (for a positive amount).
    pub fn contained_in(self, amount: i64) -> i64 {
        round_div(
            i128::from(amount) * self.digits,
            100 * self.scale + self.digits,
        )
    }
}

/// `n / d` rounded half away from zero. Callers pass `d > 0` and `n / d` within an i64: `digits`
/// ≤ 100 × 10^16 < 2^60 and |amount| ≤ 2^63, so `n` < 2^123, and the quotient is at most
/// |amount|.
fn round_div(n: i128, d: i128) -> i64 {
    let half_up = (2 * n.abs() + d) / (2 * d);
    (n.signum() * half_up) as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn percent(text: &str) -> Percent {
        Percent::new(text.parse().unwrap()).unwrap()
    }

    #[test]
    fn halves_round_away_from_zero() {
        // 10 % of 5 = 0.5 → 1; 10 % of 4 = 0.4 → 0; 10 % of 15 = 1.5 → 2; of 25 = 2.5 → 3.
        assert_eq!(percent("10").of(5), 1);
        assert_eq!(percent("10").of(4), 0);
        assert_eq!(percent("10").of(15), 2);
        assert_eq!(percent("10").of(25), 3);
        assert_eq!(percent("10").of(-25), -3);
        // 8.875 % of 1000 = 88.75 → 89.
        assert_eq!(percent("8.875").of(1000), 89);
    }

    #[test]
    fn tax_contained_in_a_price_uses_rate_over_a_hundred_plus_rate() {
        // 20 % VAT in 120.00: 20.00.
        assert_eq!(percent("20").contained_in(12_000), 2000);
        // 19 % in 1.00: 100 × 19 / 119 = 15.97 → 16.
        assert_eq!(percent("19").contained_in(100), 16);
        // 10 % in JPY 1100: 100.
        assert_eq!(percent("10").contained_in(1100), 100);
        assert_eq!(percent("0").contained_in(1100), 0);
    }

    #[test]
    fn percentages_outside_zero_to_a_hundred_are_refused() {
        assert!(Percent::new(Decimal::new(-1, 2)).is_none());
        assert!(Percent::new(Decimal::new(10001, 2)).is_none());
        assert!(Percent::new(Decimal::ONE_HUNDRED).is_some());
        assert!(Percent::new(Decimal::new(-0, 0)).is_some());
    }

    #[test]
    fn long_percentages_and_huge_amounts_do_not_overflow() {
        let third = Decimal::ONE_HUNDRED / Decimal::from(3);
        let p = Percent::new(third).unwrap();
        assert_eq!(p.of(300), 100);
        assert!((p.of(i64::MAX) - i64::MAX / 3).abs() <= 5);
        assert_eq!(percent("100").of(i64::MAX), i64::MAX);
        assert_eq!(percent("100").contained_in(i64::MAX), i64::MAX / 2 + 1);
    }

    proptest! {
        #[test]
        fn a_percentage_is_within_half_a_unit_of_the_exact_value(
            amount in 0_i64..=i64::MAX,
            digits in 0_i64..=100_000,
        ) {
            let value = Decimal::new(digits, 3);
            prop_assume!(value <= Decimal::ONE_HUNDRED);
            let p = Percent::new(value).unwrap();
            let exact_n = i128::from(amount) * i128::from(digits);
            let d = 100_000_i128;
            let of = i128::from(p.of(amount));
            prop_assert!((2 * (of * d - exact_n)).abs() <= d);
            prop_assert!(of <= i128::from(amount));
            let contained = i128::from(p.contained_in(amount));
            let d = 100_000 + i128::from(digits);
            prop_assert!((2 * (contained * d - exact_n)).abs() <= d);
            prop_assert!(contained <= i128::from(amount));
        }
    }
}
