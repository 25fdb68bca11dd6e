//! The GraphQL schema: storefront queries (a compatible subset of Shopify's Storefront API) and
//! admin mutations, merged from one module per domain. Resolvers are thin: they read the store and
//! loaders from the context and call one domain function.

pub mod admin_collections;
pub mod admin_content;
pub mod admin_inventory;
pub mod admin_products;
pub mod admin_store;
pub mod collection;
pub mod common;
pub mod content;
pub mod context;
pub mod directives;
pub mod errors;
pub mod inputs;
pub mod loaders;
pub mod node;
pub mod pagination;
pub mod product;
pub mod scalars;
pub mod shop;
pub mod storefront;
pub mod variant;

use async_graphql::{EmptySubscription, MergedObject, Schema, SchemaBuilder};

/// Every query field.
#[derive(MergedObject, Default)]
pub struct QueryRoot(shop::ShopQuery, storefront::CatalogQuery);

/// Every mutation field (admin only for now).
#[derive(MergedObject, Default)]
pub struct MutationRoot(
    admin_products::AdminProductMutation,
    admin_inventory::AdminInventoryMutation,
    admin_collections::AdminCollectionMutation,
    admin_content::AdminContentMutation,
    admin_store::AdminStoreMutation,
);

pub type VitrineSchema = Schema<QueryRoot, MutationRoot, EmptySubscription>;

/// Most nested a document may be; real storefront queries stay far below.
const MAX_DEPTH: usize = 15;

/// The schema without runtime data, for exporting its SDL.
pub fn schema_builder() -> SchemaBuilder<QueryRoot, MutationRoot, EmptySubscription> {
    Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        EmptySubscription,
    )
    .directive(directives::in_context())
    .directive(directives::defer())
    .register_output_type::<node::Node>()
    .register_input_type::<scalars::CountryCode>()
    .register_input_type::<scalars::LanguageCode>()
    .limit_depth(MAX_DEPTH)
}

/// The SDL of the schema, as committed in `schema.graphql`.
pub fn sdl() -> String {
    schema_builder().finish().sdl_with_options(
        async_graphql::SDLExportOptions::new()
            .sorted_fields()
            .sorted_enum_items(),
    )
}
