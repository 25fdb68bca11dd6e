//! The `Node` interface and its resolution from a global ID.

use async_graphql::{Context, ID, Interface};

use super::collection::Collection;
use super::content::Page;
use super::context;
use super::errors::GqlResult;
use super::loaders::Loaders;
use super::product::Product;
use super::variant::ProductVariant;
use crate::catalog::content;
use crate::ids::{self, GidKind};

/// An object with a globally unique ID.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "A globally unique ID."))]
pub enum Node {
    Product(Product),
    ProductVariant(ProductVariant),
    Collection(Collection),
    Page(Page),
}

/// The object a global ID names, if the caller may see it.
pub async fn resolve(ctx: &Context<'_>, id: &str) -> async_graphql::Result<Option<Node>> {
    let Some((kind, uuid)) = ids::decode_any(id) else {
        return Ok(None);
    };
    let loaders = ctx.data_unchecked::<Loaders>();
    Ok(match kind {
        GidKind::Product => loaders
            .product_by_id
            .load_one(uuid)
            .await?
            .map(|p| Node::Product(Product(p))),
        GidKind::ProductVariant => match loaders.variant_by_id.load_one(uuid).await? {
            Some(variant) => {
                let visible = loaders
                    .product_by_id
                    .load_one(variant.product_id)
                    .await?
                    .is_some();
                let options = loaders
                    .options_by_product
                    .load_one(variant.product_id)
                    .await?
                    .unwrap_or_default();
                let names = options.into_iter().map(|(option, _)| option.name).collect();
                visible.then(|| Node::ProductVariant(ProductVariant::new(variant, names)))
            }
            None => None,
        },
        GidKind::Collection => loaders
            .collection_by_id
            .load_one(uuid)
            .await?
            .map(|c| Node::Collection(Collection(c))),
        GidKind::Page => content::find_page_by_id(context::db(ctx), context::store(ctx), uuid)
            .await
            .gql()?
            .map(|p| Node::Page(Page(p))),
        _ => None,
    })
}
