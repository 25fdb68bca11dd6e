//! Largest-remainder (Hamilton) allocation: splitting an amount of minor units over weights so the
//! parts add up to the amount exactly. Pure integer arithmetic; nothing here knows about lines,
//! discounts or tax.

/// Splits `amount` over `weights` in proportion, by largest remainder: the parts add up to
/// `amount` exactly, and each part is within one unit of its exact share
/// (`amount × weight / Σ weights`).
///
/// - Every part first gets the floor of its share; the units left over (fewer than there are
///   weights) go one each to the parts with the largest remainders, the earlier index first when
///   remainders tie. A part whose weight is zero gets nothing while any weight is positive.
/// - Negative weights count as zero. When no weight is positive, the amount is spread evenly
///   (every weight counts as one), the earlier parts taking the odd units.
/// - A negative amount is split as its magnitude and every part negated, so it is symmetric.
/// - With no weights there is nothing to allocate to: the result is empty and callers must not
///   pass a nonzero amount then.
///
/// Intermediates are `i128`, so no amount or weight overflows.
pub fn allocate(amount: i64, weights: &[i64]) -> Vec<i64> {
    if weights.is_empty() {
        return Vec::new();
    }
    let mut weights: Vec<i128> = weights.iter().map(|&w| i128::from(w.max(0))).collect();
    let mut total: i128 = weights.iter().sum();
    if total == 0 {
        weights.fill(1);
        total = weights.len() as i128;
    }
    // |i64::MIN| = 2^63 and every weight < 2^63, so each product stays below 2^126.
    let magnitude = i128::from(amount).abs();
    let mut parts: Vec<i128> = weights.iter().map(|w| magnitude * w / total).collect();
    let remainders: Vec<i128> = weights.iter().map(|w| magnitude * w % total).collect();
    // Σ remainders = leftover × total with every remainder < total, so at least `leftover`
    // remainders are positive, and `leftover` < the number of weights.
    let leftover = magnitude - parts.iter().sum::<i128>();
    let mut order: Vec<usize> = (0..parts.len()).collect();
    // A stable sort keeps equal remainders in index order: the earlier index wins a tie.
    order.sort_by_key(|&i| std::cmp::Reverse(remainders[i]));
    for &i in order.iter().take(leftover as usize) {
        parts[i] += 1;
    }
    let sign = if amount < 0 { -1 } else { 1 };
    // Every part is at most `magnitude` ≤ 2^63, and only a negative amount reaches 2^63, so
    // the signed part fits an i64.
    parts.into_iter().map(|part| (sign * part) as i64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parts_follow_the_weights_and_add_up() {
        assert_eq!(allocate(100, &[1, 1, 1]), vec![34, 33, 33]);
        assert_eq!(allocate(10, &[1, 2, 3, 4]), vec![1, 2, 3, 4]);
        assert_eq!(allocate(5, &[100, 0, 300]), vec![1, 0, 4]);
        assert_eq!(allocate(0, &[3, 4]), vec![0, 0]);
    }

    #[test]
    fn the_largest_remainder_takes_the_odd_unit_and_ties_go_to_the_earlier_line() {
        // Shares 1.4, 2.8, 2.8: remainders .4, .8, .8; two units left go to lines 1 and 2.
        assert_eq!(allocate(7, &[1, 2, 2]), vec![1, 3, 3]);
        // Shares 0.5, 0.5: one unit left, the tie goes to line 0.
        assert_eq!(allocate(1, &[5, 5]), vec![1, 0]);
    }

    #[test]
    fn no_positive_weight_spreads_evenly() {
        assert_eq!(allocate(5, &[0, 0, 0]), vec![2, 2, 1]);
        assert_eq!(allocate(5, &[-1, 0]), vec![3, 2]);
        assert_eq!(allocate(5, &[]), Vec::<i64>::new());
    }

    #[test]
    fn negative_amounts_mirror_positive_ones() {
        assert_eq!(allocate(-100, &[1, 1, 1]), vec![-34, -33, -33]);
    }

    #[test]
    fn extreme_amounts_and_weights_do_not_overflow() {
        let parts = allocate(i64::MAX, &[i64::MAX, i64::MAX, 1]);
        assert_eq!(
            parts.iter().map(|&p| i128::from(p)).sum::<i128>(),
            i64::MAX.into()
        );
        let parts = allocate(i64::MIN, &[1, 1]);
        assert_eq!(parts, vec![i64::MIN / 2, i64::MIN / 2]);
        assert_eq!(allocate(i64::MIN, &[0, 7]), vec![0, i64::MIN]);
    }

    /// |part − amount × w / total| < 1, in integers: |part × total − amount × w| < total.
    fn within_one_of_its_share(amount: i64, weights: &[i64], parts: &[i64]) -> bool {
        let clamped: Vec<i128> = weights.iter().map(|&w| i128::from(w.max(0))).collect();
        let total: i128 = clamped.iter().sum();
        let (clamped, total) = if total == 0 {
            (vec![1; clamped.len()], clamped.len() as i128)
        } else {
            (clamped, total)
        };
        parts
            .iter()
            .zip(&clamped)
            .all(|(&part, &w)| (i128::from(part) * total - i128::from(amount) * w).abs() < total)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(10_000))]

        #[test]
        fn parts_add_up_exactly_and_stay_within_one_of_their_share(
            amount in prop_oneof![any::<i64>(), -1_000_000_i64..1_000_000],
            weights in prop::collection::vec(
                prop_oneof![0_i64..1_000_000_000_000, any::<i64>(), Just(0_i64)], 1..20),
        ) {
            let parts = allocate(amount, &weights);
            prop_assert_eq!(parts.len(), weights.len());
            let sum: i128 = parts.iter().map(|&p| i128::from(p)).sum();
            prop_assert_eq!(sum, i128::from(amount));
            prop_assert!(within_one_of_its_share(amount, &weights, &parts));
            if amount >= 0 {
                prop_assert!(parts.iter().all(|&p| p >= 0));
            }
        }
    }
}
