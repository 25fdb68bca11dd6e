//! The integration tests: the real server over HTTP, on PostgreSQL and Redis.

mod admin;
mod catalog;
mod helpers;
mod inventory;
mod limits;
mod migrations;
mod query_count;
mod schema;
mod smoke;
mod tenancy;
