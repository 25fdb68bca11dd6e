//! Admin mutations for stock, collections, menus, pages and the store itself. Every field starts
//! with `admin_store`, so without the store's admin token nothing here runs.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

use super::collection::Collection;
use super::content::{Menu, Page};
use super::context;
use super::errors::{UserError, with_user_errors};
use super::scalars::Html;
use crate::catalog::collections::{self, CollectionInput as DomainCollection};
use crate::catalog::content::{
    self as domain_content, MenuItem as DomainMenuItem, PageInput as DomainPage,
};
use crate::error::{AppError, InputErrorCode, Result};
use crate::ids::{self, GidKind};
use crate::inventory::{self, QuantityChange};
use crate::stores::{self, StoreInput};
use crate::tenancy;

#[derive(Default)]
pub struct AdminCatalogMutation;

/// A variant and a quantity (absolute for set, a delta for adjust).
#[derive(InputObject)]
pub struct InventoryQuantityInput {
    /// The variant whose stock changes.
    pub variant_id: ID,
    /// The quantity: units on hand (set) or units to add, negative to remove (adjust).
    pub quantity: i32,
}

/// A stock level after a change.
#[derive(SimpleObject)]
pub struct InventoryChange {
    /// The variant.
    pub variant_id: ID,
    /// Units on hand after the change.
    pub on_hand: i32,
    /// Units reserved by carts.
    pub reserved: i32,
    /// Units available to sell.
    pub available: i32,
}

/// The result of a stock mutation.
#[derive(SimpleObject)]
pub struct InventoryPayload {
    /// The levels after the change.
    pub inventory_levels: Option<Vec<InventoryChange>>,
    /// Why the input was refused (nothing changed then); empty on success.
    pub user_errors: Vec<UserError>,
}

/// Fields of a collection.
#[derive(InputObject, Default)]
pub struct CollectionInput {
    /// The collection's name.
    pub title: Option<String>,
    /// The handle; derived from the title when absent.
    pub handle: Option<String>,
    /// The description as HTML.
    pub description_html: Option<Html>,
    /// The collection's image.
    pub image: Option<CollectionImageInput>,
    /// Search-engine title and description.
    pub seo: Option<super::admin_products::SeoInput>,
    /// Products to include on creation, in order.
    pub products: Option<Vec<ID>>,
}

/// The image of a collection.
#[derive(InputObject, Default)]
pub struct CollectionImageInput {
    /// An absolute URL.
    pub url: String,
    /// Text for screen readers.
    pub alt_text: Option<String>,
}

/// The result of a collection mutation.
#[derive(SimpleObject)]
pub struct CollectionPayload {
    /// The collection, unless the input was refused.
    pub collection: Option<Collection>,
    /// Why the input was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The result of `collectionDelete`.
#[derive(SimpleObject)]
pub struct CollectionDeletePayload {
    /// The deleted collection's ID.
    pub deleted_collection_id: Option<ID>,
    /// Why the input was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// A menu entry to store.
#[derive(InputObject)]
pub struct MenuItemInput {
    /// The text shown.
    pub title: String,
    /// Where the item links to.
    pub url: String,
    /// Nested items.
    pub items: Option<Vec<MenuItemInput>>,
}

/// The result of `menuUpsert`.
#[derive(SimpleObject)]
pub struct MenuPayload {
    /// The menu, unless the input was refused.
    pub menu: Option<Menu>,
    /// Why the input was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// Fields of a page.
#[derive(InputObject, Default)]
pub struct PageInput {
    /// The page's title.
    pub title: Option<String>,
    /// The handle; derived from the title when absent.
    pub handle: Option<String>,
    /// The content as HTML.
    pub body: Option<Html>,
    /// Search-engine title and description.
    pub seo: Option<super::admin_products::SeoInput>,
}

/// The result of a page mutation.
#[derive(SimpleObject)]
pub struct PagePayload {
    /// The page, unless the input was refused.
    pub page: Option<Page>,
    /// Why the input was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// Fields of the store.
#[derive(InputObject, Default)]
pub struct StoreUpdateInput {
    /// The store's name.
    pub name: Option<String>,
    /// The store's primary domain.
    pub domain: Option<String>,
    /// The store's currency (ISO 4217).
    pub currency_code: Option<String>,
    /// A description of the store.
    pub description: Option<String>,
}

/// The result of `storeUpdate`.
#[derive(SimpleObject)]
pub struct StorePayload {
    /// The store after the change.
    pub shop: Option<super::shop::Shop>,
    /// Why the input was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

fn decode(kind: GidKind, id: &ID, field: &[&str]) -> Result<uuid::Uuid> {
    ids::decode(kind, id)
        .ok_or_else(|| AppError::invalid(field, InputErrorCode::NotFound, "no object with this id"))
}

fn decode_all(kind: GidKind, list: &[ID], field: &str) -> Result<Vec<uuid::Uuid>> {
    list.iter()
        .enumerate()
        .map(|(i, id)| decode(kind, id, &[field, &i.to_string()]))
        .collect()
}

fn quantity_changes(quantities: &[InventoryQuantityInput]) -> Result<Vec<QuantityChange>> {
    quantities
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let at = i.to_string();
            let variant_id = decode(
                GidKind::ProductVariant,
                &q.variant_id,
                &["quantities", &at, "variantId"],
            )?;
            Ok(QuantityChange {
                variant_id,
                quantity: i64::from(q.quantity),
            })
        })
        .collect()
}

fn inventory_payload(
    result: Result<Vec<entities::inventory_level::Model>>,
) -> async_graphql::Result<InventoryPayload> {
    let clamp = |v: i64| i32::try_from(v).unwrap_or(i32::MAX);
    let (levels, user_errors) = with_user_errors(result)?;
    Ok(InventoryPayload {
        inventory_levels: levels.map(|levels| {
            levels
                .into_iter()
                .map(|level| InventoryChange {
                    variant_id: ID(ids::encode(GidKind::ProductVariant, level.variant_id)),
                    on_hand: clamp(level.on_hand),
                    reserved: clamp(level.reserved),
                    available: clamp((level.on_hand - level.reserved).max(0)),
                })
                .collect()
        }),
        user_errors,
    })
}

fn collection_to_domain(input: CollectionInput) -> Result<DomainCollection> {
    let products = input
        .products
        .as_deref()
        .map(|p| decode_all(GidKind::Product, p, "products"))
        .transpose()?;
    let (seo_title, seo_description) = input
        .seo
        .map_or((None, None), |seo| (seo.title, seo.description));
    let (image_url, image_alt) = input
        .image
        .map_or((None, None), |image| (Some(image.url), image.alt_text));
    Ok(DomainCollection {
        title: input.title,
        handle: input.handle,
        description_html: input.description_html.map(|h| h.0),
        image_url,
        image_alt,
        seo_title,
        seo_description,
        products,
    })
}

fn menu_items(items: Vec<MenuItemInput>) -> Vec<DomainMenuItem> {
    items
        .into_iter()
        .map(|item| DomainMenuItem {
            id: uuid::Uuid::now_v7(),
            title: item.title,
            url: item.url,
            items: menu_items(item.items.unwrap_or_default()),
        })
        .collect()
}

fn page_to_domain(input: PageInput) -> DomainPage {
    let (seo_title, seo_description) = input
        .seo
        .map_or((None, None), |seo| (seo.title, seo.description));
    DomainPage {
        title: input.title,
        handle: input.handle,
        body_html: input.body.map(|b| b.0),
        seo_title,
        seo_description,
    }
}

fn collection_payload(
    result: Result<entities::collection::Model>,
) -> async_graphql::Result<CollectionPayload> {
    let (collection, user_errors) = with_user_errors(result)?;
    Ok(CollectionPayload {
        collection: collection.map(Collection),
        user_errors,
    })
}

fn page_payload(result: Result<entities::page::Model>) -> async_graphql::Result<PagePayload> {
    let (page, user_errors) = with_user_errors(result)?;
    Ok(PagePayload {
        page: page.map(Page),
        user_errors,
    })
}

#[Object]
impl AdminCatalogMutation {
    /// Sets units on hand (a stock count); every change is written to the stock ledger.
    async fn inventory_set_quantities(
        &self,
        ctx: &Context<'_>,
        quantities: Vec<InventoryQuantityInput>,
        reason: Option<String>,
    ) -> async_graphql::Result<InventoryPayload> {
        let store = context::admin_store(ctx)?;
        let reason = reason.unwrap_or_else(|| "correction".into());
        let result = match quantity_changes(&quantities) {
            Ok(changes) => {
                inventory::set_quantities(context::db(ctx), store, &changes, &reason).await
            }
            Err(err) => Err(err),
        };
        inventory_payload(result)
    }

    /// Adds or removes units on hand; a change below zero refuses the whole request.
    async fn inventory_adjust_quantities(
        &self,
        ctx: &Context<'_>,
        changes: Vec<InventoryQuantityInput>,
        reason: Option<String>,
    ) -> async_graphql::Result<InventoryPayload> {
        let store = context::admin_store(ctx)?;
        let reason = reason.unwrap_or_else(|| "correction".into());
        let result = match quantity_changes(&changes) {
            Ok(changes) => {
                inventory::adjust_quantities(context::db(ctx), store, &changes, &reason).await
            }
            Err(err) => Err(err),
        };
        inventory_payload(result)
    }

    /// Creates a collection, optionally with products.
    async fn collection_create(
        &self,
        ctx: &Context<'_>,
        input: CollectionInput,
    ) -> async_graphql::Result<CollectionPayload> {
        let store = context::admin_store(ctx)?;
        let result = match collection_to_domain(input) {
            Ok(input) => collections::create_collection(context::db(ctx), store, input).await,
            Err(err) => Err(err),
        };
        collection_payload(result)
    }

    /// Changes a collection's fields.
    async fn collection_update(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: CollectionInput,
    ) -> async_graphql::Result<CollectionPayload> {
        let store = context::admin_store(ctx)?;
        let result = match (
            decode(GidKind::Collection, &id, &["id"]),
            collection_to_domain(input),
        ) {
            (Ok(uuid), Ok(input)) => {
                collections::update_collection(context::db(ctx), store, uuid, input).await
            }
            (Err(err), _) | (_, Err(err)) => Err(err),
        };
        collection_payload(result)
    }

    /// Deletes a collection (its products stay).
    async fn collection_delete(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<CollectionDeletePayload> {
        let store = context::admin_store(ctx)?;
        let result = match decode(GidKind::Collection, &id, &["id"]) {
            Ok(uuid) => collections::delete_collection(context::db(ctx), store, uuid).await,
            Err(err) => Err(err),
        };
        let (deleted, user_errors) = with_user_errors(result)?;
        Ok(CollectionDeletePayload {
            deleted_collection_id: deleted.map(|_| id),
            user_errors,
        })
    }

    /// Appends products to a collection.
    async fn collection_add_products(
        &self,
        ctx: &Context<'_>,
        id: ID,
        product_ids: Vec<ID>,
    ) -> async_graphql::Result<CollectionPayload> {
        let store = context::admin_store(ctx)?;
        let result = match (
            decode(GidKind::Collection, &id, &["id"]),
            decode_all(GidKind::Product, &product_ids, "productIds"),
        ) {
            (Ok(uuid), Ok(products)) => {
                collections::add_products(context::db(ctx), store, uuid, &products).await
            }
            (Err(err), _) | (_, Err(err)) => Err(err),
        };
        collection_payload(result)
    }

    /// Removes products from a collection.
    async fn collection_remove_products(
        &self,
        ctx: &Context<'_>,
        id: ID,
        product_ids: Vec<ID>,
    ) -> async_graphql::Result<CollectionPayload> {
        let store = context::admin_store(ctx)?;
        let result = match (
            decode(GidKind::Collection, &id, &["id"]),
            decode_all(GidKind::Product, &product_ids, "productIds"),
        ) {
            (Ok(uuid), Ok(products)) => {
                collections::remove_products(context::db(ctx), store, uuid, &products).await
            }
            (Err(err), _) | (_, Err(err)) => Err(err),
        };
        collection_payload(result)
    }

    /// Creates or replaces the menu with this handle.
    async fn menu_upsert(
        &self,
        ctx: &Context<'_>,
        handle: String,
        title: String,
        items: Vec<MenuItemInput>,
    ) -> async_graphql::Result<MenuPayload> {
        let store = context::admin_store(ctx)?;
        let result = domain_content::upsert_menu(
            context::db(ctx),
            store,
            &handle,
            &title,
            menu_items(items),
        )
        .await;
        let (menu, user_errors) = with_user_errors(result)?;
        Ok(MenuPayload {
            menu: menu.map(Menu),
            user_errors,
        })
    }

    /// Creates a page.
    async fn page_create(
        &self,
        ctx: &Context<'_>,
        input: PageInput,
    ) -> async_graphql::Result<PagePayload> {
        let store = context::admin_store(ctx)?;
        page_payload(
            domain_content::create_page(context::db(ctx), store, page_to_domain(input)).await,
        )
    }

    /// Changes a page.
    async fn page_update(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: PageInput,
    ) -> async_graphql::Result<PagePayload> {
        let store = context::admin_store(ctx)?;
        let result = match decode(GidKind::Page, &id, &["id"]) {
            Ok(uuid) => {
                domain_content::update_page(context::db(ctx), store, uuid, page_to_domain(input))
                    .await
            }
            Err(err) => Err(err),
        };
        page_payload(result)
    }

    /// Changes the store's name, domain, currency or description.
    async fn store_update(
        &self,
        ctx: &Context<'_>,
        input: StoreUpdateInput,
    ) -> async_graphql::Result<StorePayload> {
        let store = context::admin_store(ctx)?;
        let change = StoreInput {
            name: input.name,
            domain: input.domain,
            currency: input.currency_code,
            description: input.description,
        };
        let result = stores::update_store(context::db(ctx), store, change).await;
        if let Ok(updated) = &result {
            tenancy::forget_store(&context::state(ctx).cache, store, updated).await;
        }
        let (updated, user_errors) = with_user_errors(result)?;
        Ok(StorePayload {
            shop: updated.map(super::shop::Shop::new),
            user_errors,
        })
    }
}
