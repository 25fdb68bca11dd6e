//! The `Customer` type: what a signed-in customer may read about their account. Carts return it
//! too (`CartBuyerIdentity.customer`).

use async_graphql::{ID, Object};
use chrono::{DateTime, Utc};

use crate::customers;
use crate::ids::{self, GidKind};

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
}
