//! When a failed attempt (a webhook delivery, a CDN purge) is tried again: after a wait that
//! doubles with every failure, up to a maximum, half of it fixed and half random ("equal
//! jitter"), so that receivers coming back from an outage are not hit by every retry at the same
//! instant.

use std::time::Duration;

/// The wait after the `failures`-th failed attempt (1 for the first).
pub fn delay(failures: u32, base: Duration, max: Duration) -> Duration {
    let doublings = failures.saturating_sub(1).min(31);
    let full = base.saturating_mul(1 << doublings).min(max);
    let half = full / 2;
    half + half.mul_f64(rand::random::<f64>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_with_every_failure_within_their_jitter() {
        let base = Duration::from_secs(10);
        let max = Duration::from_secs(3600);
        for (failures, full) in [(1, 10), (2, 20), (3, 40), (4, 80), (9, 2560), (10, 3600)] {
            for _ in 0..100 {
                let wait = delay(failures, base, max);
                let full = Duration::from_secs(full);
                assert!(wait >= full / 2 && wait <= full, "{failures}: {wait:?}");
            }
        }
    }

    #[test]
    fn waits_never_pass_the_maximum_even_after_many_failures() {
        let max = Duration::from_secs(60);
        for failures in [20, 40, u32::MAX] {
            assert!(delay(failures, Duration::from_secs(1), max) <= max);
        }
    }
}
