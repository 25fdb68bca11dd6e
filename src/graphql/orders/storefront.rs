//! `order(id:, accessToken:)`: the buyer reads their order with the access token `cartComplete`
//! gave them; an admin reads any order of the store without one. Anything else reads as null,
//! the same as an unknown order.

use async_graphql::{Context, ID, Object};

use super::order::Order;
use crate::graphql::context;
use crate::graphql::errors::GqlResult;
use crate::ids::{self, GidKind};
use crate::orders;
use crate::tenancy::Principal;

#[derive(Default)]
pub struct OrderQuery;

#[Object]
impl OrderQuery {
    /// An order by ID: for the buyer with the order's access token, for admins with none.
    async fn order(
        &self,
        ctx: &Context<'_>,
        id: ID,
        access_token: Option<String>,
    ) -> async_graphql::Result<Option<Order>> {
        let Some(order_id) = ids::decode(GidKind::Order, &id) else {
            return Ok(None);
        };
        let (db, store) = (context::db(ctx), context::store(ctx));
        let found = match (context::tenant(ctx).principal, access_token) {
            (Principal::Admin, _) => orders::find(db, store, order_id).await.gql()?,
            (Principal::Storefront, Some(token)) => {
                orders::read::by_access_token(db, store, &token)
                    .await
                    .gql()?
                    .filter(|order| order.id == order_id)
            }
            (Principal::Storefront, None) => None,
        };
        Ok(found.map(Order))
    }
}
