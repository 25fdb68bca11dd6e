//! The order a cart makes: its lines snapshotted from the catalog as it is now (titles, SKU, the
//! current price), priced with the store's shipping and tax rules for the shipping address.
//! A line whose merchandise cannot be held or is no longer for sale refuses the checkout.

use std::collections::HashMap;

use chrono::Utc;
use entities::order_line::Entity as OrderLines;
use entities::prelude::{Product, ProductVariant};
use entities::{order, order_line, product, product_variant};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

use crate::cart::{Cart, Line};
use crate::checkout::{CheckoutInput, Outcome, Refusal, RefusalCode};
use crate::error::{AppError, Result};
use crate::orders::{self, Order, OrderLine, status};
use crate::outbox::Topic;
use crate::pricing::{self, PricedLine, PricingRules, Quote};
use crate::stores::{self, CapturePolicy, Store};

/// An order about to be written.
pub struct Draft {
    lines: Vec<LineSnapshot>,
    quote: Quote,
    input: CheckoutInput,
}

struct LineSnapshot {
    variant: product_variant::Model,
    product: product::Model,
    quantity: i64,
}

/// Drafts the order of a cart's `lines`, or the refusal: `short` are the variants whose units
/// could not all be held.
pub async fn draft(
    db: &impl ConnectionTrait,
    store: &Store,
    lines: &[Line],
    input: &CheckoutInput,
    short: &[Uuid],
) -> Result<std::result::Result<Draft, Outcome>> {
    if lines.is_empty() {
        return Ok(Err(Outcome::refused(Refusal::new(
            RefusalCode::Invalid,
            vec!["cartId".into()],
            "the cart is empty",
        ))));
    }
    let variant_ids: Vec<Uuid> = lines.iter().map(|line| line.variant_id).collect();
    let variants: HashMap<Uuid, product_variant::Model> = ProductVariant::find()
        .filter(product_variant::Column::StoreId.eq(store.id))
        .filter(product_variant::Column::Id.is_in(variant_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|variant| (variant.id, variant))
        .collect();
    let products: HashMap<Uuid, product::Model> = Product::find()
        .filter(product::Column::StoreId.eq(store.id))
        .filter(product::Column::Id.is_in(variants.values().map(|v| v.product_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|product| (product.id, product))
        .collect();
    let mut snapshots = Vec::new();
    let mut unavailable = Vec::new();
    for line in lines {
        let variant = variants.get(&line.variant_id);
        let product = variant.and_then(|v| products.get(&v.product_id));
        match (variant, product) {
            (Some(variant), Some(product))
                if product.status == "active" && !short.contains(&variant.id) =>
            {
                snapshots.push(LineSnapshot {
                    variant: variant.clone(),
                    product: product.clone(),
                    quantity: i64::from(line.quantity),
                })
            }
            _ => unavailable.push(line.id),
        }
    }
    if !unavailable.is_empty() {
        let mut refusal = Refusal::new(
            RefusalCode::MerchandiseOutOfStock,
            vec!["cartId".into()],
            "some lines are out of stock or no longer available",
        );
        refusal.line_ids = unavailable;
        return Ok(Err(Outcome::refused(refusal)));
    }
    let priced: Vec<PricedLine> = snapshots
        .iter()
        .map(|line| PricedLine {
            unit_price_minor: line.variant.price_minor,
            quantity: line.quantity,
        })
        .collect();
    let rules = PricingRules::of(store);
    let country = &input.shipping_address.country_code;
    let quote = pricing::quote(&priced, &[], &rules, country, stores::currency(store))?;
    Ok(Ok(Draft {
        lines: snapshots,
        quote,
        input: input.clone(),
    }))
}

/// Writes the drafted order `pending`: a new one numbered `number`, or the cart's earlier pending
/// order (its payment was declined) rewritten with the cart as it is now.
pub async fn write(
    db: &impl ConnectionTrait,
    store: &Store,
    cart: &Cart,
    draft: Draft,
    number: Option<i64>,
) -> Result<Order> {
    let now = Utc::now();
    let existing = orders::read::of_cart(db, store, cart.id).await?;
    let quote = &draft.quote;
    let shipping = json!(draft.input.shipping_address);
    let billing = json!(
        draft
            .input
            .billing_address
            .clone()
            .unwrap_or_else(|| draft.input.shipping_address.clone())
    );
    let mut active = match &existing {
        Some(order) if status::Status::of(order) == status::Status::Pending => {
            OrderLines::delete_many()
                .filter(order_line::Column::StoreId.eq(store.id))
                .filter(order_line::Column::OrderId.eq(order.id))
                .exec(db)
                .await?;
            let active: order::ActiveModel = order.clone().into();
            active
        }
        Some(_) => {
            return Err(AppError::Conflict(format!(
                "cart {} already has a settled order",
                cart.id
            )));
        }
        None => order::ActiveModel {
            id: Set(Uuid::now_v7()),
            store_id: Set(store.id),
            number: Set(number.ok_or_else(|| {
                AppError::Conflict("the checkout took no order number; try again".into())
            })?),
            cart_id: Set(cart.id),
            status: Set(status::Status::Pending.as_str().into()),
            // Replaced by the buyer's token when the order is confirmed; nobody holds this one.
            access_token_hash: Set(stores::hash_secret(&stores::new_secret())),
            created_at: Set(now),
            ..Default::default()
        },
    };
    active.customer_id = Set(cart.customer_id);
    active.email = Set(draft.input.email.clone());
    active.currency = Set(quote.currency.code().into());
    active.subtotal_minor = Set(quote.subtotal_minor);
    active.discount_minor = Set(quote.discount_minor);
    active.shipping_minor = Set(quote.shipping_minor);
    active.tax_minor = Set(quote.tax_minor);
    active.taxes_included = Set(quote.taxes_included);
    active.total_minor = Set(quote.total_minor);
    active.shipping_address = Set(shipping);
    active.billing_address = Set(billing);
    active.capture_policy = Set(CapturePolicy::of(store).as_str().into());
    active.payment_reference = Set(None);
    active.tracking_number = Set(None);
    active.cancel_reason = Set(None);
    active.confirmed_at = Set(None);
    active.cancelled_at = Set(None);
    active.updated_at = Set(now);
    let (order, topic) = match existing {
        Some(_) => (active.update(db).await?, Topic::CheckoutsUpdate),
        None => {
            let order = active.insert(db).await?;
            status::record_placed(db, store, &order).await?;
            (order, Topic::CheckoutsCreate)
        }
    };
    let lines = write_lines(db, store, &order, &draft).await?;
    status::announce_with_lines(db, store, &order, &lines, topic).await?;
    Ok(order)
}

async fn write_lines(
    db: &impl ConnectionTrait,
    store: &Store,
    order: &Order,
    draft: &Draft,
) -> Result<Vec<OrderLine>> {
    let lines: Vec<OrderLine> = draft
        .lines
        .iter()
        .zip(&draft.quote.lines)
        .enumerate()
        .map(|(position, (line, priced))| OrderLine {
            id: Uuid::now_v7(),
            store_id: store.id,
            order_id: order.id,
            position: position as i32,
            variant_id: Some(line.variant.id),
            product_id: Some(line.product.id),
            title: line.product.title.clone(),
            variant_title: line.variant.title.clone(),
            sku: line.variant.sku.clone(),
            quantity: line.quantity,
            unit_price_minor: line.variant.price_minor,
            subtotal_minor: priced.subtotal_minor,
            discount_minor: priced.discount_minor,
            tax_minor: priced.tax_minor,
            total_minor: priced.total_minor,
        })
        .collect();
    let rows = lines.iter().cloned().map(order_line::ActiveModel::from);
    OrderLines::insert_many(rows).exec(db).await?;
    Ok(lines)
}
