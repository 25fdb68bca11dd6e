//! Orders: what checkout placed, read back by the buyer and the merchant and moved through one
//! state machine (`status`), whose every step is recorded (`order_events`) and announced (the
//! outbox).

#![deny(clippy::float_arithmetic, clippy::float_cmp)]

pub mod cancellation;
pub mod fulfilment;
pub mod numbers;
pub mod payload;
pub mod read;
pub mod status;

pub use read::{find, lines_of, lock};
pub use status::{Actor, Status, transition};

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};

use crate::error::Result;
use crate::stores;

pub type Order = entities::order::Model;
pub type OrderLine = entities::order_line::Model;
pub type OrderEvent = entities::order_event::Model;

/// The order's name as merchants and buyers see it (`#1001`).
pub fn name(order: &Order) -> String {
    format!("#{}", order.number)
}

/// Records the authorization that paid a locked order and the buyer's access token (only its
/// hash is kept).
pub async fn attach_payment(
    db: &impl ConnectionTrait,
    order: &Order,
    reference: &str,
    access_token: &str,
) -> Result<Order> {
    let mut active: entities::order::ActiveModel = order.clone().into();
    active.payment_reference = Set(Some(reference.into()));
    active.access_token_hash = Set(stores::hash_secret(access_token));
    active.updated_at = Set(Utc::now());
    Ok(active.update(db).await?)
}
