//! The database connections and where writes go. Reads use a pool. Every write runs in a
//! transaction the caller begins here (`Database::begin`) and commits; domain functions only take
//! `&impl ConnectionTrait` and never open their own.
//!
//! On PostgreSQL reads and writes share one pool. On SQLite (the embedded default) the file is in
//! WAL mode with `synchronous=NORMAL`, so readers never wait for the writer; writes go through a
//! single writer connection and begin `IMMEDIATE`, so concurrent writers queue for it (in this
//! process at the pool, across processes on the busy timeout) instead of failing with "database
//! is locked" halfway through a transaction.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::Context;
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, Database as SeaDatabase, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

use crate::config::Settings;

/// How long a write waits for the SQLite write lock held by another process.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a request waits for a pooled connection (on SQLite: for its turn to write).
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(30);

/// The application's database: a reading pool and the connection writes go through.
#[derive(Clone)]
pub struct Database {
    reader: DatabaseConnection,
    writer: DatabaseConnection,
    statements: StatementCounter,
}

/// Counts every SQL statement the application sends; exported on `/metrics` so that tests and
/// operators can see how many statements a request costs.
#[derive(Debug, Default, Clone)]
pub struct StatementCounter(Arc<AtomicU64>);

impl StatementCounter {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }

    fn attach(&self, db: &mut DatabaseConnection) {
        let count = self.0.clone();
        db.set_metric_callback(move |_| {
            count.fetch_add(1, Ordering::Relaxed);
        });
    }
}

/// Connects to the configured database, creating the embedded SQLite file if needed.
pub async fn connect(settings: &Settings) -> anyhow::Result<Database> {
    if settings.is_embedded_database() && settings.database_url.is_none() {
        std::fs::create_dir_all(&settings.data_dir).with_context(|| {
            format!(
                "Failed to create the data dir {}",
                settings.data_dir.display()
            )
        })?;
    }
    let url = settings.database_url();
    let statements = StatementCounter::default();
    let mut reader = open(&url, settings.database_max_connections).await?;
    statements.attach(&mut reader);
    let writer = match reader.get_database_backend() {
        DbBackend::Sqlite => {
            let mut writer = open(&url, 1).await?;
            statements.attach(&mut writer);
            writer
        }
        _ => reader.clone(),
    };
    Ok(Database {
        reader,
        writer,
        statements,
    })
}

async fn open(url: &str, max_connections: u32) -> anyhow::Result<DatabaseConnection> {
    let mut options = ConnectOptions::new(url.to_string());
    options
        .max_connections(max_connections)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(embedded_options);
    SeaDatabase::connect(options)
        .await
        .with_context(|| format!("Failed to connect to the database at {}", redact(url)))
}

fn embedded_options(options: SqliteConnectOptions) -> SqliteConnectOptions {
    options
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(SQLITE_BUSY_TIMEOUT)
        .foreign_keys(true)
}

impl Database {
    /// The pool for reads.
    pub fn reader(&self) -> &DatabaseConnection {
        &self.reader
    }

    pub fn backend(&self) -> DbBackend {
        self.reader.get_database_backend()
    }

    /// Begins a write transaction; the caller commits it (dropping it rolls back).
    pub async fn begin(&self) -> Result<DatabaseTransaction, DbErr> {
        let mode = match self.backend() {
            DbBackend::Sqlite => Some(SqliteTransactionMode::Immediate),
            _ => None,
        };
        self.writer
            .begin_with_options(TransactionOptions {
                sqlite_transaction_mode: mode,
                ..TransactionOptions::default()
            })
            .await
    }

    /// SQL statements sent so far, reads and writes.
    pub fn statements(&self) -> u64 {
        self.statements.get()
    }

    /// Closes every connection.
    pub async fn close(self) -> Result<(), DbErr> {
        let separate_writer = self.backend() == DbBackend::Sqlite;
        if separate_writer {
            self.writer.close().await?;
        }
        self.reader.close().await
    }
}

/// Hides the password of a database URL for logs.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://***{}", &url[..scheme], &url[at..])
        }
        _ => url.to_string(),
    }
}
