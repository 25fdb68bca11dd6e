//! Building the application: connect the database and cache, build the schema, bind the listener
//! (port 0 picks a free port, so tests can run many). Migrations are not run here: the `serve`
//! and `migrate` commands run them explicitly.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DbBackend};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_util::task::AbortOnDropHandle;

use crate::cache::cdn::CdnPurge;
use crate::cache::responses::ResponseCache;
use crate::cache::{self, Cache};
use crate::checkout::Checkout;
use crate::config::{Secret, Settings};
use crate::db::{self, Database};
use crate::http::warm::{self, WarmJob, Warmed, Warmer};
use crate::http::{self, HttpState};
use crate::payments::{self, PaymentGateway, reconcile};
use crate::product_search::ProductSearch;
use crate::stores::Store;
use crate::tenancy::Resolutions;
use crate::workers::{self, Purger, Relay, Ticks, purge, relay};

/// What every request shares: the database, the cache, checkout (with its gateway) and the
/// secret the gateway signs its webhooks with.
#[derive(Clone)]
pub struct AppState {
    pub db: Database,
    pub cache: Arc<dyn Cache>,
    /// Tenant resolutions: this instance's copies in front of `cache`.
    pub resolutions: Arc<Resolutions>,
    /// Whole responses of public catalog reads.
    pub responses: Arc<ResponseCache>,
    pub checkout: Checkout,
    pub stripe_webhook_secret: Option<Secret>,
    /// Pre-warms the response cache (`cacheWarm`).
    pub warmer: Warmer,
    /// The search backend; `None` when it could not be opened (the database answers).
    pub search: Option<ProductSearch>,
}

pub struct Application {
    listener: TcpListener,
    state: AppState,
    ticks: Ticks,
    relay: Relay,
    purger: Purger,
    warm_jobs: mpsc::UnboundedReceiver<WarmJob>,
    /// How often the search indexer runs.
    search_tick: Duration,
}

impl Application {
    /// Builds the application with the gateway the settings name.
    pub async fn build(settings: &Settings) -> anyhow::Result<Application> {
        Self::build_with_gateway(settings, payments::gateway_from(settings)?).await
    }

    /// Builds the application around a given gateway (tests share one between servers).
    pub async fn build_with_gateway(
        settings: &Settings,
        gateway: Arc<dyn PaymentGateway>,
    ) -> anyhow::Result<Application> {
        let db = db::connect(settings).await?;
        let cache =
            cache::connect(settings.redis_url.as_deref(), &settings.redis_key_prefix).await?;
        let responses = ResponseCache::connect(settings).await?;
        let listener = listen(&settings.listen)
            .await
            .with_context(|| format!("Failed to listen on {}", settings.listen))?;
        let ticks = Ticks {
            hold_sweep: seconds(settings.hold_sweep_seconds, "hold_sweep_seconds")?,
            completer: seconds(settings.completer_tick_seconds, "completer_tick_seconds")?,
            completer_grace: seconds(settings.completer_grace_seconds, "completer_grace_seconds")?,
            reconcile: seconds(
                settings.reconcile_interval_seconds,
                "reconcile_interval_seconds",
            )?,
            reconcile_options: reconcile_options(settings)?,
        };
        let checkout = checkout_for(settings, &db, gateway)?;
        let relay = Relay::new(db.clone(), relay_options(settings)?)?;
        let purger = Purger::new(
            db.clone(),
            responses.clone(),
            CdnPurge::from_settings(settings)?,
            purge_options(settings)?,
        );
        let (warmer, warm_jobs) = Warmer::new();
        let search = ProductSearch::connect(settings, &db).await;
        let search_tick = seconds(
            settings.search_index_tick_seconds,
            "search_index_tick_seconds",
        )?;
        Ok(Application {
            relay,
            purger,
            warm_jobs,
            listener,
            state: AppState {
                db,
                resolutions: Arc::new(Resolutions::new(cache.clone())),
                cache,
                responses,
                checkout,
                stripe_webhook_secret: settings.stripe_webhook_secret.clone(),
                warmer,
                search,
            },
            ticks,
            search_tick,
        })
    }

    pub fn port(&self) -> u16 {
        self.listener
            .local_addr()
            .map(|addr| addr.port())
            .unwrap_or_default()
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until the process is asked to stop (Ctrl-C or SIGTERM), running the background
    /// workers meanwhile.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let grace = self.relay.shutdown_grace();
        let workers = workers::spawn(
            self.state.db.clone(),
            self.state.checkout.clone(),
            self.ticks,
            self.relay,
            self.purger,
            self.state
                .search
                .as_ref()
                .map(|search| (search.indexer().clone(), self.search_tick)),
        );
        let state = HttpState::new(self.state);
        // The warmer holds the state (and so the sender of its own jobs): it ends when this
        // server ends, however it ends (a test aborting it included).
        let _warmer =
            AbortOnDropHandle::new(tokio::spawn(warm::serve(state.clone(), self.warm_jobs)));
        let router = http::router(state);
        let served = axum::serve(self.listener, router)
            .with_graceful_shutdown(shutdown_signal())
            .await
            .context("HTTP server failed");
        workers.stop(grace).await;
        served
    }

    /// Warms the response cache for `store` without serving (`vitrine cache warm`).
    pub async fn warm(self, store: &Store, version: &str) -> Warmed {
        let state = HttpState::new(self.state);
        warm::warm(&state, store, version).await
    }
}

/// Checkout on `db`, paying through `gateway`, with the settings' lock timeout.
pub fn checkout_for(
    settings: &Settings,
    db: &Database,
    gateway: Arc<dyn PaymentGateway>,
) -> anyhow::Result<Checkout> {
    let lock = seconds(settings.checkout_lock_seconds, "checkout_lock_seconds")?;
    Ok(Checkout {
        db: db.clone(),
        gateway,
        lock_timeout: chrono::Duration::from_std(lock)
            .context("checkout_lock_seconds is too large")?,
    })
}

/// What a reconciliation pass looks at: the settings' lookback, and the completer's grace as
/// the time it leaves a payment to whoever last changed it.
pub fn reconcile_options(settings: &Settings) -> anyhow::Result<reconcile::Options> {
    let hours = settings.reconcile_lookback_hours;
    let lookback = Duration::try_from_secs_f64(hours * 3600.0)
        .ok()
        .filter(|lookback| !lookback.is_zero())
        .with_context(|| {
            format!("reconcile_lookback_hours must be a positive number of hours, not {hours}")
        })?;
    let grace = seconds(settings.completer_grace_seconds, "completer_grace_seconds")?;
    let chrono =
        |d| chrono::Duration::from_std(d).context("a duration in the settings is too large");
    Ok(reconcile::Options {
        lookback: chrono(lookback)?,
        settle_after: chrono(grace)?,
    })
}

/// How the outbox relay delivers webhooks, from the settings.
pub fn relay_options(settings: &Settings) -> anyhow::Result<relay::Options> {
    anyhow::ensure!(
        settings.webhook_max_attempts > 0,
        "webhook_max_attempts must be at least 1"
    );
    Ok(relay::Options {
        tick: seconds(settings.relay_tick_seconds, "relay_tick_seconds")?,
        timeout: seconds(settings.webhook_timeout_seconds, "webhook_timeout_seconds")?,
        max_attempts: settings.webhook_max_attempts,
        retry_base: seconds(
            settings.webhook_retry_base_seconds,
            "webhook_retry_base_seconds",
        )?,
        retry_max: seconds(
            settings.webhook_retry_max_seconds,
            "webhook_retry_max_seconds",
        )?,
        private_networks: settings.webhook_allow_private_networks,
    })
}

/// How the purge worker purges, from the settings.
pub fn purge_options(settings: &Settings) -> anyhow::Result<purge::Options> {
    Ok(purge::Options {
        tick: seconds(settings.purge_tick_seconds, "purge_tick_seconds")?,
        retry_base: seconds(
            settings.cdn_purge_retry_base_seconds,
            "cdn_purge_retry_base_seconds",
        )?,
        retry_max: seconds(
            settings.cdn_purge_retry_max_seconds,
            "cdn_purge_retry_max_seconds",
        )?,
    })
}

/// Connections the kernel may queue before the server accepts them. A flash crowd connects all
/// at once; past the queue, the kernel drops connections the client already thinks are open,
/// and they hang until TCP gives up. The kernel caps it at `net.core.somaxconn`.
const LISTEN_BACKLOG: u32 = 4096;

/// Binds `address` (`host:port`) with a deep accept queue.
async fn listen(address: &str) -> anyhow::Result<TcpListener> {
    let addr = tokio::net::lookup_host(address)
        .await?
        .next()
        .context("the address resolves to nothing")?;
    let socket = match addr {
        std::net::SocketAddr::V4(_) => tokio::net::TcpSocket::new_v4()?,
        std::net::SocketAddr::V6(_) => tokio::net::TcpSocket::new_v6()?,
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    Ok(socket.listen(LISTEN_BACKLOG)?)
}

/// A positive number of seconds from the settings.
fn seconds(value: f64, name: &str) -> anyhow::Result<Duration> {
    Duration::try_from_secs_f64(value)
        .ok()
        .filter(|tick| !tick.is_zero())
        .with_context(|| format!("{name} must be a positive number of seconds"))
}

/// The PostgreSQL advisory lock that one migrator holds at a time (any constant, shared by all
/// instances).
const MIGRATION_LOCK: i64 = 0x0076_6974_7269_6e65; // "vitrine" in ASCII

/// Applies every pending migration, once, however many instances start together: they take turns
/// on a PostgreSQL advisory lock held by the migration transaction (on SQLite, on the write lock),
/// and each one after the first finds nothing left to do.
pub async fn migrate(db: &Database) -> anyhow::Result<()> {
    let tx = db
        .begin()
        .await
        .context("Failed to begin the migration transaction")?;
    if db.backend() == DbBackend::Postgres {
        tx.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))
            .await
            .context("Failed to take the migration lock")?;
    }
    Migrator::up(&tx, None)
        .await
        .context("Failed to run migrations")?;
    tx.commit().await.context("Failed to commit migrations")
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
