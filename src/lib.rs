//! Vitrine: a self-hosted, multi-tenant commerce backend whose storefront API is a compatible
//! subset of Shopify's.

/// The shared cache (Redis or in-process).
pub mod cache;
/// Carts and the stock they hold.
pub mod cart;
/// Products, variants, collections, menus and pages.
pub mod catalog;
/// Turning a cart into an order, paid once.
pub mod checkout;
/// The command line.
pub mod cli;
/// Settings from defaults, `vitrine.toml`, the environment and flags.
pub mod config;
/// Crash points for the crash tests (the `failpoints` feature).
pub mod crash;
/// Customer accounts, their sign-in and access tokens.
pub mod customers;
/// The database connection and constraint-violation mapping.
pub mod db;
/// Trusted documents: the built-in storefront operations and those a store registered.
pub mod documents;
/// The application error and its kinds.
pub mod error;
/// The GraphQL schema and resolvers.
pub mod graphql;
/// The HTTP router and handlers.
pub mod http;
/// Global IDs (`gid://shopify/{Type}/{id}`).
pub mod ids;
/// Stock levels and the movement ledger.
pub mod inventory;
/// Money in integer minor units and its decimal rendering.
pub mod money;
/// Orders: reading them and the one state machine that moves them.
pub mod orders;
/// The transactional outbox: events written with the change they report.
pub mod outbox;
/// Payment gateways: the trait, the test gateway and the Stripe adapter.
pub mod payments;
/// Checkout totals: subtotal, discounts, shipping and tax.
pub mod pricing;
/// The demo store and its catalog.
/// Search for the storefront: the search backend, its indexer and the database fallback.
pub mod product_search;
pub mod seed;
/// Building and running the application.
pub mod startup;
/// Stores (tenants) and their API tokens.
pub mod stores;
/// Telemetry (tracing) setup.
pub mod telemetry;
/// Resolving the store and principal of a request.
pub mod tenancy;
/// Merchant webhooks: subscriptions, secrets, signing and the delivery log.
pub mod webhooks;
/// Background work: hold expiry and the checkout completer.
pub mod workers;
