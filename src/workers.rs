//! Background work every server runs: releasing expired stock holds, completing checkouts and
//! payments left half done, reconciling payments with the gateway, relaying outbox events to
//! webhook subscribers (`relay`), purging the caches of what writes changed (`purge`), and
//! keeping the search index in step with the catalog (`product_search::indexer`). Each
//! worker wakes on its tick and takes its work with
//! `FOR UPDATE SKIP LOCKED`, an advisory lock or a lease, so any number of servers can run them
//! together.

pub mod purge;
pub mod relay;
mod retry;

use std::future::Future;
use std::time::Duration;

use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::cart;
use crate::checkout::{self, Checkout};
use crate::db::Database;
use crate::error::Result;
use crate::payments::reconcile;
use crate::product_search::Indexer;

pub use purge::Purger;
pub use relay::Relay;

/// How often each worker wakes, how long the completer leaves work to its first owner, and what
/// reconciliation looks at.
#[derive(Debug, Clone, Copy)]
pub struct Ticks {
    pub hold_sweep: Duration,
    pub completer: Duration,
    pub completer_grace: Duration,
    /// Also the wait before the first pass: a fleet restarting together does not reconcile at
    /// once, and the completer has first go at what a restart left.
    pub reconcile: Duration,
    pub reconcile_options: reconcile::Options,
}

/// The running workers. Dropping them aborts them where they stand, as a crash would: each
/// pass is a transaction, and a delivery cut short is sent again once its lease lapses.
pub struct Workers {
    periodic: Vec<JoinHandle<()>>,
    relay: Option<JoinHandle<()>>,
    stop_relay: CancellationToken,
}

impl Workers {
    /// Stops every worker: the periodic ones at once, the relay after the deliveries in flight
    /// are recorded, waiting at most `grace` for them.
    pub async fn stop(mut self, grace: Duration) {
        self.stop_relay.cancel();
        if let Some(relay) = self.relay.take() {
            let handle = relay.abort_handle();
            if tokio::time::timeout(grace, relay).await.is_err() {
                tracing::warn!("webhook deliveries still in flight at shutdown are retried later");
                handle.abort();
            }
        }
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        for worker in self.periodic.iter().chain(&self.relay) {
            worker.abort();
        }
    }
}

/// Starts every worker; they run until `Workers::stop`.
pub fn spawn(
    db: Database,
    checkout: Checkout,
    ticks: Ticks,
    relay: Relay,
    purger: Purger,
    indexer: Option<(Indexer, Duration)>,
) -> Workers {
    let stop_relay = CancellationToken::new();
    let mut periodic = spawn_periodic(db, checkout, ticks);
    periodic.extend(spawn_purge(purger));
    if let Some((indexer, tick)) = indexer {
        periodic.push(tokio::spawn(every(tick, "search indexer", move || {
            let indexer = indexer.clone();
            async move { indexer.pass().await }
        })));
    }
    Workers {
        periodic,
        relay: Some(tokio::spawn(relay.run(stop_relay.clone()))),
        stop_relay,
    }
}

fn spawn_periodic(db: Database, checkout: Checkout, ticks: Ticks) -> Vec<JoinHandle<()>> {
    let grace = chrono::Duration::from_std(ticks.completer_grace).unwrap_or(chrono::Duration::MAX);
    let reconciler = checkout.clone();
    let options = ticks.reconcile_options;
    vec![
        tokio::spawn(every(ticks.hold_sweep, "hold sweep", move || {
            let db = db.clone();
            async move { cart::expiry::release_all_expired(&db).await }
        })),
        tokio::spawn(every(ticks.completer, "completer", move || {
            let checkout = checkout.clone();
            async move { checkout::completer::pass(&checkout, grace).await }
        })),
        tokio::spawn(every_after(
            ticks.reconcile,
            ticks.reconcile,
            "reconciliation",
            move || {
                let checkout = reconciler.clone();
                async move { reconcile(&checkout, options).await }
            },
        )),
    ]
}

/// The purge worker's passes, and the deletion of rows purged long ago.
fn spawn_purge(purger: Purger) -> Vec<JoinHandle<()>> {
    let cleaner = purger.clone();
    vec![
        tokio::spawn(every(purger.tick(), "cache purge", move || {
            let purger = purger.clone();
            async move { purger.pass().await }
        })),
        tokio::spawn(every(
            purge::CLEAN_UP_TICK,
            "cache purge clean-up",
            move || {
                let purger = cleaner.clone();
                async move { purger.clean_up().await }
            },
        )),
    ]
}

/// One reconciliation pass, its report logged; returns how many mismatches it found.
async fn reconcile(checkout: &Checkout, options: reconcile::Options) -> Result<usize> {
    let Some(report) = reconcile::pass(checkout, options).await? else {
        tracing::debug!("another instance is reconciling");
        return Ok(0);
    };
    if report.is_clean() {
        tracing::debug!(checked = report.checked, "payments agree with the gateway");
    } else {
        tracing::warn!(%report, "reconciliation found payments that disagreed with the gateway");
    }
    Ok(report.total().found)
}

/// Runs `work` every `tick`, forever; a failed pass is logged and retried on the next tick.
async fn every<F, Fut>(tick: Duration, name: &'static str, work: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<usize>> + Send + 'static,
{
    every_after(Duration::ZERO, tick, name, work).await
}

/// `every`, the first time after `first`. Each pass runs as its own task, so a pass that
/// panics is logged and the next tick runs as usual.
async fn every_after<F, Fut>(first: Duration, tick: Duration, name: &'static str, work: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<usize>> + Send + 'static,
{
    let start = tokio::time::Instant::now() + first;
    let mut interval = tokio::time::interval_at(start, tick);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        match tokio::spawn(work()).await {
            Ok(Ok(_)) => {}
            Ok(Err(err)) => {
                tracing::warn!(worker = name, error = %err, "background pass failed; retrying next tick")
            }
            Err(panic) => {
                tracing::error!(worker = name, error = %panic, "background pass panicked; retrying next tick")
            }
        }
    }
}
