//! Cart lines: `CartLine`, the `BaseCartLine` interface Shopify's clients select lines through,
//! and `ComponentizableCartLine` (a bundle's line; Vitrine sells no bundles, so none is ever
//! returned, but clients' fragments name the type).

use async_graphql::{Context, ID, Interface, Object, SimpleObject, Union};
use entities::product_variant;

use super::view::{Attribute, attributes};
use crate::cart::Line;
use crate::graphql::catalog::variant::ProductVariant;
use crate::graphql::context;
use crate::graphql::money::MoneyV2;
use crate::ids::{self, GidKind};

/// What a cart line sells.
#[derive(Union, Clone)]
pub enum Merchandise {
    ProductVariant(ProductVariant),
}

/// A line of a cart, whatever its kind.
#[derive(Interface)]
#[graphql(
    field(name = "id", ty = "ID", desc = "The line's ID."),
    field(name = "quantity", ty = "i32", desc = "Units on the line."),
    field(
        name = "attributes",
        ty = "Vec<Attribute>",
        desc = "The line's attributes."
    ),
    field(
        name = "attribute",
        ty = "Option<Attribute>",
        desc = "One attribute by key.",
        arg(name = "key", ty = "String")
    ),
    field(name = "cost", ty = "CartLineCost", desc = "What the line costs."),
    field(
        name = "merchandise",
        ty = "Merchandise",
        desc = "What the line sells."
    )
)]
pub enum BaseCartLine {
    CartLine(CartLine),
    ComponentizableCartLine(ComponentizableCartLine),
}

/// What a line costs.
#[derive(SimpleObject)]
pub struct CartLineCost {
    /// The price of one unit.
    pub amount_per_quantity: MoneyV2,
    /// The compare-at price of one unit, when the variant has one.
    pub compare_at_amount_per_quantity: Option<MoneyV2>,
    /// The line before discounts.
    pub subtotal_amount: MoneyV2,
    /// The line after discounts.
    pub total_amount: MoneyV2,
}

/// A line of a cart: units of one variant.
#[derive(Clone)]
pub struct CartLine {
    line: Line,
    variant: product_variant::Model,
}

impl CartLine {
    pub fn new(line: Line, variant: product_variant::Model) -> Self {
        CartLine { line, variant }
    }

    fn gid(&self) -> ID {
        ID(ids::encode(GidKind::CartLine, self.line.id))
    }

    fn find_attribute(&self, key: &str) -> Option<Attribute> {
        attributes(&self.line.attributes)
            .into_iter()
            .find(|a| a.key == key)
    }

    fn costs(&self, ctx: &Context<'_>) -> CartLineCost {
        let money = |minor| MoneyV2::in_store_currency(ctx, minor);
        let total = self.variant.price_minor * i64::from(self.line.quantity);
        CartLineCost {
            amount_per_quantity: money(self.variant.price_minor),
            compare_at_amount_per_quantity: self.variant.compare_at_minor.map(money),
            subtotal_amount: money(total),
            total_amount: money(total),
        }
    }

    async fn sold(&self, ctx: &Context<'_>) -> async_graphql::Result<Merchandise> {
        let options = context::loaders(ctx)
            .options_by_product
            .load_one(self.variant.product_id)
            .await?
            .unwrap_or_default();
        let names = options.into_iter().map(|(option, _)| option.name).collect();
        Ok(Merchandise::ProductVariant(ProductVariant::new(
            ctx,
            self.variant.clone(),
            names,
        )))
    }
}

#[Object]
impl CartLine {
    /// The line's ID.
    async fn id(&self) -> ID {
        self.gid()
    }
    /// Units on the line.
    async fn quantity(&self) -> i32 {
        self.line.quantity
    }
    /// The line's attributes.
    async fn attributes(&self) -> Vec<Attribute> {
        attributes(&self.line.attributes)
    }
    /// One attribute by key.
    async fn attribute(&self, key: String) -> Option<Attribute> {
        self.find_attribute(&key)
    }
    /// What the line costs.
    async fn cost(&self, ctx: &Context<'_>) -> CartLineCost {
        self.costs(ctx)
    }
    /// What the line sells.
    async fn merchandise(&self, ctx: &Context<'_>) -> async_graphql::Result<Merchandise> {
        self.sold(ctx).await
    }
    /// The line this one belongs to (bundles only; always null).
    async fn parent_relationship(&self) -> Option<CartLineParentRelationship> {
        None
    }
}

/// The parent of a line added with a parent line.
#[derive(SimpleObject)]
pub struct CartLineParentRelationship {
    /// The parent line.
    pub parent: CartLine,
}

/// A bundle's line, made of component lines.
pub struct ComponentizableCartLine(CartLine);

#[Object]
impl ComponentizableCartLine {
    /// The line's ID.
    async fn id(&self) -> ID {
        self.0.gid()
    }
    /// Units on the line.
    async fn quantity(&self) -> i32 {
        self.0.line.quantity
    }
    /// The line's attributes.
    async fn attributes(&self) -> Vec<Attribute> {
        attributes(&self.0.line.attributes)
    }
    /// One attribute by key.
    async fn attribute(&self, key: String) -> Option<Attribute> {
        self.0.find_attribute(&key)
    }
    /// What the line costs.
    async fn cost(&self, ctx: &Context<'_>) -> CartLineCost {
        self.0.costs(ctx)
    }
    /// What the line sells.
    async fn merchandise(&self, ctx: &Context<'_>) -> async_graphql::Result<Merchandise> {
        self.0.sold(ctx).await
    }
    /// The bundle's component lines.
    async fn line_components(&self) -> Vec<CartLine> {
        Vec::new()
    }
}
