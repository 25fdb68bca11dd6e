//! The schema: instances that start together migrate once, and every foreign key of a tenant
//! table is indexed behind `store_id`.

use sea_orm::{ConnectionTrait, Statement};
use tokio::task::JoinSet;
use vitrine::startup;

use crate::helpers::{empty_database, settings_for, spawn_app};

const INSTANCES: usize = 4;
const TRIALS: usize = 5;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_started_together_on_a_fresh_database_migrate_once() {
    for trial in 0..TRIALS {
        let (url, _dropped_at_end) = empty_database().await;
        let mut instances = JoinSet::new();
        for _ in 0..INSTANCES {
            let settings = settings_for(url.clone());
            instances.spawn(async move {
                let db = vitrine::db::connect(&settings).await.expect("connect");
                let migrated = startup::migrate(&db).await;
                db.close().await.expect("close");
                migrated
            });
        }
        while let Some(done) = instances.join_next().await {
            done.unwrap()
                .unwrap_or_else(|err| panic!("trial {trial}: an instance failed: {err:?}"));
        }
        let db = sea_orm::Database::connect(&url).await.unwrap();
        let applied = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                "SELECT COUNT(*) AS n FROM seaql_migrations",
            ))
            .await
            .unwrap()
            .unwrap();
        let expected = <migrations::Migrator as migrations::MigratorTrait>::migrations().len();
        assert_eq!(applied.try_get::<i64>("", "n").unwrap(), expected as i64);
        db.close().await.unwrap();
    }
}

/// Single-column foreign keys of tables with a `store_id`, other than `store_id` itself, that no
/// index covers as `(store_id, column, …)`.
const UNINDEXED_FOREIGN_KEYS: &str = "
SELECT c.conrelid::regclass::text AS table_name, a.attname AS column_name
FROM pg_constraint c
JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
WHERE c.contype = 'f'
  AND array_length(c.conkey, 1) = 1
  AND a.attname <> 'store_id'
  AND EXISTS (SELECT 1 FROM pg_attribute s WHERE s.attrelid = c.conrelid AND s.attname = 'store_id')
  AND NOT EXISTS (
    SELECT 1 FROM pg_index i
    JOIN pg_attribute first ON first.attrelid = i.indrelid AND first.attnum = i.indkey[0]
    WHERE i.indrelid = c.conrelid AND first.attname = 'store_id' AND i.indkey[1] = c.conkey[1]
  )
ORDER BY 1, 2";

#[tokio::test]
async fn every_foreign_key_of_a_tenant_table_is_indexed_behind_store_id() {
    let app = spawn_app().await;
    let rows = app
        .db()
        .query_all_raw(Statement::from_string(
            app.db().get_database_backend(),
            UNINDEXED_FOREIGN_KEYS,
        ))
        .await
        .unwrap();
    let unindexed: Vec<String> = rows
        .iter()
        .map(|row| {
            let table: String = row.try_get("", "table_name").unwrap();
            let column: String = row.try_get("", "column_name").unwrap();
            format!("{table}.{column}")
        })
        .collect();
    assert_eq!(unindexed, Vec::<String>::new());
}
