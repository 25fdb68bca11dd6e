//! Test databases on the PostgreSQL server: a template migrated once per run, a clone of it per
//! test, dropped when the test's `TestApp` goes (pass or fail). A run proves it is alive by a
//! session advisory lock held for as long as its process lives; databases are named after their
//! run (`vitrine_t{run}_{unique}`), and the first test of a run drops the databases of runs
//! whose lock is free, i.e. runs that died. Runs on other machines sharing the server are safe.

use std::sync::LazyLock;

use sea_orm::sqlx::{Connection, postgres::PgConnection};
use sea_orm::{ConnectionTrait, Database as Connect, DatabaseConnection, Statement};
use tokio::sync::{Mutex, OnceCell};
use uuid::Uuid;
use vitrine::startup;

/// The PostgreSQL server, without a database name (`postgres://user@host:port`);
/// `TEST_DATABASE_URL` overrides it.
pub fn server_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

const PREFIX: &str = "vitrine_t";
/// The first key of the advisory locks that mark live runs (the second is the run id).
const RUN_LOCKS: i32 = 0x7674; // "vt"

/// This run's id, and the lock that says it is alive (taken on first use, held until exit).
static RUN: LazyLock<i32> = LazyLock::new(|| {
    let run = (rand::random::<u32>() >> 1) as i32;
    let (locked, taken) = std::sync::mpsc::channel();
    // A thread of its own, so the connection outlives every test's runtime.
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async {
            let mut connection = PgConnection::connect(&format!("{}/postgres", server_url()))
                .await
                .expect("PostgreSQL must be running on 127.0.0.1:5432 (see README)");
            sea_orm::sqlx::query("SELECT pg_advisory_lock($1, $2)")
                .bind(RUN_LOCKS)
                .bind(run)
                .execute(&mut connection)
                .await
                .expect("take the run lock");
            locked.send(()).expect("report the run lock");
            std::future::pending::<()>().await;
        });
    });
    taken.recv().expect("the run lock");
    run
});

static TEMPLATE: OnceCell<String> = OnceCell::const_new();
/// `CREATE DATABASE … TEMPLATE` must not run while another copy of the template is made.
static CLONING: LazyLock<Mutex<()>> = LazyLock::new(|| Mutex::new(()));

pub async fn admin_connection() -> DatabaseConnection {
    Connect::connect(format!("{}/postgres", server_url()))
        .await
        .expect("PostgreSQL must be running on 127.0.0.1:5432 (see README)")
}

/// A new database name of this run.
fn database_name() -> String {
    let run = *RUN;
    format!("{PREFIX}{run}_{}", Uuid::now_v7().simple())
}

/// A template database with every migration applied, made once per test run, after dropping
/// the databases of runs that died.
async fn template() -> &'static str {
    TEMPLATE
        .get_or_init(|| async {
            let admin = admin_connection().await;
            drop_orphans(&admin).await;
            let name = database_name();
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create template");
            let settings = super::settings_for(format!("{}/{name}", server_url()));
            let db = vitrine::db::connect(&settings)
                .await
                .expect("connect template");
            startup::migrate(&db).await.expect("migrate template");
            db.close().await.expect("close template");
            name
        })
        .await
}

/// Drops the test databases of runs whose lock is free (their process is gone).
async fn drop_orphans(admin: &DatabaseConnection) {
    let sql = format!("SELECT datname FROM pg_database WHERE datname LIKE '{PREFIX}%'");
    let rows = admin
        .query_all_raw(Statement::from_string(admin.get_database_backend(), sql))
        .await
        .expect("list test databases");
    for row in rows {
        let name: String = row.try_get("", "datname").expect("datname");
        let run = name
            .strip_prefix(PREFIX)
            .and_then(|rest| rest.split('_').next())
            .and_then(|run| run.parse::<i32>().ok());
        let dead = match run {
            Some(run) => run_is_dead(admin, run).await,
            None => false,
        };
        if dead {
            let _ = admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await;
        }
    }
}

/// Whether nobody holds the run's lock; asked in a transaction, so the probe lets go at once.
async fn run_is_dead(admin: &DatabaseConnection, run: i32) -> bool {
    let sql = format!("SELECT pg_try_advisory_xact_lock({RUN_LOCKS}, {run}) AS free");
    let tx = sea_orm::TransactionTrait::begin(admin)
        .await
        .expect("begin");
    let free = tx
        .query_one_raw(Statement::from_string(tx.get_database_backend(), sql))
        .await
        .ok()
        .flatten()
        .and_then(|row| row.try_get::<bool>("", "free").ok())
        .unwrap_or(false);
    let _ = tx.commit().await;
    free
}

/// A fresh, migrated database cloned from the template; dropped with the guard.
pub async fn migrated_database() -> (String, Scratch) {
    let template = template().await;
    let name = database_name();
    {
        let _guard = CLONING.lock().await;
        admin_connection()
            .await
            .execute_unprepared(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
            .await
            .expect("clone the template database");
    }
    (format!("{}/{name}", server_url()), Scratch::Database(name))
}

/// An empty PostgreSQL database (no migrations), dropped with the guard.
pub async fn empty_database() -> (String, Scratch) {
    let name = database_name();
    admin_connection()
        .await
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create a database");
    (format!("{}/{name}", server_url()), Scratch::Database(name))
}

/// What a test removes when it is done.
pub enum Scratch {
    Database(String),
    Directory(std::path::PathBuf),
}

impl Drop for Scratch {
    fn drop(&mut self) {
        match self {
            Scratch::Database(name) => {
                let name = name.clone();
                // Drop runs inside the test's runtime, which cannot block on itself.
                let dropped = std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .expect("runtime");
                    runtime.block_on(async {
                        let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                        admin_connection().await.execute_unprepared(&sql).await
                    })
                });
                let _ = dropped.join();
            }
            Scratch::Directory(path) => {
                let _ = std::fs::remove_dir_all(path);
            }
        }
    }
}
