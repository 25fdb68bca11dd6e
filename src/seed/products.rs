//! The demo catalog as plain data: ten product lines in five colourways, each with its variants,
//! prices, stock and images, generated from the small tables below. `seed` turns them into
//! `ProductInput`s and creates them through the catalog's own functions.

use crate::catalog::handle;
use crate::catalog::product_input::{ImageInput, ProductInput, VariantInput};
use crate::money::{CurrencyCode, Money};

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
pub(super) struct DemoProduct {
    pub(super) title: String,
    description_html: String,
    vendor: &'static str,
    pub(super) product_type: &'static str,
    pub(super) tags: Vec<&'static str>,
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
pub(super) fn demo_products() -> Vec<DemoProduct> {
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

pub(super) fn picsum_image(seed: &str, alt_text: &str) -> ImageInput {
    ImageInput {
        url: format!("https://picsum.photos/seed/{seed}/800/800"),
        alt_text: Some(alt_text.to_string()),
        width: Some(800),
        height: Some(800),
    }
}

impl DemoProduct {
    pub(super) fn into_input(self, currency: CurrencyCode) -> ProductInput {
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
