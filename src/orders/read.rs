//! Finding orders, their lines and their history. Every query names the store: an order of
//! another store reads as absent.

use entities::order::Entity as Orders;
use entities::order_event::Entity as OrderEvents;
use entities::order_line::Entity as OrderLines;
use entities::{order, order_event, order_line};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::{Order, OrderEvent, OrderLine};
use crate::error::Result;
use crate::stores::{self, Store};

/// The order with this id.
pub async fn find(db: &impl ConnectionTrait, store: &Store, id: Uuid) -> Result<Option<Order>> {
    Ok(Orders::find_by_id(id)
        .filter(order::Column::StoreId.eq(store.id))
        .one(db)
        .await?)
}

/// The order with this id, locked for the rest of the caller's transaction.
pub async fn lock(db: &impl ConnectionTrait, store: &Store, id: Uuid) -> Result<Option<Order>> {
    Ok(Orders::find_by_id(id)
        .filter(order::Column::StoreId.eq(store.id))
        .lock_exclusive()
        .one(db)
        .await?)
}

/// The order a cart became (or is becoming).
pub async fn of_cart(
    db: &impl ConnectionTrait,
    store: &Store,
    cart_id: Uuid,
) -> Result<Option<Order>> {
    Ok(Orders::find()
        .filter(order::Column::StoreId.eq(store.id))
        .filter(order::Column::CartId.eq(cart_id))
        .one(db)
        .await?)
}

/// The order whose buyer holds this access token.
pub async fn by_access_token(
    db: &impl ConnectionTrait,
    store: &Store,
    token: &str,
) -> Result<Option<Order>> {
    Ok(Orders::find()
        .filter(order::Column::StoreId.eq(store.id))
        .filter(order::Column::AccessTokenHash.eq(stores::hash_secret(token)))
        .one(db)
        .await?)
}

/// An order's lines in the order they were in the cart.
pub async fn lines_of(
    db: &impl ConnectionTrait,
    store: &Store,
    order_id: Uuid,
) -> Result<Vec<OrderLine>> {
    lines_of_orders(db, store, &[order_id]).await
}

/// The lines of many orders, each order's in cart order.
pub async fn lines_of_orders(
    db: &impl ConnectionTrait,
    store: &Store,
    order_ids: &[Uuid],
) -> Result<Vec<OrderLine>> {
    Ok(OrderLines::find()
        .filter(order_line::Column::StoreId.eq(store.id))
        .filter(order_line::Column::OrderId.is_in(order_ids.iter().copied()))
        .order_by_asc(order_line::Column::OrderId)
        .order_by_asc(order_line::Column::Position)
        .all(db)
        .await?)
}

/// The status histories of many orders, each oldest first.
pub async fn history_of_orders(
    db: &impl ConnectionTrait,
    store: &Store,
    order_ids: &[Uuid],
) -> Result<Vec<OrderEvent>> {
    Ok(OrderEvents::find()
        .filter(order_event::Column::StoreId.eq(store.id))
        .filter(order_event::Column::OrderId.is_in(order_ids.iter().copied()))
        .order_by_asc(order_event::Column::CreatedAt)
        .order_by_asc(order_event::Column::Id)
        .all(db)
        .await?)
}

/// Which orders a listing shows.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Orders of this status; every status but `pending` when absent.
    pub status: Option<super::Status>,
    pub customer_id: Option<Uuid>,
    /// An order name (`#1001`, `1001`) or part of the buyer's email.
    pub query: Option<String>,
}

fn listing(store: &Store, filter: &Filter) -> sea_orm::Select<Orders> {
    let mut select = Orders::find().filter(order::Column::StoreId.eq(store.id));
    select = match filter.status {
        Some(status) => select.filter(order::Column::Status.eq(status.as_str())),
        // A pending order is a checkout still paying (or abandoned after a decline), not yet an
        // order anyone placed: listed only when asked for.
        None => select.filter(order::Column::Status.ne(super::Status::Pending.as_str())),
    };
    if let Some(customer_id) = filter.customer_id {
        select = select.filter(order::Column::CustomerId.eq(customer_id));
    }
    if let Some(query) = filter
        .query
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
    {
        select = match query.trim_start_matches('#').parse::<i64>() {
            Ok(number) => select.filter(order::Column::Number.eq(number)),
            Err(_) => select.filter(order::Column::Email.contains(query.to_lowercase())),
        };
    }
    select
}

/// A page of the store's orders, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    store: &Store,
    filter: &Filter,
    offset: u64,
    limit: u64,
) -> Result<Vec<Order>> {
    Ok(listing(store, filter)
        .order_by_desc(order::Column::Number)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?)
}

/// How many orders a listing holds.
pub async fn count(db: &impl ConnectionTrait, store: &Store, filter: &Filter) -> Result<u64> {
    use sea_orm::PaginatorTrait;
    Ok(listing(store, filter).count(db).await?)
}
