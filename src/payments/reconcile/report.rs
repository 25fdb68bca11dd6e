//! What a pass found and did, per kind of mismatch, for the worker's log and `vitrine reconcile`.

use std::fmt;

use chrono::{DateTime, Utc};

/// A kind of disagreement between our payments and the gateway's books.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mismatch {
    /// The gateway holds money under a payment's key, and the payment failed, was voided or does
    /// not exist: the money is released (voided, or refunded if captured).
    Unclaimed,
    /// A payment is still `pending` though the gateway authorized it (or let it go): it is
    /// settled as the completer settles a stopped checkout.
    Unsettled,
    /// The gateway captured money for a payment we hold as `pending` or `failed` (its order
    /// still `pending`): a pending one is settled and recorded captured, a failed one refunded.
    CapturedWhilePending,
    /// Captured or refunded amounts (or the status they imply) differ from the gateway's, such as
    /// a refund made in the gateway's dashboard: our row is made to say what the gateway says.
    Amounts,
    /// We hold a payment as authorized or captured but the gateway voided it, or it lapsed: our
    /// row is marked voided.
    Lapsed,
}

impl Mismatch {
    pub const ALL: [Mismatch; 5] = [
        Mismatch::Unclaimed,
        Mismatch::Unsettled,
        Mismatch::CapturedWhilePending,
        Mismatch::Amounts,
        Mismatch::Lapsed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Mismatch::Unclaimed => "unclaimed",
            Mismatch::Unsettled => "unsettled",
            Mismatch::CapturedWhilePending => "captured_while_pending",
            Mismatch::Amounts => "amounts",
            Mismatch::Lapsed => "lapsed",
        }
    }

    /// Its place in `ALL` (the declaration order).
    fn index(self) -> usize {
        self as usize
    }
}

/// How the mismatches of one kind went. `found` is the sum of the other three.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub found: usize,
    pub repaired: usize,
    /// Left alone for now: the payment is being changed by a checkout or the completer.
    pub deferred: usize,
    /// The repair did not go through (the gateway refused or did not answer); logged, and the
    /// next pass tries again.
    pub failed: usize,
}

/// What one pass found and did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The start of the window: authorizations created since were compared.
    pub since: DateTime<Utc>,
    /// How many authorizations the gateway listed.
    pub checked: usize,
    tallies: [Tally; 5],
}

impl Report {
    pub(super) fn new(since: DateTime<Utc>, checked: usize) -> Report {
        Report {
            since,
            checked,
            tallies: [Tally::default(); 5],
        }
    }

    /// How mismatches of `kind` went.
    pub fn tally(&self, kind: Mismatch) -> Tally {
        self.tallies[kind.index()]
    }

    pub(super) fn tally_mut(&mut self, kind: Mismatch) -> &mut Tally {
        &mut self.tallies[kind.index()]
    }

    /// Every kind added together.
    pub fn total(&self) -> Tally {
        self.tallies.iter().fold(Tally::default(), |sum, t| Tally {
            found: sum.found + t.found,
            repaired: sum.repaired + t.repaired,
            deferred: sum.deferred + t.deferred,
            failed: sum.failed + t.failed,
        })
    }

    /// Whether the pass found nothing to repair.
    pub fn is_clean(&self) -> bool {
        self.total().found == 0
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let total = self.total();
        writeln!(
            f,
            "{} gateway authorization(s) since {} compared: {} mismatch(es) found, {} repaired, \
             {} deferred, {} failed",
            self.checked,
            self.since.to_rfc3339(),
            total.found,
            total.repaired,
            total.deferred,
            total.failed
        )?;
        for kind in Mismatch::ALL {
            let t = self.tally(kind);
            writeln!(
                f,
                "  {:<24} found {:>4}  repaired {:>4}  deferred {:>4}  failed {:>4}",
                kind.as_str(),
                t.found,
                t.repaired,
                t.deferred,
                t.failed
            )?;
        }
        Ok(())
    }
}
