//! Applying discounts to lines: line discounts first, each on its own line, then order discounts
//! spread over the lines by largest remainder. Works on amounts already known to fit an i64 and
//! only ever takes off what is still left, so nothing here can overflow or go negative.

use super::Discount;
use super::allocation::allocate;
use super::percent::Percent;
use crate::error::{AppError, InputErrorCode, Result};

/// What the discounts take off each line (given each line's subtotal). Each line's discount is
/// at most its subtotal, so their sum is at most the goods.
///
/// Discounts apply in two passes, each in the order given: first the line discounts, then the
/// order discounts. Every discount works on what is still left to pay when its turn comes:
/// - a line percentage takes that share of the line's remaining amount;
/// - a line fixed amount takes at most the line's remaining amount;
/// - an order percentage takes that share of the goods still left (after the line discounts
///   and any earlier order discount); an order fixed amount takes at most the goods still left.
///   Either is spread over the lines by largest remainder, weighted by each line's remaining
///   amount, so no line gives more than it has left.
///
/// So two 50 % order discounts take 75 %, not 100 %. Percentages are rounded half away from
/// zero to whole minor units.
pub fn apply(subtotals: &[i64], discounts: &[Discount]) -> Result<Vec<i64>> {
    let mut remaining = subtotals.to_vec();
    let (line, order): (Vec<_>, Vec<_>) = discounts
        .iter()
        .enumerate()
        .partition(|(_, discount)| discount.is_for_a_line());
    for (index, discount) in line.into_iter().chain(order) {
        let path = ["discounts", &index.to_string()];
        match *discount {
            Discount::LinePercentage { line, percent } => {
                let line = line_index(line, remaining.len(), &path)?;
                remaining[line] -= percent_at(percent, &path)?.of(remaining[line]);
            }
            Discount::LineFixed { line, amount_minor } => {
                let line = line_index(line, remaining.len(), &path)?;
                remaining[line] -= fixed_at(amount_minor, &path)?.min(remaining[line]);
            }
            Discount::OrderPercentage(percent) => {
                let off = percent_at(percent, &path)?.of(goods(&remaining));
                spread(off, &mut remaining);
            }
            Discount::OrderFixed(amount_minor) => {
                let off = fixed_at(amount_minor, &path)?.min(goods(&remaining));
                spread(off, &mut remaining);
            }
        }
    }
    Ok(subtotals
        .iter()
        .zip(remaining)
        .map(|(s, r)| s - r)
        .collect())
}

impl Discount {
    fn is_for_a_line(&self) -> bool {
        matches!(
            self,
            Discount::LinePercentage { .. } | Discount::LineFixed { .. }
        )
    }
}

/// The goods still to pay for: at most the sum of the subtotals, which the caller checked fits.
fn goods(remaining: &[i64]) -> i64 {
    remaining.iter().sum()
}

/// Takes `off` (at most the goods left) from the lines in proportion to what each has left; no
/// part exceeds its weight, as each is within one unit of a share no larger than the weight.
fn spread(off: i64, remaining: &mut [i64]) {
    let parts = allocate(off, remaining);
    for (left, part) in remaining.iter_mut().zip(parts) {
        *left -= part;
    }
}

fn line_index(line: usize, lines: usize, path: &[&str]) -> Result<usize> {
    if line < lines {
        Ok(line)
    } else {
        Err(AppError::invalid(
            path,
            InputErrorCode::NotFound,
            format!("the discount names line {line}, and there are {lines} lines"),
        ))
    }
}

fn percent_at(percent: rust_decimal::Decimal, path: &[&str]) -> Result<Percent> {
    Percent::new(percent).ok_or_else(|| {
        AppError::invalid(
            path,
            InputErrorCode::Invalid,
            format!("a discount of {percent} % is not between 0 and 100"),
        )
    })
}

fn fixed_at(amount_minor: i64, path: &[&str]) -> Result<i64> {
    if amount_minor >= 0 {
        Ok(amount_minor)
    } else {
        Err(AppError::invalid(
            path,
            InputErrorCode::GreaterThanOrEqualTo,
            "a discount must be greater than or equal to 0",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    fn pct(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    #[test]
    fn line_discounts_stay_on_their_line_and_stop_at_its_subtotal() {
        let discounts = [
            Discount::LineFixed {
                line: 0,
                amount_minor: 5_000,
            },
            Discount::LinePercentage {
                line: 1,
                percent: pct("12.5"),
            },
        ];
        assert_eq!(
            apply(&[1_000, 2_000], &discounts).unwrap(),
            vec![1_000, 250]
        );
    }

    #[test]
    fn order_discounts_come_after_line_discounts_whatever_their_place() {
        // 10.00 off line 0 leaves 0 + 30.00; 50 % of the 30.00 left all falls on line 1.
        let discounts = [
            Discount::OrderPercentage(pct("50")),
            Discount::LineFixed {
                line: 0,
                amount_minor: 1_000,
            },
        ];
        assert_eq!(
            apply(&[1_000, 3_000], &discounts).unwrap(),
            vec![1_000, 1_500]
        );
    }

    #[test]
    fn an_order_discount_is_spread_by_what_each_line_has_left() {
        // 1.00 over 3 equal lines: 34, 33, 33 (the earlier line takes the odd cent).
        let discounts = [Discount::OrderFixed(100)];
        assert_eq!(
            apply(&[500, 500, 500], &discounts).unwrap(),
            vec![34, 33, 33]
        );
        // Capped at the goods.
        let discounts = [Discount::OrderFixed(10_000)];
        assert_eq!(apply(&[500, 700], &discounts).unwrap(), vec![500, 700]);
    }

    #[test]
    fn order_percentages_compound() {
        let discounts = [
            Discount::OrderPercentage(pct("50")),
            Discount::OrderPercentage(pct("50")),
        ];
        assert_eq!(apply(&[1_000], &discounts).unwrap(), vec![750]);
    }

    #[test]
    fn percentages_round_half_away_from_zero() {
        // 15 % of 0.10 = 1.5 cents → 2 cents; JPY: 15 % of ¥10 = ¥1.5 → ¥2.
        let discounts = [Discount::OrderPercentage(pct("15"))];
        assert_eq!(apply(&[10], &discounts).unwrap(), vec![2]);
    }

    #[test]
    fn malformed_discounts_are_input_errors() {
        let refused = |discounts: &[Discount]| match apply(&[100], discounts) {
            Err(AppError::Invalid { field, code, .. }) => (field, code),
            other => panic!("{other:?}"),
        };
        let (field, code) = refused(&[
            Discount::OrderFixed(1),
            Discount::LineFixed {
                line: 3,
                amount_minor: 1,
            },
        ]);
        assert_eq!(field, vec!["discounts", "1"]);
        assert_eq!(code, InputErrorCode::NotFound);
        let (_, code) = refused(&[Discount::OrderFixed(-1)]);
        assert_eq!(code, InputErrorCode::GreaterThanOrEqualTo);
        let (_, code) = refused(&[Discount::OrderPercentage(pct("100.01"))]);
        assert_eq!(code, InputErrorCode::Invalid);
    }
}
