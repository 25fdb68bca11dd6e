//! `cartComplete`'s input. Every part is nullable on the wire, so that a missing part is a
//! `userErrors` entry with its path (`INVALID`, `["input", "shippingAddress", "city"]`) rather
//! than a GraphQL validation error.

use async_graphql::InputObject;

use crate::checkout::{Address, CheckoutInput};
use crate::graphql::scalars::CountryCode;

/// A postal address for checkout.
#[derive(InputObject, Clone, Default)]
pub struct CheckoutAddressInput {
    pub first_name: Option<String>,
    /// Required.
    pub last_name: Option<String>,
    /// Required: the street address.
    pub address1: Option<String>,
    pub address2: Option<String>,
    /// Required.
    pub city: Option<String>,
    pub province: Option<String>,
    /// Required.
    pub zip: Option<String>,
    /// Required: the two-letter country code.
    pub country_code: Option<CountryCode>,
    /// E.164, such as `+16135551111`.
    pub phone: Option<String>,
}

/// What the buyer gives at checkout.
#[derive(InputObject, Clone, Default)]
pub struct CartCompleteInput {
    /// Required: where the receipt goes.
    pub email: Option<String>,
    /// Required: where the order ships.
    pub shipping_address: Option<CheckoutAddressInput>,
    /// The payment method's address; the shipping address when absent.
    pub billing_address: Option<CheckoutAddressInput>,
    /// Required: the card token from the payment form (`tok_visa` with the test gateway).
    pub payment_token: Option<String>,
}

impl From<CheckoutAddressInput> for Address {
    fn from(input: CheckoutAddressInput) -> Address {
        Address {
            first_name: input.first_name,
            last_name: input.last_name.unwrap_or_default(),
            address1: input.address1.unwrap_or_default(),
            address2: input.address2,
            city: input.city.unwrap_or_default(),
            province: input.province,
            zip: input.zip.unwrap_or_default(),
            country_code: input.country_code.map(|c| c.0).unwrap_or_default(),
            phone: input.phone,
        }
    }
}

impl From<CartCompleteInput> for CheckoutInput {
    fn from(input: CartCompleteInput) -> CheckoutInput {
        CheckoutInput {
            email: input.email.unwrap_or_default(),
            shipping_address: input.shipping_address.unwrap_or_default().into(),
            billing_address: input.billing_address.map(Into::into),
            payment_token: input.payment_token.unwrap_or_default(),
        }
    }
}
