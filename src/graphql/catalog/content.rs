//! The storefront `Page`, `Menu` and `MenuItem`.

use async_graphql::{Enum, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entities::{menu, page};

use super::media::Seo;
use crate::catalog::content::{MenuItem as DomainMenuItem, menu_items};
use crate::catalog::html::html_to_text;
use crate::graphql::scalars::{Html, Url};
use crate::ids::{self, GidKind};

/// A content page such as About.
pub struct Page(pub page::Model);

#[Object]
impl Page {
    /// A globally unique ID.
    pub async fn id(&self) -> ID {
        ID(ids::encode(GidKind::Page, self.0.id))
    }
    /// The URL-safe unique name of the page in the store.
    async fn handle(&self) -> &str {
        &self.0.handle
    }
    /// The page's title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// The page's content as HTML.
    async fn body(&self) -> Html {
        Html(self.0.body_html.clone())
    }
    /// The start of the page's content as plain text.
    async fn body_summary(&self) -> String {
        html_to_text(&self.0.body_html).chars().take(150).collect()
    }
    /// Search-engine title and description.
    async fn seo(&self) -> Seo {
        Seo {
            title: self.0.seo_title.clone(),
            description: self.0.seo_description.clone(),
        }
    }
    /// When the page was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the page was last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// A navigation menu.
pub struct Menu(pub menu::Model);

#[Object]
impl Menu {
    /// A globally unique ID.
    async fn id(&self) -> ID {
        ID(ids::encode(GidKind::Menu, self.0.id))
    }
    /// The menu's handle, such as `main-menu`.
    async fn handle(&self) -> &str {
        &self.0.handle
    }
    /// The menu's title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// The top-level items.
    async fn items(&self) -> Vec<MenuItem> {
        menu_items(&self.0)
            .into_iter()
            .map(MenuItem::from)
            .collect()
    }
    /// How many items the menu holds at every level.
    async fn items_count(&self) -> i32 {
        fn count(items: &[DomainMenuItem]) -> i32 {
            items.iter().map(|item| 1 + count(&item.items)).sum()
        }
        count(&menu_items(&self.0))
    }
}

/// The kind of a menu link.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum MenuItemType {
    /// An article link.
    Article,
    /// A blog link.
    Blog,
    /// A catalog link.
    Catalog,
    /// A collection link.
    Collection,
    /// A collections link.
    Collections,
    /// A customer account page link.
    CustomerAccountPage,
    /// A frontpage link.
    Frontpage,
    /// An http link.
    Http,
    /// A metaobject page link.
    Metaobject,
    /// A page link.
    Page,
    /// A product link.
    Product,
    /// A search link.
    Search,
    /// A shop policy link.
    ShopPolicy,
}

/// An entry of a menu.
#[derive(SimpleObject)]
pub struct MenuItem {
    /// A globally unique ID.
    pub id: ID,
    /// The text shown.
    pub title: String,
    /// Where the item links to.
    pub url: Option<Url>,
    /// The kind of link: what `resourceId` names, or `HTTP`.
    #[graphql(name = "type")]
    pub kind: MenuItemType,
    /// The global ID of what the item links to, when it is something of the store.
    pub resource_id: Option<ID>,
    /// The item's tags.
    pub tags: Vec<String>,
    /// Nested items.
    pub items: Vec<MenuItem>,
}

impl From<DomainMenuItem> for MenuItem {
    fn from(item: DomainMenuItem) -> Self {
        MenuItem {
            id: ID(ids::encode(GidKind::MenuItem, item.id)),
            title: item.title,
            url: Some(Url(item.url)),
            kind: kind_of(item.resource_id.as_deref()),
            resource_id: item.resource_id.map(ID),
            tags: item.tags,
            items: item.items.into_iter().map(MenuItem::from).collect(),
        }
    }
}

/// The kind of link a resource makes.
fn kind_of(resource: Option<&str>) -> MenuItemType {
    match resource.and_then(ids::decode_any).map(|(kind, _)| kind) {
        Some(GidKind::Collection) => MenuItemType::Collection,
        Some(GidKind::Product) => MenuItemType::Product,
        Some(GidKind::Page) => MenuItemType::Page,
        Some(GidKind::Blog) => MenuItemType::Blog,
        Some(GidKind::Article) => MenuItemType::Article,
        Some(GidKind::ShopPolicy) => MenuItemType::ShopPolicy,
        _ => MenuItemType::Http,
    }
}
