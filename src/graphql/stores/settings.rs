//! The admin-only `storeSettings` query and the checkout settings types `storeUpdate` takes.
//! Shopify's `Shop` has no such fields, so they live on their own admin type rather than on it.

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject};

use super::edge::StoreEdgeSettings;
use crate::graphql::context;
use crate::graphql::money::MoneyV2;
use crate::graphql::scalars::{CountryCode, Decimal};
use crate::pricing::PricingRules;
use crate::stores::edge::EdgeSettings;
use crate::stores::search_synonyms::Synonyms;
use crate::stores::{self, CapturePolicy, Store};

#[derive(Default)]
pub struct AdminStoreQuery;

#[Object]
impl AdminStoreQuery {
    /// The store's checkout and edge settings: shipping, tax, payment capture, response
    /// lifetimes and trusted-documents mode. Admin only.
    async fn store_settings(&self, ctx: &Context<'_>) -> async_graphql::Result<StoreSettings> {
        Ok(StoreSettings(context::admin_store(ctx)?.clone()))
    }
}

/// When a checkout's payment is captured.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::stores::CapturePolicy")]
pub enum PaymentCapturePolicy {
    /// When the order is placed (the default).
    Immediate,
    /// Authorised when the order is placed, captured when it is fulfilled.
    OnFulfillment,
}

/// A tax rate for one destination country.
#[derive(InputObject)]
pub struct TaxRateInput {
    /// The destination country.
    pub country_code: CountryCode,
    /// The rate as a percentage between 0 and 100 with at most four decimals, such as `"8.875"`.
    pub rate: Decimal,
}

impl From<TaxRateInput> for stores::TaxRateInput {
    fn from(input: TaxRateInput) -> Self {
        stores::TaxRateInput {
            country_code: input.country_code.0,
            rate: input.rate.0,
        }
    }
}

/// A tax rate for one destination country.
#[derive(SimpleObject)]
pub struct TaxRate {
    /// The destination country.
    pub country_code: CountryCode,
    /// The rate as a percentage, such as `"8.875"`.
    pub rate: Decimal,
}

/// The store, read for its checkout settings.
pub struct StoreSettings(Store);

/// A store's checkout and edge settings, as checkout and the edge read them (defaults where none
/// are set).
#[Object]
impl StoreSettings {
    /// The flat shipping rate (zero when none is set).
    async fn shipping_rate(&self, ctx: &Context<'_>) -> MoneyV2 {
        let rules = PricingRules::of(&self.0);
        MoneyV2::in_store_currency(ctx, rules.shipping.flat_rate_minor)
    }
    /// The goods total (after discounts) from which shipping is free; null when it never is.
    async fn free_shipping_threshold(&self, ctx: &Context<'_>) -> Option<MoneyV2> {
        let rules = PricingRules::of(&self.0);
        let threshold = rules.shipping.free_above_minor?;
        Some(MoneyV2::in_store_currency(ctx, threshold))
    }
    /// Whether prices include tax.
    async fn taxes_included(&self) -> bool {
        PricingRules::of(&self.0).tax.prices_include_tax
    }
    /// Tax rates by destination country, sorted by country; others pay no tax.
    async fn tax_rates(&self) -> Vec<TaxRate> {
        let rules = PricingRules::of(&self.0);
        let rates = rules.tax.rates.into_iter();
        rates
            .map(|(country, rate)| TaxRate {
                country_code: CountryCode(country),
                rate: Decimal(rate.to_string()),
            })
            .collect()
    }
    /// When payment is captured.
    async fn payment_capture(&self) -> PaymentCapturePolicy {
        CapturePolicy::of(&self.0).into()
    }
    /// Response lifetimes at the edge and trusted-documents mode.
    async fn edge(&self) -> StoreEdgeSettings {
        EdgeSettings::of(&self.0).into()
    }
    /// Groups of terms search treats as one another, each term in lower case.
    async fn search_synonyms(&self) -> Vec<Vec<String>> {
        Synonyms::of(&self.0).groups().to_vec()
    }
}
