//! The storefront `ProductVariant` with its `SelectedOption`s. Its stock, image and product come
//! from the request's loaders, which the resolver that returned it filled (`prefetch`).

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use entities::product_variant;
use uuid::Uuid;

use super::media::Image;
use super::product::Product;
use crate::cache::tags;
use crate::graphql::inventory::level::{InventoryLevel, clamp};
use crate::graphql::money::MoneyV2;
use crate::graphql::{context, edge};
use crate::ids::{self, GidKind};
use crate::inventory::Stock;

/// A purchasable variant of a product.
#[derive(Clone)]
pub struct ProductVariant {
    model: product_variant::Model,
    /// The product's option names, by position.
    option_names: Vec<String>,
}

/// The value of one option of a variant.
#[derive(SimpleObject, Clone)]
pub struct SelectedOption {
    /// The option's name, such as `Size`.
    pub name: String,
    /// The value, such as `M`.
    pub value: String,
}

/// An option value to pick a variant by.
#[derive(InputObject, Clone)]
pub struct SelectedOptionInput {
    /// The option's name.
    pub name: String,
    /// The option's value.
    pub value: String,
}

impl ProductVariant {
    /// The variant, tagged (with its product) in the request's cache report as part of the
    /// response.
    pub fn new(
        ctx: &Context<'_>,
        model: product_variant::Model,
        option_names: Vec<String>,
    ) -> Self {
        edge::tag(ctx, tags::variant(model.id));
        edge::tag(ctx, tags::product(model.product_id));
        ProductVariant {
            model,
            option_names,
        }
    }

    /// The variant with its product's option names, loaded through the request's loaders.
    pub async fn loaded(
        ctx: &Context<'_>,
        model: product_variant::Model,
    ) -> async_graphql::Result<Self> {
        let options = context::loaders(ctx)
            .options_by_product
            .load_one(model.product_id)
            .await?
            .unwrap_or_default();
        let names = options.into_iter().map(|(option, _)| option.name).collect();
        Ok(ProductVariant::new(ctx, model, names))
    }

    /// The variant's own ID (the GraphQL `id` field renders it as a global ID).
    pub fn variant_id(&self) -> Uuid {
        self.model.id
    }

    async fn stock(&self, ctx: &Context<'_>) -> async_graphql::Result<Stock> {
        let level = context::loaders(ctx)
            .stock_by_variant
            .load_one(self.model.id)
            .await?
            .flatten();
        Ok(level.as_ref().map(Stock::from).unwrap_or_default())
    }

    /// Units available to sell.
    async fn available(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        Ok(self.stock(ctx).await?.available())
    }

    /// The variant's option values, paired with the product's option names.
    pub fn option_pairs(&self) -> Vec<SelectedOption> {
        let values = [
            &self.model.option1,
            &self.model.option2,
            &self.model.option3,
        ];
        self.option_names
            .iter()
            .zip(values)
            .map(|(name, value)| SelectedOption {
                name: name.clone(),
                value: value.clone(),
            })
            .collect()
    }
}

#[Object]
impl ProductVariant {
    /// A globally unique ID.
    pub async fn id(&self) -> ID {
        ID(ids::encode(GidKind::ProductVariant, self.model.id))
    }
    /// The variant's title: its option values joined by " / ".
    async fn title(&self) -> &str {
        &self.model.title
    }
    /// The stock keeping unit, unique in the store.
    async fn sku(&self) -> Option<&str> {
        self.model.sku.as_deref()
    }
    /// Whether the variant can be bought now.
    async fn available_for_sale(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        Ok(self.available(ctx).await? > 0)
    }
    /// Whether the variant is out of stock.
    async fn currently_not_in_stock(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        Ok(self.available(ctx).await? == 0)
    }
    /// Units available to sell.
    async fn quantity_available(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<i32>> {
        Ok(Some(clamp(self.available(ctx).await?)))
    }
    /// The variant's option values.
    async fn selected_options(&self) -> Vec<SelectedOption> {
        self.option_pairs()
    }
    /// The price.
    async fn price(&self, ctx: &Context<'_>) -> MoneyV2 {
        MoneyV2::in_store_currency(ctx, self.model.price_minor)
    }
    /// The price before a markdown, when the variant is on sale.
    async fn compare_at_price(&self, ctx: &Context<'_>) -> Option<MoneyV2> {
        self.model
            .compare_at_minor
            .map(|minor| MoneyV2::in_store_currency(ctx, minor))
    }
    /// The variant's image, or else its product's first image.
    async fn image(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Image>> {
        let images = context::loaders(ctx)
            .images_by_product
            .load_one(self.model.product_id)
            .await?
            .unwrap_or_default();
        let chosen = match self.model.image_id {
            Some(id) => images
                .iter()
                .find(|image| image.id == id)
                .or(images.first()),
            None => images.first(),
        };
        Ok(chosen.cloned().map(Image::from))
    }
    /// The product this variant belongs to.
    async fn product(&self, ctx: &Context<'_>) -> async_graphql::Result<Product> {
        context::loaders(ctx)
            .product_by_id
            .load_one(self.model.product_id)
            .await?
            .flatten()
            .map(|model| Product::new(ctx, model))
            .ok_or_else(|| "the variant's product is not visible".into())
    }
    /// Whether the variant needs shipping.
    async fn requires_shipping(&self) -> bool {
        self.model.requires_shipping
    }
    /// Stock on hand, reserved and available (admin only).
    async fn inventory_level(&self, ctx: &Context<'_>) -> async_graphql::Result<InventoryLevel> {
        context::admin_store(ctx)?;
        Ok(self.stock(ctx).await?.into())
    }
}
