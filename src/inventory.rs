//! Stock: one level per variant (`on_hand`, `reserved`), changed only by guarded single-statement
//! updates (`levels`), each recorded in the append-only movement ledger (`ledger`) in the same
//! transaction, so the ledger always sums to the level; the ledger also writes the outbox event
//! of every change of `on_hand`. Functions here take the caller's connection or transaction and
//! never begin one.

pub mod ledger;
pub mod levels;

use entities::inventory_level;

/// Stock of a variant as the API shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stock {
    pub on_hand: i64,
    pub reserved: i64,
}

impl Stock {
    /// Units that can still be sold or reserved.
    pub fn available(&self) -> i64 {
        std::cmp::max(self.on_hand - self.reserved, 0)
    }
}

impl From<&inventory_level::Model> for Stock {
    fn from(level: &inventory_level::Model) -> Self {
        Stock {
            on_hand: level.on_hand,
            reserved: level.reserved,
        }
    }
}
