//! `MoneyV2`: an amount rendered from integer minor units as a decimal string in its currency.

use async_graphql::{Context, SimpleObject};

use super::context;
use super::scalars::{CurrencyCode, Decimal};
use crate::money::Money;

/// An amount of money in a currency.
#[derive(SimpleObject, Clone)]
#[graphql(name = "MoneyV2")]
pub struct MoneyV2 {
    /// Decimal amount, such as `"29.99"`.
    pub amount: Decimal,
    /// ISO 4217 currency code.
    pub currency_code: CurrencyCode,
}

impl MoneyV2 {
    /// Renders minor units in a given currency.
    pub fn new(money: Money) -> MoneyV2 {
        MoneyV2 {
            amount: Decimal(money.amount()),
            currency_code: CurrencyCode(money.currency.code().to_string()),
        }
    }

    /// Renders minor units in the store's currency.
    pub fn in_store_currency(ctx: &Context<'_>, minor: i64) -> MoneyV2 {
        let currency = context::currency(ctx);
        let money = Money::new(minor, currency);
        MoneyV2 {
            amount: Decimal(money.amount()),
            currency_code: CurrencyCode(currency.code().to_string()),
        }
    }
}
