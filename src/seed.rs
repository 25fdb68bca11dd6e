//! The demo store behind `vitrine seed --demo` and the first start on the embedded default: about
//! fifty products (generated in `products`), collections, menus and pages. It owns
//! only the demo data and goes through the same domain functions as the admin API. It must not
//! write tables directly or skip validation. It runs in the caller's transaction, so a failed seed
//! leaves no half-filled store.

mod content;
mod products;

use sea_orm::ConnectionTrait;
use uuid::Uuid;

use self::products::{DemoProduct, demo_products, picsum_image};
use crate::catalog::collections::{CollectionInput, create_collection};
use crate::catalog::content::{MenuItem, PageInput, create_page, upsert_menu};
use crate::catalog::handle;
use crate::catalog::product_write::create_product;
use crate::error::{AppError, Result};
use crate::ids::{self, GidKind};
use crate::money::CurrencyCode;
use crate::stores::{self, CreatedStore, Store};

/// A manual collection and the rule that picks its products from the demo catalog.
struct DemoCollection {
    title: &'static str,
    blurb: &'static str,
    includes: fn(usize, &DemoProduct) -> bool,
}

fn on_frontpage(index: usize, _: &DemoProduct) -> bool {
    index % 4 == 2 // twelve products, spread over every line
}

fn is_apparel(_: usize, product: &DemoProduct) -> bool {
    matches!(product.product_type, "Tees" | "Hoodies" | "Socks")
}

fn is_accessory(_: usize, product: &DemoProduct) -> bool {
    ["Headwear", "Mugs", "Bags", "Posters"].contains(&product.product_type)
}

fn is_footwear(_: usize, product: &DemoProduct) -> bool {
    product.product_type == "Shoes"
}

fn is_sale(_: usize, product: &DemoProduct) -> bool {
    product.tags.contains(&"sale")
}

#[rustfmt::skip]
const COLLECTIONS: [DemoCollection; 5] = [
    DemoCollection { title: "Frontpage", blurb: "Our favourites this season.", includes: on_frontpage },
    DemoCollection { title: "Apparel", blurb: "Tees, hoodies and socks for every day.", includes: is_apparel },
    DemoCollection { title: "Accessories", blurb: "Caps, mugs, bags and prints.", includes: is_accessory },
    DemoCollection { title: "Footwear", blurb: "Sneakers made for long walks.", includes: is_footwear },
    DemoCollection { title: "Sale", blurb: "Marked down while stock lasts.", includes: is_sale },
];

#[rustfmt::skip]
const PAGES: [(&str, &str, &str); 2] = [
    ("About", "about", "<p>Vitrine Demo is a sample store that shows what Vitrine can do. Nothing here is for sale.</p>"),
    ("Shipping & returns", "shipping-returns", "<p>Orders ship within two business days. Unworn items can be returned within 30 days.</p>"),
];

const FOOTER_LINKS: [(&str, &str); 3] = [
    ("About", "/pages/about"),
    ("Shipping & returns", "/pages/shipping-returns"),
    ("Search", "/search"),
];

/// Creates the demo store (name "Vitrine Demo", the given domain, USD) and its catalog; returns the
/// store and its token secrets.
pub async fn seed_demo(tx: &impl ConnectionTrait, domain: &str) -> Result<CreatedStore> {
    let created = stores::create_store(tx, "Vitrine Demo", domain, "USD").await?;
    let store = stores::find_store(tx, created.store_id)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("demo store missing after creation")))?;
    let currency = CurrencyCode::parse(&store.currency)?;
    let products = demo_products();
    let mut product_ids = Vec::with_capacity(products.len());
    for product in &products {
        let model = create_product(tx, &store, product.clone().into_input(currency)).await?;
        product_ids.push(model.id);
    }
    let collection_links = create_collections(tx, &store, &products, &product_ids).await?;
    for (title, handle, body_html) in PAGES {
        let page = PageInput {
            title: Some(title.to_string()),
            handle: Some(handle.to_string()),
            body_html: Some(body_html.to_string()),
            ..PageInput::default()
        };
        create_page(tx, &store, page).await?;
    }
    let header = std::iter::once(menu_link("Home", "/".to_string()))
        .chain(collection_links)
        .collect();
    upsert_menu(tx, &store, "main-menu", "Main menu", header).await?;
    let footer = FOOTER_LINKS
        .iter()
        .map(|(title, url)| menu_link(title, url.to_string()))
        .collect();
    upsert_menu(tx, &store, "footer", "Footer", footer).await?;
    content::seed_content(tx, &store).await?;
    Ok(created)
}

/// Creates the demo collections and returns a menu link to each.
async fn create_collections(
    db: &impl ConnectionTrait,
    store: &Store,
    products: &[DemoProduct],
    product_ids: &[Uuid],
) -> Result<Vec<MenuItem>> {
    let mut links = Vec::with_capacity(COLLECTIONS.len());
    for collection in &COLLECTIONS {
        let members = products
            .iter()
            .zip(product_ids)
            .enumerate()
            .filter(|(index, (product, _))| (collection.includes)(*index, product))
            .map(|(_, (_, id))| *id)
            .collect();
        let handle = handle::from_title(collection.title);
        let image = picsum_image(&format!("collection-{handle}"), collection.title);
        let input = CollectionInput {
            title: Some(collection.title.to_string()),
            description_html: Some(format!("<p>{}</p>", collection.blurb)),
            image_url: Some(image.url),
            image_alt: image.alt_text,
            products: Some(members),
            ..CollectionInput::default()
        };
        let created = create_collection(db, store, input).await?;
        let mut link = menu_link(&created.title, format!("/collections/{}", created.handle));
        link.resource_id = Some(ids::encode(GidKind::Collection, created.id));
        links.push(link);
    }
    Ok(links)
}

fn menu_link(title: &str, url: String) -> MenuItem {
    MenuItem {
        id: Uuid::now_v7(),
        title: title.to_string(),
        url,
        resource_id: None,
        tags: vec![],
        items: vec![],
    }
}
