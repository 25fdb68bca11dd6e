//! The pieces of an order: its status (`OrderStatus`), the steps of its history, its lines and
//! its addresses.

use async_graphql::{Context, Enum, Object, SimpleObject};
use chrono::{DateTime, Utc};

use crate::checkout::Address;
use crate::graphql::catalog::variant::ProductVariant;
use crate::graphql::context;
use crate::graphql::money::MoneyV2;
use crate::graphql::scalars::CountryCode;
use crate::orders::{self, OrderEvent, OrderLine};

/// Where an order stands.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::orders::Status")]
pub enum OrderStatus {
    /// Placed; its payment is being authorized.
    Pending,
    /// Paid for; waiting to be fulfilled.
    Confirmed,
    /// Being prepared by the merchant.
    Processing,
    /// Handed to the carrier.
    Shipped,
    /// Delivered to the buyer.
    Delivered,
    /// Cancelled; its units were restocked and its payment voided or refunded.
    Cancelled,
}

/// One step of an order's status history.
#[derive(SimpleObject)]
pub struct OrderStatusEvent {
    /// The status the order moved to.
    pub status: OrderStatus,
    /// The status it moved from; null for the first step.
    pub from: Option<OrderStatus>,
    /// When it moved.
    pub at: DateTime<Utc>,
    /// Who moved it: `checkout`, `completer`, `merchant` or `gateway` (a payment webhook).
    pub actor: String,
    /// Why, when a reason was given.
    pub reason: Option<String>,
}

impl OrderStatusEvent {
    pub fn new(event: OrderEvent) -> Self {
        OrderStatusEvent {
            status: orders::Status::named(&event.to_status).into(),
            from: event
                .from_status
                .as_deref()
                .map(|s| orders::Status::named(s).into()),
            at: event.created_at,
            actor: event.actor,
            reason: event.reason,
        }
    }
}

/// A line of an order as it was sold.
pub struct OrderLineItem(pub OrderLine);

#[Object]
impl OrderLineItem {
    /// The product's title when it was sold.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// The variant's title when it was sold.
    async fn variant_title(&self) -> &str {
        &self.0.variant_title
    }
    /// The variant's SKU when it was sold.
    async fn sku(&self) -> Option<&str> {
        self.0.sku.as_deref()
    }
    /// Units sold.
    async fn quantity(&self) -> i32 {
        i32::try_from(self.0.quantity).unwrap_or(i32::MAX)
    }
    /// Units still on the order.
    async fn current_quantity(&self) -> i32 {
        i32::try_from(self.0.quantity).unwrap_or(i32::MAX)
    }
    /// The unit price when it was sold.
    async fn unit_price(&self, ctx: &Context<'_>) -> MoneyV2 {
        MoneyV2::in_store_currency(ctx, self.0.unit_price_minor)
    }
    /// Unit price × quantity.
    async fn original_total_price(&self, ctx: &Context<'_>) -> MoneyV2 {
        MoneyV2::in_store_currency(ctx, self.0.subtotal_minor)
    }
    /// The line's price after its discounts.
    async fn discounted_total_price(&self, ctx: &Context<'_>) -> MoneyV2 {
        MoneyV2::in_store_currency(ctx, self.0.subtotal_minor - self.0.discount_minor)
    }
    /// The tax allocated to the line.
    async fn total_tax(&self, ctx: &Context<'_>) -> MoneyV2 {
        MoneyV2::in_store_currency(ctx, self.0.tax_minor)
    }
    /// The variant sold, while it exists.
    async fn variant(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<ProductVariant>> {
        let Some(id) = self.0.variant_id else {
            return Ok(None);
        };
        let loaders = context::loaders(ctx);
        let Some(variant) = loaders.variant_by_id.load_one(id).await?.flatten() else {
            return Ok(None);
        };
        Ok(Some(ProductVariant::loaded(ctx, variant).await?))
    }
}

/// A postal address.
pub struct MailingAddress(pub Address);

#[Object]
impl MailingAddress {
    async fn first_name(&self) -> Option<&str> {
        self.0.first_name.as_deref()
    }
    async fn last_name(&self) -> Option<&str> {
        Some(&self.0.last_name)
    }
    /// First and last name.
    async fn name(&self) -> Option<String> {
        Some(
            [
                self.0.first_name.as_deref(),
                Some(self.0.last_name.as_str()),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" "),
        )
    }
    async fn address1(&self) -> Option<&str> {
        Some(&self.0.address1)
    }
    async fn address2(&self) -> Option<&str> {
        self.0.address2.as_deref()
    }
    async fn city(&self) -> Option<&str> {
        Some(&self.0.city)
    }
    async fn province(&self) -> Option<&str> {
        self.0.province.as_deref()
    }
    async fn zip(&self) -> Option<&str> {
        Some(&self.0.zip)
    }
    /// The two-letter country code.
    async fn country_code_v2(&self) -> Option<CountryCode> {
        Some(CountryCode(self.0.country_code.clone()))
    }
    async fn phone(&self) -> Option<&str> {
        self.0.phone.as_deref()
    }
    /// The address as lines for display.
    async fn formatted(&self) -> Vec<String> {
        let a = &self.0;
        let area = [
            Some(a.zip.as_str()),
            Some(a.city.as_str()),
            a.province.as_deref(),
        ]
        .into_iter()
        .flatten()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
        [
            Some(a.address1.clone()),
            a.address2.clone(),
            Some(area),
            Some(a.country_code.clone()),
        ]
        .into_iter()
        .flatten()
        .filter(|line| !line.is_empty())
        .collect()
    }
}
