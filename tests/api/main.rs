//! The integration tests: the real server over HTTP, on PostgreSQL and Redis, and where a test
//! says so on the embedded default (SQLite, in-process cache) too; and the Stripe adapter against a
//! fake Stripe (`fake_stripe`).

mod admin;
mod cache_headers;
mod cache_isolation;
mod carts;
mod catalog;
mod checkout;
mod checkout_browser;
mod checkout_page;
mod cross_tenant;
mod customers;
mod edge;
mod fake_stripe;
mod gateway_webhooks;
mod held_stock;
mod helpers;
mod inventory;
mod limits;
mod migrations;
mod orders;
mod outbox;
mod pages;
mod persisted_queries;
mod query_count;
mod reconciliation;
mod schema;
mod search;
mod smoke;
mod stores;
mod stripe_adapter;
mod tenancy;
mod webhooks;
