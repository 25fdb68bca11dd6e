//! Background work every server runs: releasing expired stock holds and completing checkouts and
//! payments left half done. Each worker wakes on its tick and takes its work with
//! `FOR UPDATE SKIP LOCKED`, so any number of servers can run them together.

use std::future::Future;
use std::time::Duration;

use crate::cart;
use crate::checkout::{self, Checkout};
use crate::db::Database;
use crate::error::Result;

/// How often each worker wakes, and how long the completer leaves work to its first owner.
#[derive(Debug, Clone, Copy)]
pub struct Ticks {
    pub hold_sweep: Duration,
    pub completer: Duration,
    pub completer_grace: Duration,
}

/// Starts every worker; they run until the returned handles are aborted.
pub fn spawn(db: Database, checkout: Checkout, ticks: Ticks) -> Vec<tokio::task::JoinHandle<()>> {
    let grace = chrono::Duration::from_std(ticks.completer_grace).unwrap_or(chrono::Duration::MAX);
    vec![
        tokio::spawn(every(ticks.hold_sweep, "hold sweep", move || {
            let db = db.clone();
            async move { cart::expiry::release_all_expired(&db).await }
        })),
        tokio::spawn(every(ticks.completer, "completer", move || {
            let checkout = checkout.clone();
            async move { checkout::completer::pass(&checkout, grace).await }
        })),
    ]
}

/// Runs `work` every `tick`, forever; a failed pass is logged and retried on the next tick.
async fn every<F, Fut>(tick: Duration, name: &'static str, work: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<usize>>,
{
    let mut interval = tokio::time::interval(tick);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        if let Err(err) = work().await {
            tracing::warn!(worker = name, error = %err, "background pass failed; retrying next tick");
        }
    }
}
