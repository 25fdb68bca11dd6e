//! The `Customer` type: what a signed-in customer may read about their account. Carts return it
//! too (`CartBuyerIdentity.customer`).

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};

use crate::customers;
use crate::graphql::context;
use crate::graphql::orders::order::{self, Order};
use crate::graphql::pagination::PageArgs;
use crate::ids::{self, GidKind};
use crate::orders;

/// A customer account with the shop.
pub struct Customer(customers::Customer);

impl Customer {
    pub fn new(customer: customers::Customer) -> Self {
        Customer(customer)
    }
}

impl From<customers::Customer> for Customer {
    fn from(customer: customers::Customer) -> Self {
        Customer::new(customer)
    }
}

#[Object]
impl Customer {
    /// Whether the customer has consented to be sent marketing material via email.
    async fn accepts_marketing(&self) -> bool {
        self.0.accepts_marketing
    }
    /// When the customer was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// The customer's name, or their email when they gave no name.
    async fn display_name(&self) -> String {
        customers::display_name(&self.0)
    }
    /// The customer's email address.
    async fn email(&self) -> Option<&str> {
        Some(self.0.email.as_str())
    }
    /// The customer's first name.
    async fn first_name(&self) -> Option<&str> {
        self.0.first_name.as_deref()
    }
    /// A globally unique ID.
    async fn id(&self) -> ID {
        ID(ids::encode(GidKind::Customer, self.0.id))
    }
    /// The customer's last name.
    async fn last_name(&self) -> Option<&str> {
        self.0.last_name.as_deref()
    }
    /// The customer's phone number (E.164).
    async fn phone(&self) -> Option<&str> {
        self.0.phone.as_deref()
    }
    /// When the customer's information last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// The customer's orders, newest first. `query` matches an order name (`#1001`).
    async fn orders(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        query: Option<String>,
    ) -> async_graphql::Result<Connection<String, Order>> {
        let filter = orders::read::Filter {
            customer_id: Some(self.0.id),
            query,
            ..orders::read::Filter::default()
        };
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        order::page(ctx, context::store(ctx), filter, args).await
    }
}
