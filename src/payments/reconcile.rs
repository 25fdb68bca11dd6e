//! Reconciliation (RELIABILITY.md T16): one pass compares our payments with the gateway's books
//! and repairs every mismatch, each repair recorded as an audit event (`reconciliation_events`,
//! and the payment's own history when there is a payment).
//!
//! The gateway is the truth about money: a pass lists every authorization it created in the
//! lookback window (longer than an authorization lives, so none lapses unseen), finds the payment
//! each one's `vitrine-authorize-<payment id>` key names, and decides (`classify`):
//! - money held for a payment that failed, was voided or does not exist: void or refund it;
//! - a payment still `pending` that the gateway authorized, captured or let go: settle it as the
//!   completer settles a stopped checkout (confirming the order, or failing the payment);
//! - a payment whose status or amounts differ from the gateway's (a refund made in the gateway's
//!   dashboard, an authorization that lapsed): make our row say what the gateway says.
//!
//! A payment changed within `settle_after` is left to whoever is changing it (a checkout, the
//! completer) and reported as deferred. Every gateway call goes under a key derived from the
//! payment, so a repair that lost its answer is redone, not doubled; and a repaired mismatch is
//! gone, so a second pass finds nothing. Authorizations under keys Vitrine never makes are not
//! ours and are left alone; the gateway account must not be shared with another Vitrine
//! deployment, whose payments this one could not see.
//!
//! One pass runs at a time across instances: it holds a PostgreSQL advisory lock for its
//! duration and skips when another holds it (on SQLite there is a single instance).

mod audit;
mod classify;
mod repair;
mod report;

use std::collections::HashMap;

use anyhow::Context;
use chrono::{Duration, Utc};
use entities::payment::{self, Entity as Payments};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait, QueryFilter,
    Statement,
};
use uuid::Uuid;

pub use self::report::{Mismatch, Report, Tally};

use self::classify::Action;
use self::repair::Applied;
use super::KeyedAuthorization;
use super::records::{self, Payment};
use crate::checkout::Checkout;
use crate::db::Database;
use crate::error::{AppError, Result};
use crate::stores::{self, Store};

/// How far back a pass looks, and how long it leaves a payment to whoever last changed it.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Authorizations created this long ago or since are compared.
    pub lookback: Duration,
    /// A payment changed more recently than this is someone else's to finish (the completer's
    /// grace).
    pub settle_after: Duration,
}

/// Eight days: an authorization lives seven, so every one is seen lapsing.
pub const DEFAULT_LOOKBACK: Duration = Duration::days(8);

/// The PostgreSQL advisory lock a pass holds (any constant shared by all instances).
pub const LOCK_KEY: i64 = 0x7265_636f_6e63_696c; // "reconcil" in ASCII

/// How many payment ids go in one `IN (…)` lookup.
const LOOKUP_CHUNK: usize = 500;

/// Runs one pass and returns its report; `None` when another instance is running one.
pub async fn pass(checkout: &Checkout, options: Options) -> Result<Option<Report>> {
    let Turn::Ours(lock) = take_turn(&checkout.db).await? else {
        return Ok(None);
    };
    let report = compare_and_repair(checkout, options).await;
    if let Some(tx) = lock {
        tx.rollback().await?;
    }
    report.map(Some)
}

/// Whether this instance may run a pass now.
enum Turn {
    /// Yes, holding the lock in this transaction until the pass ends (none on SQLite).
    Ours(Option<DatabaseTransaction>),
    /// Another instance holds the lock.
    Taken,
}

async fn take_turn(db: &Database) -> Result<Turn> {
    if db.backend() != DbBackend::Postgres {
        return Ok(Turn::Ours(None));
    }
    let tx = db.begin().await?;
    let sql = format!("SELECT pg_try_advisory_xact_lock({LOCK_KEY}) AS taken");
    let row = tx
        .query_one_raw(Statement::from_string(DbBackend::Postgres, sql))
        .await?
        .context("pg_try_advisory_xact_lock returned no row")?;
    let taken: bool = row.try_get("", "taken")?;
    Ok(match taken {
        true => Turn::Ours(Some(tx)),
        false => Turn::Taken,
    })
}

async fn compare_and_repair(checkout: &Checkout, options: Options) -> Result<Report> {
    let now = Utc::now();
    let since = now - options.lookback;
    // The gateway first: a payment row always commits before its authorization is asked for,
    // so every payment a listed authorization names is in the database by the time we read it.
    let listed = checkout
        .gateway
        .authorizations_since(since)
        .await
        .context("Failed to list the gateway's authorizations")?;
    let payments = payments_named(checkout.db.reader(), &listed).await?;
    let busy_since = now - options.settle_after;
    let mut report = Report::new(since, listed.len());
    let mut stores = HashMap::new();
    for keyed in &listed {
        let Some(payment_id) = records::payment_id_of(&keyed.idempotency_key) else {
            continue;
        };
        let payment = payments.get(&payment_id);
        let action = classify::classify(payment, &keyed.authorization, busy_since);
        let Some(mismatch) = action.mismatch() else {
            continue;
        };
        let tally = report.tally_mut(mismatch);
        tally.found += 1;
        if matches!(action, Action::Defer(_)) {
            tally.deferred += 1;
            continue;
        }
        let store = match payment {
            Some(payment) => Some(store_of(checkout, &mut stores, payment).await?),
            None => None,
        };
        let target = repair::Target {
            payment_id,
            payment,
            store: store.as_ref(),
            authorization: &keyed.authorization,
        };
        let applied = repair::apply(checkout, &target, &action).await;
        let tally = report.tally_mut(mismatch);
        match applied {
            Ok(Applied::Done) => tally.repaired += 1,
            Ok(Applied::Moved) => tally.deferred += 1,
            Err(err) => {
                tracing::warn!(payment = %payment_id, reference = %keyed.authorization.reference, mismatch = mismatch.as_str(), error = %err, "reconciliation could not repair a mismatch; the next pass retries");
                tally.failed += 1;
            }
        }
    }
    Ok(report)
}

/// Our payments named by the listed authorizations' keys, of every store, by id.
async fn payments_named(
    db: &impl ConnectionTrait,
    listed: &[KeyedAuthorization],
) -> Result<HashMap<Uuid, Payment>> {
    let ids: Vec<Uuid> = listed
        .iter()
        .filter_map(|keyed| records::payment_id_of(&keyed.idempotency_key))
        .collect();
    let mut found = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(LOOKUP_CHUNK) {
        let some = Payments::find()
            .filter(payment::Column::Id.is_in(chunk.iter().copied()))
            .all(db)
            .await?;
        found.extend(some.into_iter().map(|payment| (payment.id, payment)));
    }
    Ok(found)
}

async fn store_of(
    checkout: &Checkout,
    stores: &mut HashMap<Uuid, Store>,
    payment: &Payment,
) -> Result<Store> {
    if let Some(store) = stores.get(&payment.store_id) {
        return Ok(store.clone());
    }
    let store = stores::find_store(checkout.db.reader(), payment.store_id)
        .await?
        .ok_or(AppError::NotFound)?;
    stores.insert(store.id, store.clone());
    Ok(store)
}
