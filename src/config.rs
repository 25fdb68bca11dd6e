//! Settings, layered: built-in defaults, then an optional `vitrine.toml`, then the environment
//! (`DATABASE_URL`, `REDIS_URL`, `VITRINE_LISTEN`, `VITRINE_DATA_DIR`, `VITRINE_LOG`,
//! `STRIPE_SECRET_KEY`, `STRIPE_WEBHOOK_SECRET`, `VITRINE_CDN_PURGE_KIND`, …), then the command-line flags. With nothing
//! configured Vitrine runs on its embedded defaults: SQLite and an in-process cache under
//! `./data`, listening on 127.0.0.1:8080, charging the built-in test gateway.

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    /// Address to listen on, `host:port`; port 0 picks a free port.
    pub listen: String,
    /// Where the embedded SQLite database lives.
    pub data_dir: PathBuf,
    /// `postgres://…` for PostgreSQL, `sqlite://…` for a specific SQLite file; empty for the
    /// embedded SQLite database in the data dir.
    #[serde(default)]
    pub database_url: Option<String>,
    /// `redis://…` to share the cache between instances; empty for the in-process cache.
    #[serde(default)]
    pub redis_url: Option<String>,
    /// Put in front of every Redis key, so deployments (or test runs) can share one Redis;
    /// empty by default.
    #[serde(default)]
    pub redis_key_prefix: String,
    /// Maximum database connections in the pool.
    pub database_max_connections: u32,
    /// A `tracing` filter such as `info` or `vitrine=debug,sqlx=warn`.
    pub log: String,
    /// How often, in seconds, expired stock holds are released (fractions allowed).
    pub hold_sweep_seconds: f64,
    /// How long a checkout may go unheard of before another request or the completer takes
    /// its idempotency key over (longer than the gateway's timeout).
    pub checkout_lock_seconds: f64,
    /// How long the completer leaves a checkout or a payment follow-up to the request that
    /// started it before finishing it itself.
    pub completer_grace_seconds: f64,
    /// How often the completer looks for unfinished checkouts and payments.
    pub completer_tick_seconds: f64,
    /// How often payments are reconciled with the gateway's books (one instance at a time).
    pub reconcile_interval_seconds: f64,
    /// How far back reconciliation looks, in hours: longer than an authorization lives.
    pub reconcile_lookback_hours: f64,
    /// Stripe's secret key (`sk_…`); with none, payments go to the built-in test gateway.
    #[serde(default)]
    pub stripe_secret_key: Option<Secret>,
    /// Where Stripe's API is (a stand-in in tests).
    pub stripe_api_base: String,
    /// The signing secret of the Stripe webhook endpoint (`whsec_…`, shown when the endpoint is
    /// added in Stripe's dashboard); `POST /webhooks/stripe` accepts only events signed with it,
    /// and answers 503 while it is not set.
    #[serde(default)]
    pub stripe_webhook_secret: Option<Secret>,
    /// How long, in seconds, one call to the payment gateway may take (fractions allowed);
    /// past it the outcome is unknown.
    pub gateway_timeout_seconds: f64,
    /// How often, in seconds, the outbox relay looks for new events and due retries.
    pub relay_tick_seconds: f64,
    /// How long, in seconds, a webhook receiver may take to answer before the attempt fails.
    pub webhook_timeout_seconds: f64,
    /// Attempts at one webhook delivery before it is marked failed and the subscription moves on.
    pub webhook_max_attempts: u32,
    /// The wait before the first retry, doubled after each failure (with jitter).
    pub webhook_retry_base_seconds: f64,
    /// The longest wait between two attempts.
    pub webhook_retry_max_seconds: f64,
    /// Whether webhooks may be delivered to loopback and private addresses (off: a callback URL
    /// is a merchant's input, and must not reach the servers' own network). Turn it on to
    /// receive webhooks on a development machine.
    pub webhook_allow_private_networks: bool,
    /// How often, in seconds, the purge worker drops what writes made stale from the response
    /// cache and sends the CDN its purges (fractions allowed).
    pub purge_tick_seconds: f64,
    /// Which CDN to purge: `none`, `fastly` or `varnish` (`cdn::CdnKind`).
    pub cdn_purge_kind: String,
    /// Fastly: the service's API URL, `https://api.fastly.com/service/{service_id}`. Varnish: the
    /// URL its `PURGE` requests go to.
    #[serde(default)]
    pub cdn_purge_url: Option<String>,
    /// Fastly: an API token allowed to purge the service (sent as `Fastly-Key`). Varnish: sent as
    /// a bearer token when set.
    #[serde(default)]
    pub cdn_purge_token: Option<Secret>,
    /// The wait before the first retry of a failed CDN purge, doubled after each failure (with
    /// jitter).
    pub cdn_purge_retry_base_seconds: f64,
    /// The longest wait between two attempts at a CDN purge.
    pub cdn_purge_retry_max_seconds: f64,
    /// Whether public catalog responses are kept at the origin (off to measure without it).
    pub response_cache_enabled: bool,
    /// The most response bytes this process keeps in its own cache.
    pub response_cache_megabytes: u64,
    /// `http://…` of the Meilisearch server that serves search; empty for the embedded Tantivy
    /// index in the data dir (`{data_dir}/search`, one server's own).
    #[serde(default)]
    pub meili_url: Option<String>,
    /// Meilisearch's master key; searches then run under per-store tenant tokens.
    #[serde(default)]
    pub meili_key: Option<Secret>,
    /// Put in front of the Meilisearch index names (`{prefix}_products`, `{prefix}_content`).
    pub meili_index_prefix: String,
    /// Where the embedded search index lives; `{data_dir}/search` when empty. One server's own:
    /// run Meilisearch for several.
    #[serde(default)]
    pub search_index_dir: Option<PathBuf>,
    /// How often, in seconds, the search indexer takes in the catalog's changes.
    pub search_index_tick_seconds: f64,
}

/// A setting that must not be printed: `Debug` shows `[redacted]`.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The value itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Values given on the command line; they override every other layer.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub config_file: Option<PathBuf>,
    pub listen: Option<String>,
    pub data_dir: Option<PathBuf>,
}

const ENVIRONMENT: [(&str, &str); 36] = [
    ("database_url", "DATABASE_URL"),
    ("redis_url", "REDIS_URL"),
    ("redis_key_prefix", "VITRINE_REDIS_KEY_PREFIX"),
    ("listen", "VITRINE_LISTEN"),
    ("data_dir", "VITRINE_DATA_DIR"),
    ("log", "VITRINE_LOG"),
    (
        "database_max_connections",
        "VITRINE_DATABASE_MAX_CONNECTIONS",
    ),
    ("hold_sweep_seconds", "VITRINE_HOLD_SWEEP_SECONDS"),
    ("checkout_lock_seconds", "VITRINE_CHECKOUT_LOCK_SECONDS"),
    ("completer_grace_seconds", "VITRINE_COMPLETER_GRACE_SECONDS"),
    ("completer_tick_seconds", "VITRINE_COMPLETER_TICK_SECONDS"),
    (
        "reconcile_interval_seconds",
        "VITRINE_RECONCILE_INTERVAL_SECONDS",
    ),
    (
        "reconcile_lookback_hours",
        "VITRINE_RECONCILE_LOOKBACK_HOURS",
    ),
    ("stripe_secret_key", "STRIPE_SECRET_KEY"),
    ("stripe_api_base", "STRIPE_API_BASE"),
    ("stripe_webhook_secret", "STRIPE_WEBHOOK_SECRET"),
    ("gateway_timeout_seconds", "VITRINE_GATEWAY_TIMEOUT_SECONDS"),
    ("relay_tick_seconds", "VITRINE_RELAY_TICK_SECONDS"),
    ("webhook_timeout_seconds", "VITRINE_WEBHOOK_TIMEOUT_SECONDS"),
    ("webhook_max_attempts", "VITRINE_WEBHOOK_MAX_ATTEMPTS"),
    (
        "webhook_retry_base_seconds",
        "VITRINE_WEBHOOK_RETRY_BASE_SECONDS",
    ),
    (
        "webhook_retry_max_seconds",
        "VITRINE_WEBHOOK_RETRY_MAX_SECONDS",
    ),
    (
        "webhook_allow_private_networks",
        "VITRINE_WEBHOOK_ALLOW_PRIVATE_NETWORKS",
    ),
    ("purge_tick_seconds", "VITRINE_PURGE_TICK_SECONDS"),
    ("cdn_purge_kind", "VITRINE_CDN_PURGE_KIND"),
    ("cdn_purge_url", "VITRINE_CDN_PURGE_URL"),
    ("cdn_purge_token", "VITRINE_CDN_PURGE_TOKEN"),
    (
        "cdn_purge_retry_base_seconds",
        "VITRINE_CDN_PURGE_RETRY_BASE_SECONDS",
    ),
    (
        "cdn_purge_retry_max_seconds",
        "VITRINE_CDN_PURGE_RETRY_MAX_SECONDS",
    ),
    ("response_cache_enabled", "VITRINE_RESPONSE_CACHE_ENABLED"),
    (
        "response_cache_megabytes",
        "VITRINE_RESPONSE_CACHE_MEGABYTES",
    ),
    ("meili_url", "MEILI_URL"),
    ("meili_key", "MEILI_KEY"),
    ("meili_index_prefix", "VITRINE_MEILI_INDEX_PREFIX"),
    ("search_index_dir", "VITRINE_SEARCH_INDEX_DIR"),
    (
        "search_index_tick_seconds",
        "VITRINE_SEARCH_INDEX_TICK_SECONDS",
    ),
];

impl Settings {
    /// Reads every layer and returns the merged settings.
    pub fn load(overrides: &Overrides) -> anyhow::Result<Settings> {
        let file = overrides
            .config_file
            .clone()
            .or_else(|| std::env::var_os("VITRINE_CONFIG").map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from("vitrine.toml"));
        let mut builder = config::Config::builder()
            .set_default("listen", "127.0.0.1:8080")?
            .set_default("data_dir", "./data")?
            .set_default("database_max_connections", 10)?
            .set_default("log", "info,sqlx=warn,sea_orm=warn")?
            .set_default("hold_sweep_seconds", 5.0)?
            .set_default("checkout_lock_seconds", 30.0)?
            .set_default("completer_grace_seconds", 10.0)?
            .set_default("completer_tick_seconds", 1.0)?
            .set_default("reconcile_interval_seconds", 600.0)?
            .set_default("reconcile_lookback_hours", 192.0)?
            .set_default("stripe_api_base", crate::payments::stripe::DEFAULT_API_BASE)?
            .set_default("gateway_timeout_seconds", 10.0)?
            .set_default("relay_tick_seconds", 0.25)?
            .set_default("webhook_timeout_seconds", 5.0)?
            .set_default("webhook_max_attempts", 12)?
            .set_default("webhook_retry_base_seconds", 15.0)?
            .set_default("webhook_retry_max_seconds", 3600.0)?
            .set_default("webhook_allow_private_networks", false)?
            .set_default("purge_tick_seconds", 0.1)?
            .set_default("cdn_purge_kind", "none")?
            .set_default("cdn_purge_retry_base_seconds", 1.0)?
            .set_default("cdn_purge_retry_max_seconds", 300.0)?
            .set_default("response_cache_enabled", true)?
            .set_default("response_cache_megabytes", 256)?
            .set_default("meili_index_prefix", "vitrine")?
            .set_default("search_index_tick_seconds", 0.2)?
            .add_source(config::File::from(file.as_path()).required(false));
        for (key, variable) in ENVIRONMENT {
            let value = std::env::var(variable).ok().filter(|v| !v.is_empty());
            builder = builder.set_override_option(key, value)?;
        }
        builder = builder
            .set_override_option("listen", overrides.listen.clone())?
            .set_override_option("data_dir", overrides.data_dir.as_deref().map(path_string))?;
        builder
            .build()
            .and_then(|config| config.try_deserialize())
            .with_context(|| format!("Failed to read settings (config file {})", file.display()))
    }

    /// The database to connect to: the configured URL, or the SQLite file in the data dir.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!(
                "sqlite://{}?mode=rwc",
                path_string(&self.data_dir.join("vitrine.db"))
            ),
        }
    }

    /// Whether the database is the embedded SQLite one.
    pub fn is_embedded_database(&self) -> bool {
        self.database_url().starts_with("sqlite:")
    }
}

fn path_string(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}
