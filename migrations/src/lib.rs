//! Schema migrations for the whole Vitrine data model, written once with sea-query so that the same
//! migrations run on PostgreSQL (production) and SQLite (the embedded default). This crate must not
//! depend on `entities`: a migration describes the schema as it was when it was written.

mod columns;
mod m0001_stores;
mod m0002_catalog;
mod m0003_inventory;
mod m0004_carts_and_customers;
mod m0005_orders_and_payments;
mod m0006_idempotency_and_outbox;
mod m0007_stock_rules_and_tenant_indexes;
mod m0008_hold_sweep_indexes;
mod m0009_checkout;
mod m0010_reconciliation_events;
mod m0011_webhooks;
mod m0012_gateway_events;
mod m0013_cart_token_index;
mod m0014_trusted_documents;
mod m0015_cache_invalidations;
mod m0016_blogs_policies_and_pins;

pub use sea_orm_migration::MigratorTrait;
use sea_orm_migration::prelude::*;

/// Every migration, in the order it is applied.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_stores::Migration),
            Box::new(m0002_catalog::Migration),
            Box::new(m0003_inventory::Migration),
            Box::new(m0004_carts_and_customers::Migration),
            Box::new(m0005_orders_and_payments::Migration),
            Box::new(m0006_idempotency_and_outbox::Migration),
            Box::new(m0007_stock_rules_and_tenant_indexes::Migration),
            Box::new(m0008_hold_sweep_indexes::Migration),
            Box::new(m0009_checkout::Migration),
            Box::new(m0010_reconciliation_events::Migration),
            Box::new(m0011_webhooks::Migration),
            Box::new(m0012_gateway_events::Migration),
            Box::new(m0013_cart_token_index::Migration),
            Box::new(m0014_trusted_documents::Migration),
            Box::new(m0015_cache_invalidations::Migration),
            Box::new(m0016_blogs_policies_and_pins::Migration),
        ]
    }
}
