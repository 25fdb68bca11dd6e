//! Carts, and the stock they hold. A cart's lines are backed by reservations: adding to a line
//! reserves its units (a guarded update of the level, `inventory::levels::reserve`) in the same
//! transaction that writes the line, so units held by carts never exceed the stock on hand, and
//! a cart never shows a line it does not hold. When stock is short the line is clamped and the
//! edit reports a warning. Holds expire unless the cart is touched (`expiry`), and an edit of a
//! cart whose hold lapsed reserves again what it can.
//!
//! Locks are taken in one order everywhere: the cart row first, then levels in ascending variant
//! id order, each level before that variant's reservation and line rows (a variant's deletion
//! locks its level before its cascade reaches those rows). Edits lock one cart and wait for it;
//! merges and the expiry sweep lock further carts with SKIP LOCKED, so they never wait on a cart.
//! Edits take the caller's transaction and never begin one; the sweep runs its own.

pub mod checkout;
mod draft;
pub mod edit;
pub mod expiry;
pub mod holds;
pub mod input;
mod merge;
pub mod read;

use chrono::{DateTime, Duration, Utc};
use entities::{cart, cart_line};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::stores::Store;

pub type Cart = cart::Model;
pub type Line = cart_line::Model;

/// At most this many lines in a cart.
pub const MAX_LINES: usize = 250;
/// At most this many units on one line.
pub const MAX_LINE_QUANTITY: i64 = 1_000;
/// At most this many characters in a note.
pub const MAX_NOTE_CHARS: usize = 5_000;
/// At most this many attributes or discount codes.
pub const MAX_ENTRIES: usize = 250;

/// Where a cart is in its life. Only `open` carts can be read or edited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Open,
    /// Its checkout is running.
    Completing,
    /// Its checkout made an order.
    Completed,
    /// Its lines moved into another cart of the same customer.
    Merged,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Completing => "completing",
            Status::Completed => "completed",
            Status::Merged => "merged",
        }
    }
}

/// A key and value on a cart or a line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attribute {
    pub key: String,
    pub value: String,
}

/// Who is buying, as the shopper told us (the customer is `Cart::customer_id`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuyerIdentity {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

impl BuyerIdentity {
    pub fn of(cart: &Cart) -> BuyerIdentity {
        serde_json::from_value(cart.buyer_identity.clone()).unwrap_or_default()
    }
}

/// The attributes of a cart or a line, as stored.
pub fn attributes_of(stored: &serde_json::Value) -> Vec<Attribute> {
    serde_json::from_value(stored.clone()).unwrap_or_default()
}

/// The discount codes entered on a cart, as stored.
pub fn discount_codes_of(cart: &Cart) -> Vec<String> {
    serde_json::from_value(cart.discount_codes.clone()).unwrap_or_default()
}

/// How long holds and carts last, from the store's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifetimes {
    /// How long units stay reserved after the cart was last touched.
    pub hold: Duration,
    /// How long a guest's cart lives after it was last touched.
    pub guest_cart: Duration,
    /// How long a signed-in customer's cart lives after it was last touched.
    pub customer_cart: Duration,
}

/// The store settings keys of the lifetimes, in seconds.
pub const HOLD_SECONDS: &str = "reservation_ttl_seconds";
pub const GUEST_CART_SECONDS: &str = "guest_cart_ttl_seconds";
pub const CUSTOMER_CART_SECONDS: &str = "customer_cart_ttl_seconds";

impl Lifetimes {
    pub fn of(store: &Store) -> Lifetimes {
        let seconds = |key: &str, default: i64| {
            let value = store.settings.get(key).and_then(|v| v.as_i64());
            Duration::seconds(value.filter(|s| *s > 0).unwrap_or(default))
        };
        Lifetimes {
            hold: seconds(HOLD_SECONDS, 15 * 60),
            guest_cart: seconds(GUEST_CART_SECONDS, 2 * 24 * 3600),
            customer_cart: seconds(CUSTOMER_CART_SECONDS, 30 * 24 * 3600),
        }
    }

    /// When a cart touched at `now` expires.
    pub fn cart_expiry(&self, now: DateTime<Utc>, customer: Option<Uuid>) -> DateTime<Utc> {
        now + match customer {
            Some(_) => self.customer_cart,
            None => self.guest_cart,
        }
    }

    /// When a hold refreshed at `now` expires: never after its cart.
    pub fn hold_expiry(&self, now: DateTime<Utc>, cart_expires_at: DateTime<Utc>) -> DateTime<Utc> {
        std::cmp::min(now + self.hold, cart_expires_at)
    }
}

/// What the ledger records as the reason units moved for a cart.
pub fn ledger_reference(cart_id: Uuid) -> String {
    format!("cart/{cart_id}")
}
