//! What a response read, for the caches in front of it: its scope (the most restrictive scope
//! among the fields that resolved) and its tags (the store, every product, variant and
//! collection it returned, and the listings it depends on; see `cache::tags`).
//!
//! Scopes are declared per type and field below and checked as each field resolves, so a
//! response's scope follows what it touched, not its operation's name. Anything not declared
//! public is private: a new type or root field stays out of every cache until someone decides it
//! is catalog data. Tags are recorded where the catalog objects are made (`Product::new`,
//! `ProductVariant::new`, `Collection::new`) and by the resolvers that list.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextResolve, ResolveInfo,
};
use async_graphql::{Context, ServerResult, Value};
use uuid::Uuid;

use crate::cache::scope::CacheScope;
use crate::cache::tags;

/// Object types whose every field is public catalog data (unless listed in `FIELD_SCOPES`).
pub const CATALOG_TYPES: &[&str] = &[
    "Article",
    "ArticleAuthor",
    "ArticleConnection",
    "ArticleEdge",
    "Blog",
    "BlogConnection",
    "BlogEdge",
    "Brand",
    "BrandColorGroup",
    "BrandColors",
    "Collection",
    "CollectionConnection",
    "CollectionEdge",
    "Domain",
    "Filter",
    "FilterValue",
    "Image",
    "ImageConnection",
    "ImageEdge",
    "Menu",
    "MediaImage",
    "MenuItem",
    "MoneyV2",
    "Page",
    "PageConnection",
    "PageEdge",
    "PageInfo",
    "PaymentSettings",
    "PredictiveSearchResult",
    "Product",
    "ProductConnection",
    "ProductEdge",
    "ProductOption",
    "ProductOptionValue",
    "ProductOptionValueSwatch",
    "ProductPriceRange",
    "ProductVariant",
    "ProductVariantConnection",
    "ProductVariantEdge",
    "SEO",
    "SearchQuerySuggestion",
    "SearchResultItemConnection",
    "SearchResultItemEdge",
    "SelectedOption",
    "Shop",
    "ShopPolicy",
    "ShopPolicyWithDefault",
];

/// The root query fields that read the public catalog; every other root field (carts,
/// customers, orders, admin queries) is private, and so is every mutation.
pub const CATALOG_QUERY_FIELDS: &[&str] = &[
    "article",
    "articles",
    "blog",
    "blogs",
    "collection",
    "collections",
    "menu",
    "node",
    "nodes",
    "page",
    "pageByHandle",
    "pages",
    "predictiveSearch",
    "product",
    "productRecommendations",
    "products",
    "search",
    "shop",
];

/// Fields whose scope differs from their type's: live stock is short-lived (it changes with
/// every cart; purging on each change would empty the cache during a sale), admin-only parts of
/// catalog types are private. `availableForSale` and `currentlyNotInStock` stay catalog: they
/// change only when stock runs out or comes back, and that purges.
pub const FIELD_SCOPES: &[(&str, &str, CacheScope)] = &[
    ("ProductVariant", "quantityAvailable", CacheScope::Stock),
    ("Product", "totalInventory", CacheScope::Stock),
    ("ProductVariant", "inventoryLevel", CacheScope::Private),
    ("Product", "status", CacheScope::Private),
];

/// The scope of `field` of `parent_type`.
pub fn field_scope(parent_type: &str, field: &str) -> CacheScope {
    // `__typename`, `__schema` and `__type`: the same schema for everyone.
    if field.starts_with("__") {
        return CacheScope::Catalog;
    }
    if let Some((_, _, scope)) = FIELD_SCOPES
        .iter()
        .find(|(ty, name, _)| *ty == parent_type && *name == field)
    {
        return *scope;
    }
    let public = match parent_type {
        "QueryRoot" => CATALOG_QUERY_FIELDS.contains(&field),
        _ => CATALOG_TYPES.contains(&parent_type),
    };
    if public {
        CacheScope::Catalog
    } else {
        CacheScope::Private
    }
}

/// What one request's response read. Put in the request's data; the endpoint reads it after
/// execution.
pub struct Report {
    scope: AtomicU8,
    tags: Mutex<BTreeSet<String>>,
}

impl Report {
    /// A report for a request of `store_id`; every response carries its store's tag.
    pub fn new(store_id: Uuid) -> Arc<Report> {
        Arc::new(Report {
            scope: AtomicU8::new(CacheScope::Catalog as u8),
            tags: Mutex::new(BTreeSet::from([tags::store(store_id)])),
        })
    }

    /// Makes the response at least as restrictive as `scope`.
    pub fn raise(&self, scope: CacheScope) {
        self.scope.fetch_max(scope as u8, Ordering::Relaxed);
    }

    pub fn tag(&self, tag: String) {
        self.tags.lock().expect("report lock").insert(tag);
    }

    pub fn scope(&self) -> CacheScope {
        match self.scope.load(Ordering::Relaxed) {
            0 => CacheScope::Catalog,
            1 => CacheScope::Stock,
            _ => CacheScope::Private,
        }
    }

    /// The tags recorded, in order.
    pub fn tags(&self) -> Vec<String> {
        self.tags
            .lock()
            .expect("report lock")
            .iter()
            .cloned()
            .collect()
    }
}

/// Records `tag` in the request's report, if it has one (requests run outside the endpoint,
/// such as cache warming's, may not).
pub fn tag(ctx: &Context<'_>, tag: String) {
    if let Some(report) = ctx.data_opt::<Arc<Report>>() {
        report.tag(tag);
    }
}

/// Raises the request's report as each field resolves.
pub struct ScopeTracker;

impl ExtensionFactory for ScopeTracker {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ScopeTracker)
    }
}

#[async_trait::async_trait]
impl Extension for ScopeTracker {
    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        // Items of a list resolve with the list as their parent; the field that returned the
        // list was checked already.
        let list_item = info.parent_type.starts_with('[');
        if !info.is_for_introspection
            && !list_item
            && let Some(report) = ctx.data_opt::<Arc<Report>>()
        {
            let scope = field_scope(info.parent_type, info.name);
            if scope == CacheScope::Private {
                tracing::debug!(
                    parent = info.parent_type,
                    field = info.name,
                    "private field"
                );
            }
            report.raise(scope);
        }
        next.run(ctx, info).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value as Json;

    const INTROSPECTION: &str = "{ __schema { types { name kind fields(includeDeprecated: true) \
        { name type { ...named } } } } } fragment named on __Type { kind name ofType { kind name \
        ofType { kind name ofType { kind name ofType { kind name } } } } }";

    /// The kind and name under a type's `NON_NULL` and `LIST` wrappers.
    fn named(mut ty: &Json) -> (&str, &str) {
        while ty["name"].is_null() {
            ty = &ty["ofType"];
        }
        (ty["kind"].as_str().unwrap(), ty["name"].as_str().unwrap())
    }

    /// Schema-wide: a field declared public returns a scalar, an enum, a catalog type, or an
    /// interface or union whose object is checked field by field when it resolves. So private
    /// data (a cart, a customer, an order, admin settings) can only be reached through a field
    /// that makes the response private.
    #[tokio::test]
    async fn public_fields_lead_only_to_public_types() {
        let schema = crate::graphql::schema_builder().finish();
        let response = schema.execute(INTROSPECTION).await;
        assert!(response.errors.is_empty(), "{:?}", response.errors);
        let data = response.data.into_json().unwrap();
        let types = data["__schema"]["types"].as_array().unwrap();
        let objects: Vec<&Json> = types
            .iter()
            .filter(|ty| ty["kind"] == "OBJECT" && !ty["name"].as_str().unwrap().starts_with("__"))
            .collect();
        let mut leaks = Vec::new();
        for object in &objects {
            let type_name = object["name"].as_str().unwrap();
            for field in object["fields"].as_array().unwrap() {
                let field_name = field["name"].as_str().unwrap();
                if !field_scope(type_name, field_name).is_public() {
                    continue;
                }
                let (kind, returned) = named(&field["type"]);
                let public = match kind {
                    "SCALAR" | "ENUM" | "INTERFACE" | "UNION" => true,
                    _ => CATALOG_TYPES.contains(&returned),
                };
                if !public {
                    leaks.push(format!("{type_name}.{field_name}: {returned}"));
                }
            }
        }
        assert!(
            leaks.is_empty(),
            "public fields returning private types: {leaks:?}"
        );

        let names: Vec<&str> = objects
            .iter()
            .map(|ty| ty["name"].as_str().unwrap())
            .collect();
        for declared in CATALOG_TYPES {
            assert!(names.contains(declared), "{declared} is not an object type");
        }
        let has_field = |ty: &str, name: &str| {
            objects.iter().any(|object| {
                object["name"] == ty
                    && object["fields"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|f| f["name"] == name)
            })
        };
        for field in CATALOG_QUERY_FIELDS {
            assert!(
                has_field("QueryRoot", field),
                "QueryRoot.{field} does not exist"
            );
        }
        for (ty, field, _) in FIELD_SCOPES {
            assert!(has_field(ty, field), "{ty}.{field} does not exist");
        }
    }

    #[test]
    fn only_declared_catalog_fields_are_public() {
        assert_eq!(field_scope("Product", "title"), CacheScope::Catalog);
        assert_eq!(
            field_scope("ProductVariant", "quantityAvailable"),
            CacheScope::Stock
        );
        assert_eq!(field_scope("QueryRoot", "products"), CacheScope::Catalog);
        assert_eq!(field_scope("QueryRoot", "cart"), CacheScope::Private);
        assert_eq!(
            field_scope("MutationRoot", "cartCreate"),
            CacheScope::Private
        );
        assert_eq!(field_scope("Cart", "id"), CacheScope::Private);
        assert_eq!(field_scope("SomeNewType", "id"), CacheScope::Private);
    }

    #[test]
    fn a_report_keeps_the_most_restrictive_scope() {
        let report = Report::new(Uuid::now_v7());
        report.raise(CacheScope::Stock);
        report.raise(CacheScope::Catalog);
        assert_eq!(report.scope(), CacheScope::Stock);
        report.raise(CacheScope::Private);
        assert_eq!(report.scope(), CacheScope::Private);
    }
}
