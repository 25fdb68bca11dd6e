//! Admin mutations for online-store content: menus and pages. Every field starts with
//! `admin_store`, so without the store's admin token nothing here runs.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

use super::content::{Menu, Page};
use crate::catalog::content::{self, MenuItem as DomainMenuItem, PageInput as DomainPage};
use crate::error::Result;
use crate::graphql::context;
use crate::graphql::errors::{UserError, with_user_errors};
use crate::graphql::inputs::{SeoInput, decode_id};
use crate::graphql::scalars::Html;
use crate::ids::GidKind;

#[derive(Default)]
pub struct AdminContentMutation;

/// A menu entry to store.
#[derive(InputObject)]
pub struct MenuItemInput {
    /// The text shown.
    pub title: String,
    /// Where the item links to.
    pub url: String,
    /// The global ID of what the item links to, when it is something of the store.
    pub resource_id: Option<ID>,
    /// The item's tags.
    pub tags: Option<Vec<String>>,
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
    pub seo: Option<SeoInput>,
}

/// The result of a page mutation.
#[derive(SimpleObject)]
pub struct PagePayload {
    /// The page, unless the input was refused.
    pub page: Option<Page>,
    /// Why the input was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

#[Object]
impl AdminContentMutation {
    /// Creates or replaces the menu with this handle.
    async fn menu_upsert(
        &self,
        ctx: &Context<'_>,
        handle: String,
        title: String,
        items: Vec<MenuItemInput>,
    ) -> async_graphql::Result<MenuPayload> {
        let store = context::admin_store(ctx)?;
        let items = menu_items(items);
        let result = context::write(ctx, async |tx| {
            content::upsert_menu(tx, store, &handle, &title, items).await
        })
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
        let input = to_domain(input);
        let result =
            context::write(ctx, async |tx| content::create_page(tx, store, input).await).await;
        page_payload(result)
    }

    /// Changes a page.
    async fn page_update(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: PageInput,
    ) -> async_graphql::Result<PagePayload> {
        let store = context::admin_store(ctx)?;
        let result = async {
            let page_id = decode_id(GidKind::Page, &id, &["id"])?;
            let input = to_domain(input);
            context::write(ctx, async |tx| {
                content::update_page(tx, store, page_id, input).await
            })
            .await
        };
        page_payload(result.await)
    }
}

fn menu_items(items: Vec<MenuItemInput>) -> Vec<DomainMenuItem> {
    items
        .into_iter()
        .map(|item| DomainMenuItem {
            id: uuid::Uuid::now_v7(),
            title: item.title,
            url: item.url,
            resource_id: item.resource_id.map(|id| id.0),
            tags: item.tags.unwrap_or_default(),
            items: menu_items(item.items.unwrap_or_default()),
        })
        .collect()
}

fn to_domain(input: PageInput) -> DomainPage {
    let (seo_title, seo_description) = SeoInput::split(input.seo);
    DomainPage {
        title: input.title,
        handle: input.handle,
        body_html: input.body.map(|body| body.0),
        seo_title,
        seo_description,
    }
}

fn page_payload(result: Result<entities::page::Model>) -> async_graphql::Result<PagePayload> {
    let (page, user_errors) = with_user_errors(result)?;
    Ok(PagePayload {
        page: page.map(Page),
        user_errors,
    })
}
