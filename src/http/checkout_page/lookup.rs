//! Where a checkout link leads: the cart its token names, the store that cart belongs to, and
//! where the cart stands. The token is the link's only secret and names one cart across stores,
//! so the page finds its tenant through the cart, whatever the `Host`.

use chrono::Utc;
use sea_orm::ConnectionTrait;

use crate::cart::{self, Cart, Status, checkout::status_of};
use crate::error::Result;
use crate::stores::{self, Store};

/// The checkout a link opens.
pub struct Found {
    pub store: Store,
    pub cart: Cart,
    pub stage: Stage,
}

/// Where a checkout stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The shopper can pay: the form.
    Open,
    /// A payment is under way.
    Paying,
    /// The cart became an order: its confirmation.
    Completed,
    /// The cart expired, or its lines moved into another cart.
    Gone,
}

/// The checkout a link's `token` opens; `None` when no cart has this token.
pub async fn find(db: &impl ConnectionTrait, token: &str) -> Result<Option<Found>> {
    if !plausible(token) {
        return Ok(None);
    }
    let Some(cart) = cart::read::find_by_token_in_any_store(db, token).await? else {
        return Ok(None);
    };
    let Some(store) = stores::find_store(db, cart.store_id).await? else {
        return Ok(None);
    };
    let stage = match status_of(&cart) {
        Status::Open if cart.expires_at <= Utc::now() => Stage::Gone,
        Status::Open => Stage::Open,
        Status::Completing => Stage::Paying,
        Status::Completed => Stage::Completed,
        Status::Merged => Stage::Gone,
    };
    Ok(Some(Found { store, cart, stage }))
}

/// Whether `token` could be a cart token at all (32 hex digits today); anything else is not
/// looked up.
fn plausible(token: &str) -> bool {
    !token.is_empty() && token.len() <= 64 && token.bytes().all(|b| b.is_ascii_alphanumeric())
}
