//! The body of an order's outbox events, shaped like Shopify's order webhooks (`orders/create`):
//! the order with its lines, addresses and totals as decimal strings in the order's currency.

use serde_json::{Value, json};

use super::{Order, OrderLine, Status, name};
use crate::error::Result;
use crate::ids::{self, GidKind};
use crate::money::{CurrencyCode, Money};

/// The event body for `order` with these lines.
pub fn render(order: &Order, lines: &[OrderLine]) -> Result<Value> {
    let currency = CurrencyCode::parse(&order.currency)?;
    let amount = |minor: i64| Money::new(minor, currency).amount();
    let line_items: Vec<Value> = lines
        .iter()
        .map(|line| {
            json!({
                "id": line.id,
                "variant_id": line.variant_id.map(|id| ids::encode(GidKind::ProductVariant, id)),
                "product_id": line.product_id.map(|id| ids::encode(GidKind::Product, id)),
                "title": line.title,
                "variant_title": line.variant_title,
                "sku": line.sku,
                "quantity": line.quantity,
                "price": amount(line.unit_price_minor),
                "total_discount": amount(line.discount_minor),
                "tax": amount(line.tax_minor),
            })
        })
        .collect();
    Ok(json!({
        "id": ids::encode(GidKind::Order, order.id),
        "name": name(order),
        "order_number": order.number,
        "email": order.email,
        "status": Status::of(order).as_str(),
        "currency": order.currency,
        "subtotal_price": amount(order.subtotal_minor),
        "total_discounts": amount(order.discount_minor),
        "total_shipping_price": amount(order.shipping_minor),
        "total_tax": amount(order.tax_minor),
        "taxes_included": order.taxes_included,
        "total_price": amount(order.total_minor),
        "line_items": line_items,
        "shipping_address": order.shipping_address,
        "billing_address": order.billing_address,
        "payment_reference": order.payment_reference,
        "tracking_number": order.tracking_number,
        "cancel_reason": order.cancel_reason,
        "created_at": order.created_at,
        "updated_at": order.updated_at,
        "cancelled_at": order.cancelled_at,
    }))
}
