//! The `Order` type: Shopify's Storefront `Order` fields Vitrine can fill (name, number, email,
//! totals, statuses, lines, addresses), plus its `status`, `statusHistory` and tracking number,
//! and, for admins only, its `payments`.

use async_graphql::{Context, Enum, ID, Object};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::parts::{MailingAddress, OrderLineItem, OrderStatus, OrderStatusEvent};
use super::payments::Payment;
use crate::checkout::Address;
use crate::graphql::context;
use crate::graphql::errors::GqlResult;
use crate::graphql::money::MoneyV2;
use crate::graphql::pagination::{self, PageArgs};
use crate::graphql::scalars::CurrencyCode;
use crate::ids::{self, GidKind};
use crate::money::{CurrencyCode as Currency, Money};
use crate::orders;
use crate::payments::records::{self as payments, PaymentStatus};

/// An order: what a buyer bought, what it cost and where it stands.
pub struct Order(pub orders::Order);

/// How much of an order is paid (Shopify's `OrderFinancialStatus`).
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum OrderFinancialStatus {
    Authorized,
    Paid,
    PartiallyPaid,
    PartiallyRefunded,
    Pending,
    Refunded,
    Voided,
}

/// How much of an order shipped (Shopify's `OrderFulfillmentStatus`, the values Vitrine uses).
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum OrderFulfillmentStatus {
    Fulfilled,
    Unfulfilled,
}

/// Why an order was cancelled (Shopify's `OrderCancelReason`).
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum OrderCancelReason {
    Customer,
    Declined,
    Fraud,
    Inventory,
    Other,
    Staff,
}

impl OrderCancelReason {
    const ALL: [OrderCancelReason; 6] = [
        OrderCancelReason::Customer,
        OrderCancelReason::Declined,
        OrderCancelReason::Fraud,
        OrderCancelReason::Inventory,
        OrderCancelReason::Other,
        OrderCancelReason::Staff,
    ];

    /// How the reason is stored on the order.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderCancelReason::Customer => "customer",
            OrderCancelReason::Declined => "declined",
            OrderCancelReason::Fraud => "fraud",
            OrderCancelReason::Inventory => "inventory",
            OrderCancelReason::Other => "other",
            OrderCancelReason::Staff => "staff",
        }
    }
}

/// A page of the store's orders matching `filter`, newest first. The parts of the orders the
/// selection reads (lines, histories, payments) are loaded for the whole page at once.
pub async fn page(
    ctx: &Context<'_>,
    store: &crate::stores::Store,
    filter: orders::read::Filter,
    args: PageArgs,
) -> async_graphql::Result<async_graphql::connection::Connection<String, Order>> {
    let db = context::db(ctx);
    let page = pagination::fetch_page(
        &args,
        |offset, limit| orders::read::list(db, store, &filter, offset, limit),
        || orders::read::count(db, store, &filter),
    )
    .await
    .gql()?;
    let ids: Vec<Uuid> = page.items.iter().map(|(_, order)| order.id).collect();
    prefetch(ctx, &ids).await?;
    Ok(page.connection(Order))
}

/// Whether the selection of an order page reads `path` of its orders.
fn page_reads(ctx: &Context<'_>, path: &[&str]) -> bool {
    let look = ctx.look_ahead();
    let (mut nodes, mut edges) = (look.field("nodes"), look.field("edges").field("node"));
    for field in path {
        nodes = nodes.field(field);
        edges = edges.field(field);
    }
    nodes.exists() || edges.exists()
}

/// Loads the parts of `orders` the selection reads: one query per part for the whole page.
async fn prefetch(ctx: &Context<'_>, orders: &[Uuid]) -> async_graphql::Result<()> {
    let loaders = context::loaders(ctx);
    if page_reads(ctx, &["lineItems"]) {
        let lines = loaders
            .lines_by_order
            .load_many(orders.iter().copied())
            .await?;
        if page_reads(ctx, &["lineItems", "nodes", "variant"]) {
            let variants = lines.values().flatten().filter_map(|line| line.variant_id);
            let found = loaders.variant_by_id.load_many(variants).await?;
            let products = found.values().flatten().map(|variant| variant.product_id);
            loaders.options_by_product.load_many(products).await?;
        }
    }
    if page_reads(ctx, &["statusHistory"]) {
        loaders
            .history_by_order
            .load_many(orders.iter().copied())
            .await?;
    }
    if page_reads(ctx, &["financialStatus"]) || page_reads(ctx, &["payments"]) {
        let payments = loaders
            .payments_by_order
            .load_many(orders.iter().copied())
            .await?;
        if page_reads(ctx, &["payments", "events"]) {
            let ids = payments.values().flatten().map(|payment| payment.id);
            loaders.events_by_payment.load_many(ids).await?;
        }
    }
    Ok(())
}

impl Order {
    async fn payments_of(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<payments::Payment>> {
        Ok(context::loaders(ctx)
            .payments_by_order
            .load_one(self.0.id)
            .await?
            .unwrap_or_default())
    }

    fn money(&self, minor: i64) -> MoneyV2 {
        let currency = Currency::parse(&self.0.currency).unwrap_or(Currency::USD);
        MoneyV2::new(Money::new(minor, currency))
    }

    fn address(value: &serde_json::Value) -> Option<MailingAddress> {
        serde_json::from_value::<Address>(value.clone())
            .ok()
            .map(MailingAddress)
    }
}

#[Object]
impl Order {
    /// A globally unique ID.
    async fn id(&self) -> ID {
        ID(ids::encode(GidKind::Order, self.0.id))
    }
    /// The order's name, such as `#1001`.
    async fn name(&self) -> String {
        orders::name(&self.0)
    }
    /// The order's number in its store (1001, 1002, ...).
    async fn order_number(&self) -> i32 {
        i32::try_from(self.0.number).unwrap_or(i32::MAX)
    }
    /// The buyer's email.
    async fn email(&self) -> Option<&str> {
        Some(&self.0.email)
    }
    /// When the order was placed.
    async fn processed_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the order was cancelled.
    async fn canceled_at(&self) -> Option<DateTime<Utc>> {
        self.0.cancelled_at
    }
    /// Why the order was cancelled.
    async fn cancel_reason(&self) -> Option<OrderCancelReason> {
        let reason = self.0.cancel_reason.as_deref()?;
        OrderCancelReason::ALL
            .into_iter()
            .find(|known| known.as_str() == reason)
            .or(Some(OrderCancelReason::Other))
    }
    /// The order's currency.
    async fn currency_code(&self) -> CurrencyCode {
        CurrencyCode(self.0.currency.clone())
    }
    /// The price of the lines after their discounts.
    async fn subtotal_price(&self) -> Option<MoneyV2> {
        Some(self.money(self.0.subtotal_minor - self.0.discount_minor))
    }
    /// Discounts taken off the order.
    async fn total_discounts(&self) -> MoneyV2 {
        self.money(self.0.discount_minor)
    }
    /// Shipping.
    async fn total_shipping_price(&self) -> MoneyV2 {
        self.money(self.0.shipping_minor)
    }
    /// Tax (included in the prices when `taxesIncluded`).
    async fn total_tax(&self) -> Option<MoneyV2> {
        Some(self.money(self.0.tax_minor))
    }
    /// Whether the prices include tax.
    async fn taxes_included(&self) -> bool {
        self.0.taxes_included
    }
    /// What the buyer pays: the amount authorized at the gateway.
    async fn total_price(&self) -> MoneyV2 {
        self.money(self.0.total_minor)
    }
    /// Where the order stands.
    async fn status(&self) -> OrderStatus {
        orders::Status::of(&self.0).into()
    }
    /// Every status the order went through, oldest first.
    async fn status_history(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<OrderStatusEvent>> {
        let history = context::loaders(ctx)
            .history_by_order
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(history.into_iter().map(OrderStatusEvent::new).collect())
    }
    /// How much is paid, from the order's latest payment.
    async fn financial_status(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<OrderFinancialStatus>> {
        let all = self.payments_of(ctx).await?;
        let Some(latest) = all.last() else {
            return Ok(Some(OrderFinancialStatus::Pending));
        };
        Ok(Some(match PaymentStatus::of(latest) {
            PaymentStatus::Authorized => OrderFinancialStatus::Authorized,
            PaymentStatus::Captured if latest.refunded_minor > 0 => {
                OrderFinancialStatus::PartiallyRefunded
            }
            PaymentStatus::Captured => OrderFinancialStatus::Paid,
            PaymentStatus::Refunded => OrderFinancialStatus::Refunded,
            PaymentStatus::Voided => OrderFinancialStatus::Voided,
            PaymentStatus::Pending | PaymentStatus::Failed => OrderFinancialStatus::Pending,
        }))
    }
    /// Whether the order shipped.
    async fn fulfillment_status(&self) -> OrderFulfillmentStatus {
        match orders::Status::of(&self.0) {
            orders::Status::Shipped | orders::Status::Delivered => {
                OrderFulfillmentStatus::Fulfilled
            }
            _ => OrderFulfillmentStatus::Unfulfilled,
        }
    }
    /// The carrier's tracking number, once shipped.
    async fn tracking_number(&self) -> Option<&str> {
        self.0.tracking_number.as_deref()
    }
    /// Where the order ships.
    async fn shipping_address(&self) -> Option<MailingAddress> {
        Self::address(&self.0.shipping_address)
    }
    /// The address of the payment method.
    async fn billing_address(&self) -> Option<MailingAddress> {
        Self::address(&self.0.billing_address)
    }
    /// The order's lines.
    async fn line_items(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<async_graphql::connection::Connection<String, OrderLineItem>> {
        let lines = context::loaders(ctx)
            .lines_by_order
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        let page = pagination::page_of_vec(&args, lines).await.gql()?;
        Ok(page.connection(OrderLineItem))
    }
    /// The order's payments with their histories (admins only).
    async fn payments(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Payment>> {
        context::admin_store(ctx)?;
        let all = self.payments_of(ctx).await?;
        Ok(all.into_iter().map(Payment).collect())
    }
}
