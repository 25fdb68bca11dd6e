//! Global IDs as Shopify clients expect them: `gid://shopify/{Type}/{uuid}`. Encoding and decoding
//! happen only here; a malformed or foreign-typed ID decodes to nothing, which reads as not found.

use uuid::Uuid;

/// The object kinds that have global IDs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GidKind {
    Product,
    ProductVariant,
    ProductOption,
    ProductOptionValue,
    ProductImage,
    Collection,
    Page,
    Blog,
    Article,
    ShopPolicy,
    Menu,
    MenuItem,
    Shop,
    InventoryLevel,
    Customer,
    CartLine,
    Order,
    WebhookSubscription,
    WebhookDelivery,
}

impl GidKind {
    pub fn name(self) -> &'static str {
        match self {
            GidKind::Product => "Product",
            GidKind::ProductVariant => "ProductVariant",
            GidKind::ProductOption => "ProductOption",
            GidKind::ProductOptionValue => "ProductOptionValue",
            GidKind::ProductImage => "ProductImage",
            GidKind::Collection => "Collection",
            GidKind::Page => "Page",
            GidKind::Blog => "Blog",
            GidKind::Article => "Article",
            GidKind::ShopPolicy => "ShopPolicy",
            GidKind::Menu => "Menu",
            GidKind::MenuItem => "MenuItem",
            GidKind::Shop => "Shop",
            GidKind::InventoryLevel => "InventoryLevel",
            GidKind::Customer => "Customer",
            GidKind::CartLine => "CartLine",
            GidKind::Order => "Order",
            GidKind::WebhookSubscription => "WebhookSubscription",
            GidKind::WebhookDelivery => "WebhookDelivery",
        }
    }

    const ALL: [GidKind; 19] = [
        GidKind::Product,
        GidKind::ProductVariant,
        GidKind::ProductOption,
        GidKind::ProductOptionValue,
        GidKind::ProductImage,
        GidKind::Collection,
        GidKind::Page,
        GidKind::Blog,
        GidKind::Article,
        GidKind::ShopPolicy,
        GidKind::Menu,
        GidKind::MenuItem,
        GidKind::Shop,
        GidKind::InventoryLevel,
        GidKind::Customer,
        GidKind::CartLine,
        GidKind::Order,
        GidKind::WebhookSubscription,
        GidKind::WebhookDelivery,
    ];
}

const PREFIX: &str = "gid://shopify/";

/// Renders the global ID of an object.
pub fn encode(kind: GidKind, id: Uuid) -> String {
    format!("{PREFIX}{}/{id}", kind.name())
}

/// Parses any global ID into its kind and UUID.
pub fn decode_any(gid: &str) -> Option<(GidKind, Uuid)> {
    let rest = gid.strip_prefix(PREFIX)?;
    let (kind, id) = rest.split_once('/')?;
    let kind = GidKind::ALL.into_iter().find(|k| k.name() == kind)?;
    let id = id.split('?').next()?;
    Some((kind, Uuid::parse_str(id).ok()?))
}

/// Parses a global ID that must be of `kind`.
pub fn decode(kind: GidKind, gid: &str) -> Option<Uuid> {
    decode_any(gid)
        .filter(|(k, _)| *k == kind)
        .map(|(_, id)| id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_global_id_round_trips() {
        let id = Uuid::now_v7();
        let gid = encode(GidKind::ProductVariant, id);
        assert!(gid.starts_with("gid://shopify/ProductVariant/"));
        assert_eq!(decode(GidKind::ProductVariant, &gid), Some(id));
    }

    #[test]
    fn a_global_id_of_another_kind_does_not_decode() {
        let gid = encode(GidKind::Collection, Uuid::now_v7());
        assert_eq!(decode(GidKind::Product, &gid), None);
        assert_eq!(decode(GidKind::Product, "gid://shopify/Product/42"), None);
        assert_eq!(decode(GidKind::Product, "not a gid"), None);
    }
}
