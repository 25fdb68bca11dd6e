//! The `shop` query: the store's name, domain and currency.

use async_graphql::{Context, Enum, ID, Object, SimpleObject};

use super::brand::Brand;
use super::policies::{ShopPolicy, ShopPolicyWithDefault};
use crate::catalog::policies::{self, PolicyKind};
use crate::graphql::context;
use crate::graphql::errors::GqlResult;
use crate::graphql::scalars::{CountryCode, CurrencyCode, Url};
use crate::ids::{self, GidKind};
use crate::stores::Store;
use crate::stores::brand::Brand as StoreBrand;

#[derive(Default)]
pub struct ShopQuery;

#[Object]
impl ShopQuery {
    /// The store the request is for.
    async fn shop(&self, ctx: &Context<'_>) -> Shop {
        Shop(context::store(ctx).clone())
    }
}

/// A store.
pub struct Shop(Store);

impl Shop {
    pub fn new(store: Store) -> Self {
        Shop(store)
    }
}

/// A domain of the store.
#[derive(SimpleObject)]
pub struct Domain {
    /// The host name.
    pub host: String,
    /// The full URL.
    pub url: Url,
    /// Whether the domain uses TLS.
    pub ssl_enabled: bool,
}

/// Payment settings of the store.
#[derive(SimpleObject)]
pub struct PaymentSettings {
    /// The store's currency.
    pub currency_code: CurrencyCode,
    /// Currencies shoppers can pay in.
    pub enabled_presentment_currencies: Vec<CurrencyCode>,
    /// Card brands accepted at checkout.
    pub accepted_card_brands: Vec<CardBrand>,
    /// The country of the store's payment account.
    pub country_code: CountryCode,
}

/// A card brand.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum CardBrand {
    /// American Express.
    AmericanExpress,
    /// Diners Club.
    DinersClub,
    /// Discover.
    Discover,
    /// JCB.
    Jcb,
    /// Mastercard.
    Mastercard,
    /// Visa.
    Visa,
}

#[Object]
impl Shop {
    /// A globally unique ID.
    async fn id(&self) -> ID {
        ID(ids::encode(GidKind::Shop, self.0.id))
    }
    /// The store's name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// A description of the store.
    async fn description(&self) -> Option<&str> {
        Some(self.0.description.as_str()).filter(|d| !d.is_empty())
    }
    /// The store's primary domain.
    async fn primary_domain(&self) -> Domain {
        Domain {
            host: self.0.domain.clone(),
            url: Url(format!("https://{}", self.0.domain)),
            ssl_enabled: true,
        }
    }
    /// Payment settings.
    async fn payment_settings(&self) -> PaymentSettings {
        let currency = CurrencyCode(self.0.currency.clone());
        PaymentSettings {
            enabled_presentment_currencies: vec![currency.clone()],
            currency_code: currency,
            accepted_card_brands: vec![
                CardBrand::Visa,
                CardBrand::Mastercard,
                CardBrand::AmericanExpress,
            ],
            country_code: CountryCode("US".into()),
        }
    }
    /// Countries the store ships to.
    async fn ships_to_countries(&self) -> Vec<CountryCode> {
        vec![CountryCode("US".into())]
    }
    /// The store's brand: slogan, logos and colours.
    async fn brand(&self) -> Option<Brand> {
        Some(Brand(StoreBrand::of(&self.0)))
    }
    /// The privacy policy, if the store has one.
    async fn privacy_policy(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<ShopPolicy>> {
        self.policy(ctx, PolicyKind::PrivacyPolicy).await
    }
    /// The refund policy, if the store has one.
    async fn refund_policy(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<ShopPolicy>> {
        self.policy(ctx, PolicyKind::RefundPolicy).await
    }
    /// The shipping policy, if the store has one.
    async fn shipping_policy(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<ShopPolicy>> {
        self.policy(ctx, PolicyKind::ShippingPolicy).await
    }
    /// The terms of service, if the store has them.
    async fn terms_of_service(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<ShopPolicy>> {
        self.policy(ctx, PolicyKind::TermsOfService).await
    }
    /// The subscription (cancellation) policy, with a default text when the store has none.
    async fn subscription_policy(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<ShopPolicyWithDefault>> {
        let kind = PolicyKind::SubscriptionPolicy;
        let policy = policies::find_policy(context::db(ctx), &self.0, kind)
            .await
            .gql()?;
        Ok(Some(ShopPolicyWithDefault {
            policy,
            kind,
            store: self.0.clone(),
        }))
    }
}

impl Shop {
    async fn policy(
        &self,
        ctx: &Context<'_>,
        kind: PolicyKind,
    ) -> async_graphql::Result<Option<ShopPolicy>> {
        let found = policies::find_policy(context::db(ctx), &self.0, kind)
            .await
            .gql()?;
        Ok(found.map(|policy| ShopPolicy {
            policy,
            store: self.0.clone(),
        }))
    }
}
