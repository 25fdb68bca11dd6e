//! The GraphQL schema: storefront queries and mutations (a compatible subset of Shopify's
//! Storefront API) and admin queries and mutations, merged from one folder per domain (`catalog`,
//! `cart`, `checkout`, `customers`, `inventory`, `orders`, `stores`, each with its types and its
//! storefront and admin resolvers
//! side by side) over the shared pieces below. Resolvers are thin: they read the store and
//! loaders from the context and call one domain function.

/// `cacheWarm`: filling the response cache ahead of shoppers.
pub mod cache;
/// The cart, its query and mutations.
pub mod cart;
/// Products, variants, collections, menus and pages: types, storefront queries, admin mutations.
pub mod catalog;
/// `cartComplete`: checkout.
pub mod checkout;
/// What resolvers read from the context: state, tenant, admin check, write transactions.
pub mod context;
/// Customer accounts: the `Customer` type, sign-up, sign-in and sign-out.
pub mod customers;
/// `@inContext` and `@defer`, accepted for Shopify clients.
pub mod directives;
/// Trusted documents (admin): registering, deleting and listing them.
pub mod documents;
/// What a response read: its cache scope and tags.
pub mod edge;
/// The one mapping from `AppError` to GraphQL errors and user errors.
pub mod errors;
/// Decoding global IDs of inputs, and input objects shared by admin mutations.
pub mod inputs;
/// Stock levels and the admin stock mutations.
pub mod inventory;
/// Limits on what one request may ask: cost, depth, aliases, directives.
pub mod limits;
/// Per-request DataLoaders.
pub mod loaders;
/// `MoneyV2`.
pub mod money;
/// The `Node` interface, `node` and `nodes`.
pub mod node;
/// Orders: the buyer's `order`, the admin's listing, fulfilment and cancellation.
pub mod orders;
/// Relay connections over keyset and offset lists.
pub mod pagination;
/// String scalars of the Storefront API.
pub mod scalars;
/// The shop, the `storeUpdate` admin mutation and the admin `storeSettings` query.
pub mod stores;
/// Webhook subscriptions, their delivery logs and the store's webhook secret (admin).
pub mod webhooks;

use async_graphql::{EmptySubscription, MergedObject, Schema, SchemaBuilder};

/// Every query field.
#[derive(MergedObject, Default)]
pub struct QueryRoot(
    stores::ShopQuery,
    catalog::CatalogQuery,
    catalog::BlogQuery,
    catalog::SearchQueryRoot,
    cart::CartQuery,
    customers::CustomerQuery,
    orders::OrderQuery,
    orders::AdminOrderQuery,
    stores::AdminStoreQuery,
    webhooks::AdminWebhookQuery,
    documents::AdminTrustedDocumentQuery,
);

/// Every mutation field: the storefront's cart and customer mutations, and the admin mutations.
#[derive(MergedObject, Default)]
pub struct MutationRoot(
    cart::CartMutation,
    checkout::CheckoutMutation,
    customers::CustomerMutation,
    catalog::AdminProductMutation,
    inventory::AdminInventoryMutation,
    catalog::AdminCollectionMutation,
    catalog::AdminContentMutation,
    catalog::AdminBlogMutation,
    stores::AdminStoreMutation,
    orders::AdminOrderMutation,
    webhooks::AdminWebhookMutation,
    documents::AdminTrustedDocumentMutation,
    cache::AdminCacheMutation,
);

pub type VitrineSchema = Schema<QueryRoot, MutationRoot, EmptySubscription>;

/// The schema without runtime data, for exporting its SDL.
pub fn schema_builder() -> SchemaBuilder<QueryRoot, MutationRoot, EmptySubscription> {
    let builder = Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        EmptySubscription,
    )
    .directive(directives::in_context())
    .directive(directives::defer())
    .register_output_type::<node::Node>()
    .register_input_type::<scalars::CountryCode>()
    .register_input_type::<scalars::LanguageCode>()
    .extension(edge::ScopeTracker);
    limits::apply(builder)
}

/// The SDL of the schema, as committed in `schema.graphql`.
pub fn sdl() -> String {
    schema_builder().finish().sdl_with_options(
        async_graphql::SDLExportOptions::new()
            .sorted_fields()
            .sorted_enum_items(),
    )
}
