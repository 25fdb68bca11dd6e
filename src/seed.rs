//! The demo store behind `vitrine seed --demo` and the first start on the embedded default: about
//! fifty products (generated from the small tables below), collections, menus and pages. It owns
//! only the demo data and goes through the same domain functions as the admin API. It must not
//! write tables directly or skip validation. It runs in the caller's transaction, so a failed seed
//! leaves no half-filled store.

use sea_orm::ConnectionTrait;
use uuid::Uuid;

use crate::catalog::collections::{CollectionInput, create_collection};
use crate::catalog::content::{MenuItem, PageInput, create_page, upsert_menu};
use crate::catalog::handle;
use crate::catalog::product_input::{ImageInput, ProductInput, VariantInput};
use crate::catalog::product_write::create_product;
use crate::error::{AppError, Result};
use crate::money::{CurrencyCode, Money};
use crate::stores::{self, CreatedStore, Store};

/// How a product line's variants are laid out.
#[derive(Debug, Clone, Copy)]
enum Cut {
    /// Size × colour.
    Apparel,
    /// One size, sold in each colour of the colourway.
    ColorOnly,
    /// EU sizes, one colour.
    Shoes,
    /// No options: a single default variant.
    OneSize,
}

impl Cut {
    fn option_names(self) -> &'static [&'static str] {
        match self {
            Cut::Apparel => &["Size", "Color"],
            Cut::ColorOnly => &["Color"],
            Cut::Shoes => &["Size"],
            Cut::OneSize => &[],
        }
    }

    /// Option values of each variant, in the order of `option_names`.
    fn option_rows(self, colors: &[&str]) -> Vec<Vec<String>> {
        match self {
            Cut::Apparel => APPAREL_SIZES
                .iter()
                .flat_map(|size| {
                    colors
                        .iter()
                        .map(move |color| vec![size.to_string(), color.to_string()])
                })
                .collect(),
            Cut::ColorOnly => colors.iter().map(|color| vec![color.to_string()]).collect(),
            Cut::Shoes => SHOE_SIZES
                .iter()
                .map(|size| vec![size.to_string()])
                .collect(),
            Cut::OneSize => vec![vec![]],
        }
    }
}

/// A product line; every line is sold in every colourway.
struct Line {
    name: &'static str,
    sku_prefix: &'static str,
    product_type: &'static str,
    vendor: &'static str,
    tag: &'static str,
    cut: Cut,
    price_minor: i64,
    blurb: &'static str,
}

struct Colourway {
    name: &'static str,
    sku_code: &'static str,
    colors: &'static [&'static str],
    tag: &'static str,
}

const APPAREL_SIZES: [&str; 4] = ["S", "M", "L", "XL"];
const SHOE_SIZES: [&str; 5] = ["40", "41", "42", "43", "44"];

#[rustfmt::skip]
static LINES: [Line; 10] = [
    Line { name: "Classic Tee", sku_prefix: "CTEE", product_type: "Tees", vendor: "Vitrine Basics", tag: "essentials", cut: Cut::Apparel, price_minor: 2400, blurb: "A soft everyday tee in combed cotton." },
    Line { name: "Organic Tee", sku_prefix: "OTEE", product_type: "Tees", vendor: "Harbor & Pine", tag: "organic", cut: Cut::Apparel, price_minor: 2900, blurb: "Certified organic cotton with a relaxed fit." },
    Line { name: "Heavyweight Hoodie", sku_prefix: "HHOOD", product_type: "Hoodies", vendor: "North Loop", tag: "winter", cut: Cut::Apparel, price_minor: 5900, blurb: "Brushed fleece that keeps its shape." },
    Line { name: "Zip Hoodie", sku_prefix: "ZHOOD", product_type: "Hoodies", vendor: "Vitrine Basics", tag: "layering", cut: Cut::Apparel, price_minor: 6400, blurb: "A full-zip layer with deep pockets." },
    Line { name: "Dad Cap", sku_prefix: "DCAP", product_type: "Headwear", vendor: "North Loop", tag: "outdoor", cut: Cut::ColorOnly, price_minor: 2200, blurb: "Washed twill with an adjustable strap." },
    Line { name: "Stoneware Mug", sku_prefix: "SMUG", product_type: "Mugs", vendor: "Harbor & Pine", tag: "kitchen", cut: Cut::OneSize, price_minor: 1400, blurb: "Hand-glazed, holds 350 ml." },
    Line { name: "Trail Sneaker", sku_prefix: "TSNK", product_type: "Shoes", vendor: "Fieldwork", tag: "outdoor", cut: Cut::Shoes, price_minor: 8900, blurb: "Grippy soles and a breathable mesh upper." },
    Line { name: "Commuter Backpack", sku_prefix: "CBAG", product_type: "Bags", vendor: "Fieldwork", tag: "travel", cut: Cut::ColorOnly, price_minor: 7400, blurb: "Fits a 15-inch laptop and a day's errands." },
    Line { name: "Crew Socks", sku_prefix: "CSOCK", product_type: "Socks", vendor: "Vitrine Basics", tag: "essentials", cut: Cut::Apparel, price_minor: 1200, blurb: "Cushioned soles, reinforced heels." },
    Line { name: "Art Poster", sku_prefix: "APOST", product_type: "Posters", vendor: "Harbor & Pine", tag: "gift", cut: Cut::OneSize, price_minor: 1800, blurb: "Printed on heavy matte paper, 50 × 70 cm." },
];

#[rustfmt::skip]
static COLOURWAYS: [Colourway; 5] = [
    Colourway { name: "Ocean", sku_code: "OCN", colors: &["Navy", "Sky"], tag: "summer" },
    Colourway { name: "Forest", sku_code: "FOR", colors: &["Green"], tag: "autumn" },
    Colourway { name: "Sand", sku_code: "SND", colors: &["Sand", "White"], tag: "summer" },
    Colourway { name: "Charcoal", sku_code: "CHR", colors: &["Black"], tag: "bestseller" },
    Colourway { name: "Sunset", sku_code: "SUN", colors: &["Orange", "Pink"], tag: "new" },
];

/// One demo product as plain data, before it becomes a `ProductInput`.
#[derive(Debug, Clone)]
struct DemoProduct {
    title: String,
    description_html: String,
    vendor: &'static str,
    product_type: &'static str,
    tags: Vec<&'static str>,
    options: &'static [&'static str],
    variants: Vec<DemoVariant>,
    image_count: usize,
}

#[derive(Debug, Clone)]
struct DemoVariant {
    sku: String,
    price_minor: i64,
    compare_at_minor: Option<i64>,
    options: Vec<String>,
    inventory_quantity: i64,
}

/// Every eleventh product is sold out, so the storefront shows its out-of-stock states.
fn is_sold_out(index: usize) -> bool {
    index % 11 == 7
}

/// About a quarter of the catalog is on sale.
fn is_on_sale(index: usize) -> bool {
    index % 4 == 1
}

/// The demo catalog: every line in every colourway, in a fixed order.
fn demo_products() -> Vec<DemoProduct> {
    let pairs = LINES
        .iter()
        .flat_map(|line| COLOURWAYS.iter().map(move |colourway| (line, colourway)));
    pairs
        .enumerate()
        .map(|(index, (line, colourway))| demo_product(index, line, colourway))
        .collect()
}

fn demo_product(index: usize, line: &Line, colourway: &Colourway) -> DemoProduct {
    let on_sale = is_on_sale(index);
    let price_minor = line.price_minor + 100 * (index % COLOURWAYS.len()) as i64;
    // A compare-at price a quarter above the price, rounded up to whole dollars.
    let compare_at_minor = on_sale.then(|| (price_minor * 5 / 4 + 99) / 100 * 100);
    let variants = line
        .cut
        .option_rows(colourway.colors)
        .into_iter()
        .enumerate()
        .map(|(position, options)| DemoVariant {
            sku: sku(line, colourway, &options),
            price_minor,
            compare_at_minor,
            inventory_quantity: if is_sold_out(index) {
                0
            } else {
                ((index * 7 + position * 5) % 23) as i64
            },
            options,
        })
        .collect();
    let mut tags = vec![line.tag, colourway.tag];
    if on_sale {
        tags.push("sale");
    }
    DemoProduct {
        title: format!("{} – {}", line.name, colourway.name),
        description_html: format!("<p>{} Shown here in {}.</p>", line.blurb, colourway.name),
        vendor: line.vendor,
        product_type: line.product_type,
        tags,
        options: line.cut.option_names(),
        variants,
        image_count: 1 + index % 3,
    }
}

/// `LINE-COLOURWAY-OPTION…`, unique because line prefixes and colourway codes are.
fn sku(line: &Line, colourway: &Colourway, options: &[String]) -> String {
    let mut parts = vec![line.sku_prefix, colourway.sku_code];
    parts.extend(options.iter().map(String::as_str));
    parts.join("-").to_uppercase().replace(' ', "-")
}

fn picsum_image(seed: &str, alt_text: &str) -> ImageInput {
    ImageInput {
        url: format!("https://picsum.photos/seed/{seed}/800/800"),
        alt_text: Some(alt_text.to_string()),
        width: Some(800),
        height: Some(800),
    }
}

impl DemoProduct {
    fn into_input(self, currency: CurrencyCode) -> ProductInput {
        let handle = handle::from_title(&self.title);
        let images = (1..=self.image_count)
            .map(|n| picsum_image(&format!("{handle}-{n}"), &self.title))
            .collect();
        let amount = |minor: i64| Money::new(minor, currency).amount();
        let variants = self
            .variants
            .into_iter()
            .map(|variant| VariantInput {
                sku: Some(variant.sku),
                price: Some(amount(variant.price_minor)),
                compare_at_price: variant.compare_at_minor.map(amount),
                options: Some(variant.options),
                inventory_quantity: Some(variant.inventory_quantity),
                ..VariantInput::default()
            })
            .collect();
        ProductInput {
            title: Some(self.title),
            description_html: Some(self.description_html),
            vendor: Some(self.vendor.to_string()),
            product_type: Some(self.product_type.to_string()),
            tags: Some(self.tags.iter().map(|tag| tag.to_string()).collect()),
            options: Some(self.options.iter().map(|name| name.to_string()).collect()),
            variants: Some(variants),
            images: Some(images),
            ..ProductInput::default()
        }
    }
}

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
        links.push(menu_link(
            &created.title,
            format!("/collections/{}", created.handle),
        ));
    }
    Ok(links)
}

fn menu_link(title: &str, url: String) -> MenuItem {
    MenuItem {
        id: Uuid::now_v7(),
        title: title.to_string(),
        url,
        items: vec![],
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::catalog::product_input::{MAX_OPTIONS, MAX_VARIANTS};

    #[test]
    fn the_demo_catalog_has_about_fifty_products_with_unique_skus() {
        let products = demo_products();
        assert!(
            (48..=52).contains(&products.len()),
            "{} products",
            products.len()
        );

        let titles: HashSet<_> = products.iter().map(|p| p.title.as_str()).collect();
        assert_eq!(titles.len(), products.len(), "titles repeat");
        let handles: HashSet<_> = products
            .iter()
            .map(|p| handle::from_title(&p.title))
            .collect();
        assert_eq!(handles.len(), products.len(), "handles repeat");

        let variants: Vec<&DemoVariant> = products.iter().flat_map(|p| &p.variants).collect();
        let skus: HashSet<_> = variants.iter().map(|v| v.sku.as_str()).collect();
        assert_eq!(skus.len(), variants.len(), "SKUs repeat");

        assert!(
            products
                .iter()
                .any(|p| p.variants.iter().all(|v| v.inventory_quantity == 0))
        );
        assert!(products.iter().all(|p| {
            !p.variants.is_empty()
                && p.variants.len() <= MAX_VARIANTS
                && p.options.len() <= MAX_OPTIONS
                && p.variants
                    .iter()
                    .all(|v| v.options.len() == p.options.len())
        }));
        assert!(
            variants
                .iter()
                .all(|v| v.compare_at_minor.is_none_or(|c| c > v.price_minor))
        );
    }
}
