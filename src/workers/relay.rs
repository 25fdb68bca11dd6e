//! The outbox relay: delivers outbox events to the stores' webhook subscriptions. Every server
//! runs one; any number run together on one database.
//!
//! 1. **Fan-out** (`fan_out`): new outbox rows become one delivery per matching subscription, and
//!    the rows are marked published, in one transaction. One instance fans out at a time, so
//!    deliveries are numbered (`seq`) in the order their events became visible: the order in
//!    which their changes committed.
//! 2. **Delivery** (`drain`): an instance leases a subscription whose oldest pending delivery is
//!    due (`lease`) and sends its deliveries one at a time, in `seq` order; the next is not sent
//!    before the one ahead of it was taken (2xx) or given up. So a subscription's events arrive
//!    in order, and only one instance sends to a subscription at any moment. A failed attempt is
//!    retried after a growing, jittered wait (`retry`); after the last attempt the delivery is
//!    marked failed (the dead letter) and the subscription moves on.
//!
//! An instance that dies mid-delivery leaves its lease to lapse; the next holder sends the same
//! delivery again, with the same webhook id. Delivery is at least once: receivers deduplicate by
//! `X-Shopify-Webhook-Id`. On shutdown an instance starts no new attempt, lets those in flight
//! finish and record their outcome, and releases its leases.

mod attempt;
mod drain;
mod fan_out;
mod lease;
mod network;

use std::time::Duration;

use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::db::Database;
use crate::error::Result;

/// How many subscriptions one instance delivers to at once.
const CONCURRENCY: usize = 16;

/// How the relay delivers.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// How often it looks for new events and due retries.
    pub tick: Duration,
    /// How long a receiver may take to answer.
    pub timeout: Duration,
    /// Attempts at one delivery before it is marked failed.
    pub max_attempts: u32,
    /// The wait before the first retry; doubled after each failure, up to `retry_max`.
    pub retry_base: Duration,
    pub retry_max: Duration,
    /// Whether deliveries may go to loopback and private addresses (never by default: a
    /// callback URL is a merchant's input).
    pub private_networks: bool,
}

impl Options {
    /// How long a lease lasts: long enough for an attempt and the writes around it. An instance
    /// renews it with every outcome it records.
    fn lease(&self) -> Duration {
        self.timeout * 2 + Duration::from_secs(2)
    }
}

/// One relay instance.
#[derive(Clone)]
pub struct Relay {
    db: Database,
    client: reqwest::Client,
    options: Options,
}

impl Relay {
    pub fn new(db: Database, options: Options) -> anyhow::Result<Relay> {
        Ok(Relay {
            db,
            client: attempt::client(options.timeout, options.private_networks)?,
            options,
        })
    }

    /// How long a stopping server waits for the attempts in flight: one attempt and its record.
    pub fn shutdown_grace(&self) -> Duration {
        self.options.lease()
    }

    /// Relays until `stop` is cancelled, then lets the attempts in flight finish and returns.
    pub async fn run(self, stop: CancellationToken) {
        let mut interval = tokio::time::interval(self.options.tick);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut drains = JoinSet::new();
        loop {
            tokio::select! {
                _ = stop.cancelled() => break,
                _ = interval.tick() => {}
            }
            while drains.try_join_next().is_some() {}
            if let Err(err) = self.pass(&mut drains, &stop).await {
                tracing::warn!(error = %err, "outbox relay pass failed; retrying next tick");
            }
        }
        drains.join_all().await;
    }

    /// Fans out what is new, then starts draining the subscriptions that are due, as many as
    /// free slots allow.
    async fn pass(&self, drains: &mut JoinSet<()>, stop: &CancellationToken) -> Result<()> {
        while fan_out::pass(&self.db).await? == fan_out::BATCH {}
        let free = CONCURRENCY.saturating_sub(drains.len());
        if free == 0 {
            return Ok(());
        }
        for subscription_id in lease::due(&self.db, free).await? {
            let token = Uuid::now_v7();
            if !lease::claim(&self.db, subscription_id, token, self.options.lease()).await? {
                continue;
            }
            let relay = self.clone();
            let stop = stop.clone();
            drains.spawn(async move {
                let lease = lease::Lease {
                    subscription_id,
                    token,
                };
                if let Err(err) = drain::run(&relay, &lease, &stop).await {
                    tracing::warn!(
                        subscription = %subscription_id,
                        error = %err,
                        "webhook deliveries stopped; retrying next tick"
                    );
                }
                if let Err(err) = lease::release(&relay.db, &lease).await {
                    tracing::warn!(subscription = %subscription_id, error = %err,
                        "could not release a webhook lease; it lapses on its own");
                }
            });
        }
        Ok(())
    }
}
