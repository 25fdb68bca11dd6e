//! Finding carts and what they hold. Only open, unexpired carts of the store are ever found: a
//! cart of another store, a completed or an expired one reads as absent (except through the
//! `find_any`, `find_by_id` and checkout page lookups, which say so).

use chrono::Utc;
use entities::{cart, cart_line, inventory_reservation, prelude::*};
use sea_orm::sea_query::{LockBehavior, LockType};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::{Cart, Line, Status};
use crate::error::Result;
use crate::stores::Store;
use entities::cart::Entity as Carts;

pub type Reservation = inventory_reservation::Model;

fn open_cart(store: &Store) -> sea_orm::Select<Carts> {
    Carts::find()
        .filter(cart::Column::StoreId.eq(store.id))
        .filter(cart::Column::Status.eq(Status::Open.as_str()))
        .filter(cart::Column::ExpiresAt.gt(Utc::now()))
}

/// The open cart with this token.
pub async fn find_open(
    db: &impl ConnectionTrait,
    store: &Store,
    token: &str,
) -> Result<Option<Cart>> {
    Ok(open_cart(store)
        .filter(cart::Column::Token.eq(token))
        .one(db)
        .await?)
}

/// The cart with this token whatever its status (checkout tells a completed cart from an
/// unknown one).
pub async fn find_any(
    db: &impl ConnectionTrait,
    store: &Store,
    token: &str,
) -> Result<Option<Cart>> {
    Ok(Carts::find()
        .filter(cart::Column::StoreId.eq(store.id))
        .filter(cart::Column::Token.eq(token))
        .one(db)
        .await?)
}

/// The cart with this token in whichever store holds it, whatever its status: the hosted checkout
/// page's link carries only the token, and finds its store through the cart. Tokens are 128
/// random bits (`stores::new_secret`), so one token names one cart. The only index on tokens
/// leads with `store_id`, so on PostgreSQL this reads the carts table through.
pub async fn find_by_token_in_any_store(
    db: &impl ConnectionTrait,
    token: &str,
) -> Result<Option<Cart>> {
    Ok(Carts::find()
        .filter(cart::Column::Token.eq(token))
        .one(db)
        .await?)
}

/// The cart with this id whatever its status.
pub async fn find_by_id(
    db: &impl ConnectionTrait,
    store: &Store,
    id: Uuid,
) -> Result<Option<Cart>> {
    Ok(Carts::find_by_id(id)
        .filter(cart::Column::StoreId.eq(store.id))
        .one(db)
        .await?)
}

/// The open cart with this token, locked for the rest of the transaction: edits of one cart
/// run one after the other.
pub async fn lock_open(
    db: &impl ConnectionTrait,
    store: &Store,
    token: &str,
) -> Result<Option<Cart>> {
    Ok(open_cart(store)
        .filter(cart::Column::Token.eq(token))
        .lock_exclusive()
        .one(db)
        .await?)
}

/// The customer's other open carts, locked in id order; a cart being edited or swept right now
/// is skipped rather than waited for (two carts of one customer merging into each other at once
/// would otherwise wait on each other).
pub async fn lock_open_of_customer(
    db: &impl ConnectionTrait,
    store: &Store,
    customer_id: Uuid,
    except: Uuid,
) -> Result<Vec<Cart>> {
    Ok(open_cart(store)
        .filter(cart::Column::CustomerId.eq(customer_id))
        .filter(cart::Column::Id.ne(except))
        .order_by_asc(cart::Column::Id)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .all(db)
        .await?)
}

/// A cart's lines, oldest first.
pub async fn lines_of(
    db: &impl ConnectionTrait,
    store: &Store,
    cart_id: Uuid,
) -> Result<Vec<Line>> {
    Ok(CartLine::find()
        .filter(cart_line::Column::StoreId.eq(store.id))
        .filter(cart_line::Column::CartId.eq(cart_id))
        .order_by_asc(cart_line::Column::CreatedAt)
        .order_by_asc(cart_line::Column::Id)
        .all(db)
        .await?)
}

/// What a cart holds, one reservation per variant.
pub async fn reservations_of(
    db: &impl ConnectionTrait,
    store: &Store,
    cart_id: Uuid,
) -> Result<Vec<Reservation>> {
    Ok(InventoryReservation::find()
        .filter(inventory_reservation::Column::StoreId.eq(store.id))
        .filter(inventory_reservation::Column::CartId.eq(cart_id))
        .order_by_asc(inventory_reservation::Column::VariantId)
        .all(db)
        .await?)
}
