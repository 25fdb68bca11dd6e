//! The `Node` interface and the resolution of global IDs. IDs are grouped by kind and each kind
//! is loaded in one call, so `nodes` costs a fixed number of queries however many IDs it names;
//! an ID that is malformed, of an unknown kind or of another store resolves to `null`.

use std::collections::HashMap;

use async_graphql::{Context, ID, Interface};
use uuid::Uuid;

use super::catalog::blogs::{Article, Blog};
use super::catalog::collection::Collection;
use super::catalog::content::Page;
use super::catalog::prefetch::{self, Parts};
use super::catalog::product::Product;
use super::catalog::variant::ProductVariant;
use super::context;
use super::errors::GqlResult;
use super::loaders::present;
use crate::catalog::{blogs, content};
use crate::ids::{self, GidKind};

/// An object with a globally unique ID.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "A globally unique ID."))]
pub enum Node {
    Product(Product),
    ProductVariant(ProductVariant),
    Collection(Collection),
    Page(Page),
    Blog(Blog),
    Article(Article),
}

/// The objects these global IDs name, in order, `None` where the caller may see none.
pub async fn resolve_all(
    ctx: &Context<'_>,
    gids: &[ID],
) -> async_graphql::Result<Vec<Option<Node>>> {
    let decoded: Vec<Option<(GidKind, Uuid)>> = gids.iter().map(|id| ids::decode_any(id)).collect();
    let of_kind = |kind: GidKind| -> Vec<Uuid> {
        decoded
            .iter()
            .flatten()
            .filter(|(k, _)| *k == kind)
            .map(|(_, id)| *id)
            .collect()
    };
    let loaders = context::loaders(ctx);
    let selection = ctx.look_ahead();
    let products = present(
        loaders
            .product_by_id
            .load_many(of_kind(GidKind::Product))
            .await?,
    );
    let found: Vec<_> = products.values().cloned().collect();
    prefetch::products(ctx, &found, Parts::of_product(&selection)).await?;
    let variants = present(
        loaders
            .variant_by_id
            .load_many(of_kind(GidKind::ProductVariant))
            .await?,
    );
    let variant_models: Vec<_> = variants.values().cloned().collect();
    prefetch::variants(ctx, &variant_models, &selection).await?;
    let collections = present(
        loaders
            .collection_by_id
            .load_many(of_kind(GidKind::Collection))
            .await?,
    );
    let pages = pages(ctx, &of_kind(GidKind::Page)).await?;
    let (db, store) = (context::db(ctx), context::store(ctx));
    let blogs = by_id(
        blogs::blogs_by_ids(db, store, &of_kind(GidKind::Blog))
            .await
            .gql()?,
        |blog| blog.id,
    );
    let articles = by_id(
        blogs::articles_by_ids(db, store, &of_kind(GidKind::Article))
            .await
            .gql()?,
        |article| article.id,
    );
    let mut nodes = Vec::with_capacity(decoded.len());
    for entry in decoded {
        let node = match entry {
            Some((GidKind::Product, id)) => products
                .get(&id)
                .cloned()
                .map(|p| Node::Product(Product::new(ctx, p))),
            Some((GidKind::ProductVariant, id)) => match variants.get(&id) {
                Some(variant) => visible_variant(ctx, variant.clone()).await?,
                None => None,
            },
            Some((GidKind::Collection, id)) => collections
                .get(&id)
                .cloned()
                .map(|c| Node::Collection(Collection::new(ctx, c))),
            Some((GidKind::Page, id)) => pages.get(&id).cloned().map(|p| Node::Page(Page(p))),
            Some((GidKind::Blog, id)) => blogs.get(&id).cloned().map(|b| Node::Blog(Blog(b))),
            Some((GidKind::Article, id)) => articles
                .get(&id)
                .cloned()
                .map(|a| Node::Article(Article(a))),
            _ => None,
        };
        nodes.push(node);
    }
    Ok(nodes)
}

/// A variant as a node, if its product is visible to the caller (read from the loader cache
/// `prefetch::variants` filled).
async fn visible_variant(
    ctx: &Context<'_>,
    variant: entities::product_variant::Model,
) -> async_graphql::Result<Option<Node>> {
    let loaders = context::loaders(ctx);
    if loaders
        .product_by_id
        .load_one(variant.product_id)
        .await?
        .is_none()
    {
        return Ok(None);
    }
    Ok(Some(Node::ProductVariant(
        ProductVariant::loaded(ctx, variant).await?,
    )))
}

async fn pages(
    ctx: &Context<'_>,
    ids: &[Uuid],
) -> async_graphql::Result<HashMap<Uuid, entities::page::Model>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let found = content::pages_by_ids(context::db(ctx), context::store(ctx), ids)
        .await
        .gql()?;
    Ok(found.into_iter().map(|page| (page.id, page)).collect())
}

fn by_id<T>(rows: Vec<T>, id_of: impl Fn(&T) -> Uuid) -> HashMap<Uuid, T> {
    rows.into_iter().map(|row| (id_of(&row), row)).collect()
}
