//! The admin's orders: the `orders` listing (newest first, by status or a search) and the
//! mutations that move an order through fulfilment or cancel it. An illegal step is a
//! `userErrors` entry with code `ILLEGAL_TRANSITION`.

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, Object, SimpleObject};

use super::order::{self, Order, OrderCancelReason};
use super::parts::OrderStatus;
use crate::error::{AppError, InputErrorCode, Result};
use crate::graphql::context;
use crate::graphql::errors::{UserError, with_user_errors};
use crate::graphql::pagination::PageArgs;
use crate::ids::{self, GidKind};
use crate::orders::{self, cancellation, fulfilment};

#[derive(Default)]
pub struct AdminOrderQuery;

#[Object]
impl AdminOrderQuery {
    /// The store's orders, newest first (admins only). `query` matches an order name (`#1001`)
    /// or part of the buyer's email.
    #[allow(clippy::too_many_arguments)]
    async fn orders(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        query: Option<String>,
        status: Option<OrderStatus>,
    ) -> async_graphql::Result<Connection<String, Order>> {
        let store = context::admin_store(ctx)?;
        let filter = orders::read::Filter {
            status: status.map(Into::into),
            customer_id: None,
            query,
        };
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        order::page(ctx, store, filter, args).await
    }
}

/// The result of an order mutation.
#[derive(SimpleObject)]
pub struct OrderPayload {
    /// The order after the change.
    pub order: Option<Order>,
    /// Why nothing changed; empty on success.
    pub user_errors: Vec<UserError>,
}

impl OrderPayload {
    /// The payload of a mutation that wrote outside the request's loaders: they forget what they
    /// loaded, so the order reads as it is now.
    fn of(ctx: &Context<'_>, result: Result<orders::Order>) -> async_graphql::Result<OrderPayload> {
        context::loaders(ctx).clear();
        let (order, user_errors) = with_user_errors(result)?;
        Ok(OrderPayload {
            order: order.map(Order),
            user_errors,
        })
    }
}

fn order_id(id: &ID) -> Result<uuid::Uuid> {
    ids::decode(GidKind::Order, id).ok_or(AppError::NotFound)
}

#[derive(Default)]
pub struct AdminOrderMutation;

#[Object]
impl AdminOrderMutation {
    /// Starts preparing a confirmed order: `CONFIRMED → PROCESSING`.
    async fn order_mark_processing(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<OrderPayload> {
        let store = context::admin_store(ctx)?;
        let db = &context::state(ctx).db;
        OrderPayload::of(
            ctx,
            async { fulfilment::start_processing(db, store, order_id(&id)?).await }.await,
        )
    }

    /// Ships an order (`→ SHIPPED`), capturing its payment first when the store captures on
    /// fulfilment.
    async fn order_fulfill(
        &self,
        ctx: &Context<'_>,
        id: ID,
        tracking_number: Option<String>,
    ) -> async_graphql::Result<OrderPayload> {
        let store = context::admin_store(ctx)?;
        let state = context::state(ctx);
        let gateway = state.checkout.gateway.as_ref();
        let result = async {
            let tracking = tracking_number.map(|t| t.trim().to_string());
            if tracking.as_ref().is_some_and(|t| t.chars().count() > 255) {
                return Err(AppError::invalid(
                    &["trackingNumber"],
                    InputErrorCode::TooLong,
                    "trackingNumber is too long (maximum is 255 characters)",
                ));
            }
            fulfilment::fulfil(&state.db, gateway, store, order_id(&id)?, tracking).await
        }
        .await;
        OrderPayload::of(ctx, result)
    }

    /// Records that a shipped order arrived: `SHIPPED → DELIVERED`.
    async fn order_mark_delivered(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<OrderPayload> {
        let store = context::admin_store(ctx)?;
        let db = &context::state(ctx).db;
        OrderPayload::of(
            ctx,
            async { fulfilment::mark_delivered(db, store, order_id(&id)?).await }.await,
        )
    }

    /// Cancels an order that has not shipped: restocks its units and voids (or refunds) its
    /// payment.
    async fn order_cancel(
        &self,
        ctx: &Context<'_>,
        id: ID,
        reason: OrderCancelReason,
    ) -> async_graphql::Result<OrderPayload> {
        let store = context::admin_store(ctx)?;
        let state = context::state(ctx);
        let gateway = state.checkout.gateway.as_ref();
        let result = async {
            cancellation::cancel(&state.db, gateway, store, order_id(&id)?, reason.as_str()).await
        }
        .await;
        OrderPayload::of(ctx, result)
    }
}
