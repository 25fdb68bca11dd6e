//! Admin product and variant mutations. Every field starts with `admin_store`, so without the
//! store's admin token nothing here runs.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};

use uuid::Uuid;

use super::prefetch::{self, Parts};
use super::product::{Product, ProductStatus};
use super::variant::ProductVariant;
use crate::catalog::product_input::{
    ImageInput as DomainImage, ProductInput as DomainProduct, VariantInput as DomainVariant,
};
use crate::catalog::{product_read, product_write, variant_write};
use crate::error::Result;
use crate::graphql::context;
use crate::graphql::errors::{GqlResult, UserError, with_user_errors};
use crate::graphql::inputs::{SeoInput, decode_id, decode_ids};
use crate::graphql::scalars::{Decimal, Html};
use crate::ids::{self, GidKind};

#[derive(Default)]
pub struct AdminProductMutation;

/// Fields of a product to create or change.
#[derive(InputObject, Default)]
pub struct ProductInput {
    /// The product's name (required on create, at most 255 characters).
    pub title: Option<String>,
    /// The handle; derived from the title when absent.
    pub handle: Option<String>,
    /// The description as HTML.
    pub description_html: Option<Html>,
    /// The vendor.
    pub vendor: Option<String>,
    /// The product type.
    pub product_type: Option<String>,
    /// Tags (replace all tags on update).
    pub tags: Option<Vec<String>>,
    /// Publication status (ACTIVE when absent on create).
    pub status: Option<ProductStatus>,
    /// Search-engine title and description.
    pub seo: Option<SeoInput>,
    /// Option names in order, at most three (create only).
    pub options: Option<Vec<String>>,
    /// Variants, at most 100 (create only).
    pub variants: Option<Vec<ProductVariantInput>>,
    /// Images in order (replace all images on update).
    pub images: Option<Vec<ImageInput>>,
    /// Pins the product on top of the store's search results at this position (1 to 1,000,
    /// lower first) whenever it matches; null unpins it.
    pub search_pin: MaybeUndefined<i32>,
}

/// A variant to create or change.
#[derive(InputObject, Default)]
pub struct ProductVariantInput {
    /// The variant to change (bulk update only).
    pub id: Option<ID>,
    /// The SKU, unique in the store.
    pub sku: Option<String>,
    /// The price, as a decimal string in the store's currency.
    pub price: Option<Decimal>,
    /// The price before a markdown; an empty string clears it.
    pub compare_at_price: Option<Decimal>,
    /// Option values in the order of the product's options.
    pub options: Option<Vec<String>>,
    /// Initial units on hand (create only).
    pub inventory_quantity: Option<i32>,
    /// Whether the variant needs shipping (default true).
    pub requires_shipping: Option<bool>,
}

/// An image to attach.
#[derive(InputObject, Default)]
pub struct ImageInput {
    /// An absolute http(s) URL.
    pub url: String,
    /// Text for screen readers.
    pub alt_text: Option<String>,
    /// Width in pixels.
    pub width: Option<i32>,
    /// Height in pixels.
    pub height: Option<i32>,
}

/// The result of a product mutation.
#[derive(SimpleObject)]
pub struct ProductPayload {
    /// The product, unless the input was refused.
    pub product: Option<Product>,
    /// Why the input was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The result of `productDelete`.
#[derive(SimpleObject)]
pub struct ProductDeletePayload {
    /// The deleted product's ID.
    pub deleted_product_id: Option<ID>,
    /// Why the input was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The result of a bulk variant mutation.
#[derive(SimpleObject)]
pub struct ProductVariantsPayload {
    /// The product after the change.
    pub product: Option<Product>,
    /// The created or changed variants.
    pub product_variants: Option<Vec<ProductVariant>>,
    /// Why the input was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

fn to_domain(input: ProductInput) -> DomainProduct {
    let (seo_title, seo_description) = SeoInput::split(input.seo);
    DomainProduct {
        title: input.title,
        handle: input.handle,
        description_html: input.description_html.map(|html| html.0),
        vendor: input.vendor,
        product_type: input.product_type,
        tags: input.tags,
        status: input.status.map(Into::into),
        seo_title,
        seo_description,
        options: input.options,
        variants: input
            .variants
            .map(|variants| variants.into_iter().map(variant_to_domain).collect()),
        images: input.images.map(|images| {
            images
                .into_iter()
                .map(|i| DomainImage {
                    url: i.url,
                    alt_text: i.alt_text,
                    width: i.width,
                    height: i.height,
                })
                .collect()
        }),
        search_pin: match input.search_pin {
            MaybeUndefined::Undefined => None,
            MaybeUndefined::Null => Some(None),
            MaybeUndefined::Value(pin) => Some(Some(pin)),
        },
    }
}

fn variant_to_domain(input: ProductVariantInput) -> DomainVariant {
    DomainVariant {
        id: input
            .id
            .and_then(|id| ids::decode(GidKind::ProductVariant, &id)),
        sku: input.sku,
        price: input.price.map(|p| p.0),
        compare_at_price: input.compare_at_price.map(|p| p.0),
        options: input.options,
        inventory_quantity: input.inventory_quantity.map(i64::from),
        requires_shipping: input.requires_shipping,
    }
}

#[Object]
impl AdminProductMutation {
    /// Creates a product with options, variants (and their stock) and images.
    async fn product_create(
        &self,
        ctx: &Context<'_>,
        input: ProductInput,
    ) -> async_graphql::Result<ProductPayload> {
        let store = context::admin_store(ctx)?;
        let input = to_domain(input);
        let result = context::write(ctx, async |tx| {
            product_write::create_product(tx, store, input).await
        })
        .await;
        product_payload(ctx, result).await
    }

    /// Changes a product's fields, tags or images.
    async fn product_update(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: ProductInput,
    ) -> async_graphql::Result<ProductPayload> {
        let store = context::admin_store(ctx)?;
        let result = async {
            let product_id = decode_id(GidKind::Product, &id, &["id"])?;
            let input = to_domain(input);
            context::write(ctx, async |tx| {
                product_write::update_product(tx, store, product_id, input).await
            })
            .await
        };
        product_payload(ctx, result.await).await
    }

    /// Deletes a product with its variants, images and stock.
    async fn product_delete(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<ProductDeletePayload> {
        let store = context::admin_store(ctx)?;
        let result = async {
            let product_id = decode_id(GidKind::Product, &id, &["id"])?;
            context::write(ctx, async |tx| {
                product_write::delete_product(tx, store, product_id).await
            })
            .await
        };
        let (deleted, user_errors) = with_user_errors(result.await)?;
        Ok(ProductDeletePayload {
            deleted_product_id: deleted.map(|_| id),
            user_errors,
        })
    }

    /// Adds variants to a product.
    async fn product_variants_bulk_create(
        &self,
        ctx: &Context<'_>,
        product_id: ID,
        variants: Vec<ProductVariantInput>,
    ) -> async_graphql::Result<ProductVariantsPayload> {
        let store = context::admin_store(ctx)?;
        let variants = variants.into_iter().map(variant_to_domain).collect();
        let result = async {
            let product_id = decode_id(GidKind::Product, &product_id, &["productId"])?;
            let created = context::write(ctx, async |tx| {
                variant_write::bulk_create_variants(tx, store, product_id, variants).await
            })
            .await?;
            Ok((product_id, created))
        };
        variants_payload(ctx, result.await).await
    }

    /// Changes variants of a product.
    async fn product_variants_bulk_update(
        &self,
        ctx: &Context<'_>,
        product_id: ID,
        variants: Vec<ProductVariantInput>,
    ) -> async_graphql::Result<ProductVariantsPayload> {
        let store = context::admin_store(ctx)?;
        let variants = variants.into_iter().map(variant_to_domain).collect();
        let result = async {
            let product_id = decode_id(GidKind::Product, &product_id, &["productId"])?;
            let updated = context::write(ctx, async |tx| {
                variant_write::bulk_update_variants(tx, store, product_id, variants).await
            })
            .await?;
            Ok((product_id, updated))
        };
        variants_payload(ctx, result.await).await
    }

    /// Removes variants from a product (one always remains).
    async fn product_variants_bulk_delete(
        &self,
        ctx: &Context<'_>,
        product_id: ID,
        variants_ids: Vec<ID>,
    ) -> async_graphql::Result<ProductVariantsPayload> {
        let store = context::admin_store(ctx)?;
        let result = async {
            let product_id = decode_id(GidKind::Product, &product_id, &["productId"])?;
            let variant_ids = decode_ids(GidKind::ProductVariant, &variants_ids, "variantsIds")?;
            context::write(ctx, async |tx| {
                variant_write::bulk_delete_variants(tx, store, product_id, &variant_ids).await
            })
            .await?;
            Ok((product_id, Vec::new()))
        };
        variants_payload(ctx, result.await).await
    }
}

async fn product_payload(
    ctx: &Context<'_>,
    result: Result<entities::product::Model>,
) -> async_graphql::Result<ProductPayload> {
    let (product, user_errors) = with_user_errors(result)?;
    let parts = Parts::of_product(&ctx.look_ahead().field("product"));
    prefetch::products(ctx, product.as_slice(), parts).await?;
    Ok(ProductPayload {
        product: product.map(|model| Product::new(ctx, model)),
        user_errors,
    })
}

async fn variants_payload(
    ctx: &Context<'_>,
    result: Result<(Uuid, Vec<entities::product_variant::Model>)>,
) -> async_graphql::Result<ProductVariantsPayload> {
    let (done, user_errors) = with_user_errors(result)?;
    let Some((product_id, variants)) = done else {
        return Ok(ProductVariantsPayload {
            product: None,
            product_variants: None,
            user_errors,
        });
    };
    let (db, store) = (context::db(ctx), context::admin_store(ctx)?);
    let product = product_read::find_product(
        db,
        store,
        context::visibility(ctx),
        product_read::ProductKey::Id(product_id),
    )
    .await
    .gql()?;
    let selection = ctx.look_ahead();
    let parts = Parts::of_product(&selection.field("product"));
    prefetch::products(ctx, product.as_slice(), parts).await?;
    prefetch::variants(ctx, &variants, &selection.field("productVariants")).await?;
    let options = context::loaders(ctx)
        .options_by_product
        .load_one(product_id)
        .await?
        .unwrap_or_default();
    let names: Vec<String> = options.into_iter().map(|(option, _)| option.name).collect();
    Ok(ProductVariantsPayload {
        product: product.map(|model| Product::new(ctx, model)),
        product_variants: Some(
            variants
                .into_iter()
                .map(|v| ProductVariant::new(ctx, v, names.clone()))
                .collect(),
        ),
        user_errors,
    })
}
