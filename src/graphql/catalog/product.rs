//! The storefront `Product` and its option and price-range types. Parts of a product come from
//! the request's loaders, which the resolver that returned the product filled (`prefetch`).

use async_graphql::connection::Connection;
use async_graphql::futures_util;
use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entities::{product, product_variant};

use super::media::{Image, Seo};
use super::variant::{ProductVariant, SelectedOptionInput};
use crate::cache::tags;
use crate::catalog::ProductStatus as DomainStatus;
use crate::catalog::html::{html_to_text, truncated};
use crate::catalog::variant_encoding;
use crate::graphql::errors::GqlResult;
use crate::graphql::loaders::OptionWithValues;
use crate::graphql::money::MoneyV2;
use crate::graphql::pagination::{PageArgs, page_cost, page_of_vec};
use crate::graphql::scalars::{Html, Url};
use crate::graphql::{context, edge};
use crate::ids::{self, GidKind};
use crate::inventory::Stock;

/// A product of the store's catalog.
#[derive(Clone)]
pub struct Product(product::Model);

impl Product {
    /// The product, tagged in the request's cache report as part of the response.
    pub fn new(ctx: &Context<'_>, model: product::Model) -> Self {
        edge::tag(ctx, tags::product(model.id));
        Product(model)
    }
}

/// Publication status of a product (admin).
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::catalog::ProductStatus")]
pub enum ProductStatus {
    /// Visible to the storefront.
    Active,
    /// Not yet visible.
    Draft,
    /// No longer visible.
    Archived,
}

/// The lowest and highest variant prices of a product.
#[derive(SimpleObject)]
pub struct ProductPriceRange {
    /// The lowest variant price.
    pub min_variant_price: MoneyV2,
    /// The highest variant price.
    pub max_variant_price: MoneyV2,
}

/// A product option such as Size, with its values in order.
pub struct ProductOption(pub OptionWithValues);

/// One value of a product option.
pub struct ProductOptionValue {
    id: ID,
    name: String,
    /// The option's position (1 to 3), to find the variants with this value.
    position: i32,
    product_id: uuid::Uuid,
}

/// A colour or image standing for an option value.
#[derive(SimpleObject)]
pub struct ProductOptionValueSwatch {
    /// The colour.
    pub color: Option<crate::graphql::scalars::Color>,
}

#[Object]
impl ProductOptionValue {
    /// A globally unique ID.
    async fn id(&self) -> &ID {
        &self.id
    }
    /// The value, such as `M`.
    async fn name(&self) -> &str {
        &self.name
    }
    /// The first variant (in position order) with this value: the one to select when a shopper
    /// picks it.
    async fn first_selectable_variant(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<ProductVariant>> {
        let variants = context::loaders(ctx)
            .variants_by_product
            .load_one(self.product_id)
            .await?
            .unwrap_or_default();
        let found = variants
            .into_iter()
            .find(|variant| option_value(variant, self.position) == Some(self.name.as_str()));
        match found {
            Some(variant) => Ok(Some(ProductVariant::loaded(ctx, variant).await?)),
            None => Ok(None),
        }
    }
    /// A swatch for the value; Vitrine keeps none.
    async fn swatch(&self) -> Option<ProductOptionValueSwatch> {
        None
    }
}

/// A variant's value of the option at `position` (1 to 3).
fn option_value(variant: &product_variant::Model, position: i32) -> Option<&str> {
    match position {
        1 => Some(&variant.option1),
        2 => Some(&variant.option2),
        3 => Some(&variant.option3),
        _ => None,
    }
    .map(String::as_str)
}

#[Object]
impl ProductOption {
    /// A globally unique ID.
    async fn id(&self) -> ID {
        ID(ids::encode(GidKind::ProductOption, self.0.0.id))
    }
    /// The option's name.
    async fn name(&self) -> &str {
        &self.0.0.name
    }
    /// The option's values, in display order.
    async fn values(&self) -> Vec<&str> {
        self.0.1.iter().map(|value| value.name.as_str()).collect()
    }
    /// The option's values with their IDs.
    async fn option_values(&self) -> Vec<ProductOptionValue> {
        self.0
            .1
            .iter()
            .map(|value| ProductOptionValue {
                id: ID(ids::encode(GidKind::ProductOptionValue, value.id)),
                name: value.name.clone(),
                position: self.0.0.position,
                product_id: self.0.0.product_id,
            })
            .collect()
    }
}

impl Product {
    async fn variant_models(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<product_variant::Model>> {
        Ok(context::loaders(ctx)
            .variants_by_product
            .load_one(self.0.id)
            .await?
            .unwrap_or_default())
    }

    async fn option_models(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<OptionWithValues>> {
        Ok(context::loaders(ctx)
            .options_by_product
            .load_one(self.0.id)
            .await?
            .unwrap_or_default())
    }

    async fn image_models(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Image>> {
        let images = context::loaders(ctx)
            .images_by_product
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(images.into_iter().map(Image::from).collect())
    }

    async fn wrapped_variants(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<ProductVariant>> {
        let (options, variants) =
            futures_util::try_join!(self.option_models(ctx), self.variant_models(ctx))?;
        let names: Vec<String> = options
            .iter()
            .map(|(option, _)| option.name.clone())
            .collect();
        Ok(variants
            .into_iter()
            .map(|variant| ProductVariant::new(ctx, variant, names.clone()))
            .collect())
    }

    /// Every variant, and the one matching `selected`, or else the first in stock, or else the
    /// first.
    async fn selected_or_first_available(
        &self,
        ctx: &Context<'_>,
        selected: &[SelectedOptionInput],
        matching: &Matching,
    ) -> async_graphql::Result<(Vec<ProductVariant>, Option<ProductVariant>)> {
        let (variants, availability) = futures_util::try_join!(
            self.wrapped_variants(ctx),
            self.variants_with_availability(ctx)
        )?;
        let in_stock = |variant: &ProductVariant| {
            availability
                .iter()
                .any(|(model, available)| model.id == variant.variant_id() && *available > 0)
        };
        let chosen = variants
            .iter()
            .find(|v| !selected.is_empty() && matching.matches(v, selected))
            .or_else(|| variants.iter().find(|v| in_stock(v)))
            .or(variants.first())
            .cloned();
        Ok((variants, chosen))
    }

    /// Each variant's option value positions (what `encodedVariant*` encode), with whether it
    /// can be bought.
    async fn combinations(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<(Vec<usize>, bool)>> {
        let (options, variants) = futures_util::try_join!(
            self.option_models(ctx),
            self.variants_with_availability(ctx)
        )?;
        Ok(variants
            .iter()
            .filter_map(|(variant, available)| {
                let positions: Option<Vec<usize>> = options
                    .iter()
                    .map(|(option, values)| {
                        let value = option_value(variant, option.position)?;
                        values.iter().position(|known| known.name == value)
                    })
                    .collect();
                Some((positions?, *available > 0))
            })
            .collect())
    }

    /// Each variant's model with its units available.
    async fn variants_with_availability(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<(product_variant::Model, i64)>> {
        let variants = self.variant_models(ctx).await?;
        let levels = context::loaders(ctx)
            .stock_by_variant
            .load_many(variants.iter().map(|variant| variant.id))
            .await?;
        Ok(variants
            .into_iter()
            .map(|variant| {
                let stock = levels
                    .get(&variant.id)
                    .and_then(Option::as_ref)
                    .map(Stock::from);
                (variant, stock.unwrap_or_default().available())
            })
            .collect())
    }
}

#[Object]
impl Product {
    /// A globally unique ID.
    pub async fn id(&self) -> ID {
        ID(ids::encode(GidKind::Product, self.0.id))
    }
    /// The URL-safe unique name of the product in the store.
    async fn handle(&self) -> &str {
        &self.0.handle
    }
    /// The product's name.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// The description as plain text, optionally cut at `truncateAt` characters.
    async fn description(&self, truncate_at: Option<i32>) -> String {
        truncated(html_to_text(&self.0.description_html), truncate_at)
    }
    /// The description as HTML.
    async fn description_html(&self) -> Html {
        Html(self.0.description_html.clone())
    }
    /// The product's vendor.
    async fn vendor(&self) -> &str {
        &self.0.vendor
    }
    /// The product's type, for grouping and filtering.
    async fn product_type(&self) -> &str {
        &self.0.product_type
    }
    /// Tags, in the order the merchant gave them.
    async fn tags(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<String>> {
        Ok(context::loaders(ctx)
            .tags_by_product
            .load_one(self.0.id)
            .await?
            .unwrap_or_default())
    }
    /// Whether at least one variant is in stock.
    async fn available_for_sale(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        let variants = self.variants_with_availability(ctx).await?;
        Ok(variants.iter().any(|(_, available)| *available > 0))
    }
    /// Units available to sell across all variants.
    async fn total_inventory(&self, ctx: &Context<'_>) -> async_graphql::Result<i32> {
        let variants = self.variants_with_availability(ctx).await?;
        let total: i64 = variants.iter().map(|(_, available)| available).sum();
        Ok(i32::try_from(total).unwrap_or(i32::MAX))
    }
    /// When the product was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the product was last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// When the product was published to the storefront.
    async fn published_at(&self) -> DateTime<Utc> {
        self.0.published_at.unwrap_or(self.0.created_at)
    }
    /// The product's options (Size, Color, ...), at most three.
    #[graphql(complexity = "1 + 3 * child_complexity")]
    async fn options(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
    ) -> async_graphql::Result<Vec<ProductOption>> {
        let options = self.option_models(ctx).await?;
        let take = first.map_or(options.len(), |n| n.max(0) as usize);
        Ok(options.into_iter().take(take).map(ProductOption).collect())
    }
    /// The lowest and highest variant prices.
    async fn price_range(&self, ctx: &Context<'_>) -> ProductPriceRange {
        price_range(ctx, &[self.0.price_min_minor, self.0.price_max_minor])
    }
    /// The lowest and highest compare-at prices (zero when no variant has one).
    async fn compare_at_price_range(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<ProductPriceRange> {
        let prices: Vec<i64> = self
            .variant_models(ctx)
            .await?
            .iter()
            .filter_map(|v| v.compare_at_minor)
            .collect();
        Ok(price_range(ctx, &prices))
    }
    /// The product's variants.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn variants(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        reverse: Option<bool>,
    ) -> async_graphql::Result<Connection<String, ProductVariant>> {
        let mut variants = self.wrapped_variants(ctx).await?;
        if reverse.unwrap_or(false) {
            variants.reverse();
        }
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        Ok(page_of_vec(&args, variants).await.gql()?.connection(|v| v))
    }
    /// The first image, if any.
    async fn featured_image(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Image>> {
        Ok(self.image_models(ctx).await?.into_iter().next())
    }
    /// The product's images, in order.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn images(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        reverse: Option<bool>,
    ) -> async_graphql::Result<Connection<String, Image>> {
        let mut images = self.image_models(ctx).await?;
        if reverse.unwrap_or(false) {
            images.reverse();
        }
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        Ok(page_of_vec(&args, images).await.gql()?.connection(|i| i))
    }
    /// Search-engine title and description.
    async fn seo(&self) -> Seo {
        Seo {
            title: self.0.seo_title.clone(),
            description: self.0.seo_description.clone(),
        }
    }
    /// The variant with exactly these option values, if any.
    async fn variant_by_selected_options(
        &self,
        ctx: &Context<'_>,
        selected_options: Vec<SelectedOptionInput>,
        ignore_unknown_options: Option<bool>,
        case_insensitive_match: Option<bool>,
    ) -> async_graphql::Result<Option<ProductVariant>> {
        let matching = Matching {
            ignore_unknown: ignore_unknown_options.unwrap_or(false),
            case_insensitive: case_insensitive_match.unwrap_or(false),
        };
        let variants = self.wrapped_variants(ctx).await?;
        Ok(variants
            .into_iter()
            .find(|v| matching.matches(v, &selected_options)))
    }
    /// The variant with these option values, or else the first variant in stock, or else the first.
    async fn selected_or_first_available_variant(
        &self,
        ctx: &Context<'_>,
        selected_options: Option<Vec<SelectedOptionInput>>,
        ignore_unknown_options: Option<bool>,
        case_insensitive_match: Option<bool>,
    ) -> async_graphql::Result<Option<ProductVariant>> {
        let matching = Matching {
            ignore_unknown: ignore_unknown_options.unwrap_or(false),
            case_insensitive: case_insensitive_match.unwrap_or(false),
        };
        let selected = selected_options.unwrap_or_default();
        let (_, chosen) = self
            .selected_or_first_available(ctx, &selected, &matching)
            .await?;
        Ok(chosen)
    }
    /// Which option value combinations have a variant, encoded as Shopify encodes them (v1).
    async fn encoded_variant_existence(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<String>> {
        let combinations = self.combinations(ctx).await?;
        let all: Vec<Vec<usize>> = combinations.into_iter().map(|(c, _)| c).collect();
        Ok(Some(variant_encoding::encode(&all)))
    }
    /// Which option value combinations have a variant that can be bought, encoded as Shopify
    /// encodes them (v1).
    async fn encoded_variant_availability(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<String>> {
        let combinations = self.combinations(ctx).await?;
        let available: Vec<Vec<usize>> = combinations
            .into_iter()
            .filter(|(_, available)| *available)
            .map(|(c, _)| c)
            .collect();
        Ok(Some(variant_encoding::encode(&available)))
    }
    /// The variants one option value away from the selected variant (or, with no selection,
    /// from the first available one).
    async fn adjacent_variants(
        &self,
        ctx: &Context<'_>,
        selected_options: Option<Vec<SelectedOptionInput>>,
        ignore_unknown_options: Option<bool>,
        case_insensitive_match: Option<bool>,
    ) -> async_graphql::Result<Vec<ProductVariant>> {
        let matching = Matching {
            ignore_unknown: ignore_unknown_options.unwrap_or(false),
            case_insensitive: case_insensitive_match.unwrap_or(false),
        };
        let selected = selected_options.unwrap_or_default();
        let (variants, origin) = self
            .selected_or_first_available(ctx, &selected, &matching)
            .await?;
        let Some(origin) = origin else {
            return Ok(Vec::new());
        };
        let origin_values = origin.option_pairs();
        Ok(variants
            .into_iter()
            .filter(|variant| {
                let differing = variant
                    .option_pairs()
                    .iter()
                    .zip(&origin_values)
                    .filter(|(a, b)| a.value != b.value)
                    .count();
                differing == 1
            })
            .collect())
    }
    /// The product's storefront URL; Vitrine is headless, so there is none.
    async fn online_store_url(&self) -> Option<Url> {
        None
    }
    /// Publication status (admin only).
    async fn status(&self, ctx: &Context<'_>) -> async_graphql::Result<ProductStatus> {
        context::admin_store(ctx)?;
        Ok(DomainStatus::parse(&self.0.status).into())
    }
}

fn price_range(ctx: &Context<'_>, prices: &[i64]) -> ProductPriceRange {
    let min = prices.iter().copied().min().unwrap_or(0);
    let max = prices.iter().copied().max().unwrap_or(0);
    ProductPriceRange {
        min_variant_price: MoneyV2::in_store_currency(ctx, min),
        max_variant_price: MoneyV2::in_store_currency(ctx, max),
    }
}

struct Matching {
    ignore_unknown: bool,
    case_insensitive: bool,
}

impl Matching {
    fn same(&self, a: &str, b: &str) -> bool {
        if self.case_insensitive {
            a.eq_ignore_ascii_case(b)
        } else {
            a == b
        }
    }

    fn matches(&self, variant: &ProductVariant, selected: &[SelectedOptionInput]) -> bool {
        let own = variant.option_pairs();
        selected.iter().all(|wanted| {
            match own
                .iter()
                .find(|option| self.same(&option.name, &wanted.name))
            {
                Some(option) => self.same(&option.value, &wanted.value),
                None => self.ignore_unknown,
            }
        })
    }
}
