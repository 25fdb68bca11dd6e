//! Payments: the `PaymentGateway` trait every gateway implements, the built-in test gateway that
//! follows Stripe's test tokens, and the Stripe adapter (PaymentIntents with manual capture).
//! Money crosses the gateway as integer minor units, as Stripe takes it (JPY has none).

pub mod gateway;
pub mod operations;
pub mod records;

pub use gateway::{
    Authorization, AuthorizationStatus, AuthorizeRequest, GatewayError, PaymentGateway, Refund,
};
