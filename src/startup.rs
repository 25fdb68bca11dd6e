//! Building the application: connect the database and cache, build the schema, bind the listener
//! (port 0 picks a free port, so tests can run many). Migrations are not run here: the `serve`
//! and `migrate` commands run them explicitly.

use std::sync::Arc;

use anyhow::Context;
use migrations::{Migrator, MigratorTrait};
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;

use crate::cache::{self, Cache};
use crate::config::Settings;
use crate::db::{self, StatementCounter};
use crate::graphql;
use crate::http::{self, HttpState};

/// What every request shares: the database, the cache, the statement counter.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub cache: Arc<dyn Cache>,
    pub statements: StatementCounter,
}

pub struct Application {
    listener: TcpListener,
    state: AppState,
}

impl Application {
    pub async fn build(settings: &Settings) -> anyhow::Result<Application> {
        let (db, statements) = db::connect(settings).await?;
        let cache = cache::connect(settings.redis_url.as_deref()).await?;
        let listener = TcpListener::bind(&settings.listen)
            .await
            .with_context(|| format!("Failed to listen on {}", settings.listen))?;
        Ok(Application {
            listener,
            state: AppState {
                db,
                cache,
                statements,
            },
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

    /// Serves until the process is asked to stop (Ctrl-C or SIGTERM).
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let schema = graphql::schema_builder().data(self.state.clone()).finish();
        let router = http::router(HttpState {
            app: self.state,
            schema,
        });
        axum::serve(self.listener, router)
            .with_graceful_shutdown(shutdown_signal())
            .await
            .context("HTTP server failed")
    }
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None)
        .await
        .context("Failed to run migrations")
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
