//! The `storeUpdate` admin mutation: details, cart lifetimes, checkout and edge settings. It
//! starts with `admin_store`, so without the store's admin token nothing here runs.

use async_graphql::{Context, InputObject, MaybeUndefined, Object, SimpleObject};

use super::edge::StoreEdgeSettingsInput;
use super::settings::{PaymentCapturePolicy, TaxRateInput};
use super::shop::Shop;
use crate::graphql::context;
use crate::graphql::errors::{UserError, with_user_errors};
use crate::graphql::scalars::Decimal;
use crate::stores::brand::{Brand, ColorGroup};
use crate::stores::{self, CheckoutSettingsInput, StoreInput};
use crate::tenancy;

#[derive(Default)]
pub struct AdminStoreMutation;

/// Fields of the store.
#[derive(InputObject, Default)]
pub struct StoreUpdateInput {
    /// The store's name.
    pub name: Option<String>,
    /// The store's primary domain.
    pub domain: Option<String>,
    /// The store's currency (ISO 4217).
    pub currency_code: Option<String>,
    /// A description of the store.
    pub description: Option<String>,
    /// Seconds a cart's stock stays held after the cart was last touched (default 900).
    pub reservation_ttl_seconds: Option<i64>,
    /// Seconds a guest's cart lives after it was last touched (default two days).
    pub guest_cart_ttl_seconds: Option<i64>,
    /// Seconds a signed-in customer's cart lives after it was last touched (default 30 days).
    pub customer_cart_ttl_seconds: Option<i64>,
    /// The flat shipping rate per checkout, in the store's currency (default zero).
    pub shipping_rate: Option<Decimal>,
    /// The goods total (after discounts) from which shipping is free, in the store's currency;
    /// null removes it (shipping is never free).
    pub free_shipping_threshold: MaybeUndefined<Decimal>,
    /// Whether prices include tax (default false: tax is added at checkout).
    pub taxes_included: Option<bool>,
    /// Tax rates by destination country; replaces the whole table (others pay no tax).
    pub tax_rates: Option<Vec<TaxRateInput>>,
    /// When a checkout's payment is captured (default IMMEDIATE).
    pub payment_capture: Option<PaymentCapturePolicy>,
    /// Response lifetimes at the edge and trusted-documents mode.
    pub edge: Option<StoreEdgeSettingsInput>,
    /// The brand (`shop.brand`), replacing the one the store has.
    pub brand: Option<BrandInput>,
    /// Groups of terms search treats as one another ("tee", "t-shirt"), replacing the store's:
    /// a product holding one term of a group is also found by the others. At most 500 groups of
    /// 2 to 20 terms of up to 50 characters.
    pub search_synonyms: Option<Vec<Vec<String>>>,
}

/// The store's brand.
#[derive(InputObject, Default)]
pub struct BrandInput {
    /// The brand's slogan.
    pub slogan: Option<String>,
    /// A short description of the brand.
    pub short_description: Option<String>,
    /// The URL of the logo.
    pub logo_url: Option<String>,
    /// The URL of the square logo.
    pub square_logo_url: Option<String>,
    /// The URL of the cover image.
    pub cover_image_url: Option<String>,
    /// The main colour pairs.
    pub primary_colors: Option<Vec<BrandColorGroupInput>>,
    /// The accent colour pairs.
    pub secondary_colors: Option<Vec<BrandColorGroupInput>>,
}

/// A background and foreground colour, each `#` and six hexadecimal digits.
#[derive(InputObject)]
pub struct BrandColorGroupInput {
    /// The background colour.
    pub background: Option<String>,
    /// The colour of text and shapes on the background.
    pub foreground: Option<String>,
}

impl From<BrandInput> for Brand {
    fn from(input: BrandInput) -> Brand {
        let groups = |groups: Option<Vec<BrandColorGroupInput>>| -> Vec<ColorGroup> {
            groups
                .unwrap_or_default()
                .into_iter()
                .map(|group| ColorGroup {
                    background: group.background,
                    foreground: group.foreground,
                })
                .collect()
        };
        Brand {
            slogan: input.slogan,
            short_description: input.short_description,
            logo_url: input.logo_url,
            square_logo_url: input.square_logo_url,
            cover_image_url: input.cover_image_url,
            primary_colors: groups(input.primary_colors),
            secondary_colors: groups(input.secondary_colors),
        }
    }
}

/// The result of `storeUpdate`.
#[derive(SimpleObject)]
pub struct StorePayload {
    /// The store after the change.
    pub shop: Option<Shop>,
    /// Why the input was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

#[Object]
impl AdminStoreMutation {
    /// Changes the store's name, domain, currency, description, cart lifetimes, checkout
    /// settings or edge settings.
    async fn store_update(
        &self,
        ctx: &Context<'_>,
        input: StoreUpdateInput,
    ) -> async_graphql::Result<StorePayload> {
        let store = context::admin_store(ctx)?;
        let change = StoreInput {
            name: input.name,
            domain: input.domain,
            currency: input.currency_code,
            description: input.description,
            reservation_ttl_seconds: input.reservation_ttl_seconds,
            guest_cart_ttl_seconds: input.guest_cart_ttl_seconds,
            customer_cart_ttl_seconds: input.customer_cart_ttl_seconds,
            checkout: CheckoutSettingsInput {
                shipping_rate: input.shipping_rate.map(|rate| rate.0),
                free_shipping_threshold: match input.free_shipping_threshold {
                    MaybeUndefined::Undefined => None,
                    MaybeUndefined::Null => Some(None),
                    MaybeUndefined::Value(threshold) => Some(Some(threshold.0)),
                },
                taxes_included: input.taxes_included,
                tax_rates: input
                    .tax_rates
                    .map(|rates| rates.into_iter().map(Into::into).collect()),
                payment_capture: input.payment_capture.map(Into::into),
            },
            edge: input.edge.map(Into::into).unwrap_or_default(),
            brand: input.brand.map(Into::into),
            search_synonyms: input.search_synonyms,
        };
        let result = context::write(ctx, async |tx| {
            stores::update_store(tx, store, change).await
        })
        .await;
        if let Ok(updated) = &result {
            tenancy::forget_store(&context::state(ctx).resolutions, updated.id).await;
        }
        let (updated, user_errors) = with_user_errors(result)?;
        Ok(StorePayload {
            shop: updated.map(Shop::new),
            user_errors,
        })
    }
}
