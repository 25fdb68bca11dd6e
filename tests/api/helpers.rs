//! The test harness: `spawn_app()` starts the real server on a random port against a fresh
//! PostgreSQL database (cloned from a template migrated once per run) and the machine's Redis;
//! `spawn_app_on(Backend::Sqlite)` starts it on the embedded default instead (a fresh SQLite file,
//! the in-process cache). PostgreSQL and Redis are required: a missing one fails the test loudly.
//!
//! Test databases clean up after themselves: each `TestApp` drops its database when it goes out
//! of scope (also when the test panics), and the first test of a run drops what runs that died
//! left behind (databases are named after the process that made them).

use std::sync::LazyLock;

use sea_orm::{ConnectionTrait, Database as Connect, DatabaseConnection};
use serde_json::{Value, json};
use tokio::sync::{Mutex, OnceCell};
use uuid::Uuid;
use vitrine::config::Settings;
use vitrine::db::Database;
use vitrine::startup::{self, Application};
use vitrine::stores::{self, CreatedStore};

/// The PostgreSQL server, without a database name (`postgres://user@host:port`);
/// `TEST_DATABASE_URL` overrides it.
fn server_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

fn redis_url() -> String {
    std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

/// Which database the server under test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// PostgreSQL and Redis, as in production.
    Postgres,
    /// The embedded default: SQLite and the in-process cache.
    Sqlite,
}

pub const BACKENDS: [Backend; 2] = [Backend::Postgres, Backend::Sqlite];

static TEMPLATE: OnceCell<String> = OnceCell::const_new();
/// `CREATE DATABASE … TEMPLATE` must not run while another copy of the template is made.
static CLONING: LazyLock<Mutex<()>> = LazyLock::new(|| Mutex::new(()));

const PREFIX: &str = "vitrine_t";

async fn admin_connection() -> DatabaseConnection {
    Connect::connect(format!("{}/postgres", server_url()))
        .await
        .expect("PostgreSQL must be running on 127.0.0.1:5432 (see README)")
}

/// A database name owned by this process: `vitrine_t{pid}_{unique}`.
fn database_name() -> String {
    format!("{PREFIX}{}_{}", std::process::id(), Uuid::now_v7().simple())
}

/// A template database with every migration applied, made once per test run, after dropping
/// the databases of runs whose process is gone.
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
            let settings = settings(Some(format!("{}/{name}", server_url())), None);
            let db = vitrine::db::connect(&settings)
                .await
                .expect("connect template");
            startup::migrate(&db).await.expect("migrate template");
            db.close().await.expect("close template");
            name
        })
        .await
}

/// Drops test databases whose owning process no longer runs.
async fn drop_orphans(admin: &DatabaseConnection) {
    let rows = admin
        .query_all_raw(sea_orm::Statement::from_string(
            admin.get_database_backend(),
            format!("SELECT datname FROM pg_database WHERE datname LIKE '{PREFIX}%'"),
        ))
        .await
        .expect("list test databases");
    for row in rows {
        let name: String = row.try_get("", "datname").expect("datname");
        let pid = name
            .strip_prefix(PREFIX)
            .and_then(|rest| rest.split('_').next())
            .and_then(|pid| pid.parse::<u32>().ok());
        let alive = pid.is_some_and(|pid| std::path::Path::new(&format!("/proc/{pid}")).exists());
        if !alive {
            let _ = admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await;
        }
    }
}

fn settings(database_url: Option<String>, data_dir: Option<std::path::PathBuf>) -> Settings {
    Settings {
        listen: "127.0.0.1:0".into(),
        data_dir: data_dir.unwrap_or_else(std::env::temp_dir),
        database_url,
        redis_url: None,
        database_max_connections: 20,
        log: "warn".into(),
    }
}

/// An empty PostgreSQL database (no migrations), dropped with the returned guard.
pub async fn empty_database() -> (String, impl Drop) {
    let name = database_name();
    admin_connection()
        .await
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create a database");
    (format!("{}/{name}", server_url()), Scratch::Database(name))
}

/// Settings for a server on `database_url` (PostgreSQL) without Redis.
pub fn settings_for(database_url: String) -> Settings {
    settings(Some(database_url), None)
}

/// What a `TestApp` removes when it is dropped.
enum Scratch {
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
                        admin_connection()
                            .await
                            .execute_unprepared(&format!(
                                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                            ))
                            .await
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

pub struct TestApp {
    pub address: String,
    pub database: Database,
    pub store: CreatedStore,
    client: reqwest::Client,
    _scratch: Scratch,
}

/// Who a request is sent as.
#[derive(Clone, Copy)]
pub enum As<'a> {
    Storefront(&'a CreatedStore),
    Admin(&'a CreatedStore),
    Nobody,
}

/// Starts the server on a fresh PostgreSQL database with one store in it.
pub async fn spawn_app() -> TestApp {
    spawn_app_on(Backend::Postgres).await
}

/// Starts the server on a fresh database of `backend` with one store in it.
pub async fn spawn_app_on(backend: Backend) -> TestApp {
    vitrine::telemetry::init(&std::env::var("TEST_LOG").unwrap_or_else(|_| "off".into()));
    let (settings, scratch) = match backend {
        Backend::Postgres => {
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
            let mut settings = settings(Some(format!("{}/{name}", server_url())), None);
            settings.redis_url = Some(redis_url());
            (settings, Scratch::Database(name))
        }
        Backend::Sqlite => {
            let dir =
                std::env::temp_dir().join(format!("vitrine-test-{}", Uuid::now_v7().simple()));
            std::fs::create_dir_all(&dir).expect("create the data dir");
            (settings(None, Some(dir.clone())), Scratch::Directory(dir))
        }
    };
    let app = Application::build(&settings)
        .await
        .expect("Redis must be running on 127.0.0.1:6379 (see README)");
    let database = app.state().db.clone();
    if backend == Backend::Sqlite {
        startup::migrate(&database).await.expect("migrate");
    }
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    let store = create_store(&database, "Test Store").await;
    TestApp {
        address,
        database,
        store,
        client: reqwest::Client::new(),
        _scratch: scratch,
    }
}

/// Creates another store with a unique domain.
pub async fn create_store(database: &Database, name: &str) -> CreatedStore {
    let domain = format!("s{}.example.test", Uuid::now_v7().simple());
    let tx = database.begin().await.expect("begin");
    let created = stores::create_store(&tx, name, &domain, "USD")
        .await
        .expect("create store");
    tx.commit().await.expect("commit");
    created
}

impl TestApp {
    /// The server's database, for reading what a test left behind.
    pub fn db(&self) -> &DatabaseConnection {
        self.database.reader()
    }

    /// The store of `self.store` as the domain sees it.
    pub async fn store_model(&self) -> stores::Store {
        stores::find_store(self.db(), self.store.store_id)
            .await
            .expect("find store")
            .expect("the test store exists")
    }

    /// Sends a GraphQL request; returns the HTTP status and the JSON body.
    pub async fn request(
        &self,
        who: As<'_>,
        document: &str,
        operation: Option<&str>,
        variables: Value,
    ) -> (u16, Value) {
        let body = json!({ "query": document, "operationName": operation, "variables": variables });
        self.send(who, body).await
    }

    /// Sends a raw JSON body to the GraphQL endpoint.
    pub async fn send(&self, who: As<'_>, body: Value) -> (u16, Value) {
        let request = self
            .client
            .post(format!("{}/api/2025-01/graphql.json", self.address))
            .json(&body);
        let response = authorised(request, who).send().await.expect("send request");
        let status = response.status().as_u16();
        (status, response.json().await.expect("JSON body"))
    }

    /// A storefront request for this app's store; fails the test on any GraphQL error.
    pub async fn storefront(&self, document: &str, variables: Value) -> Value {
        self.ok(As::Storefront(&self.store), document, None, variables)
            .await
    }

    /// An admin request (one operation of a document) for this app's store.
    pub async fn admin(&self, document: &str, operation: &str, variables: Value) -> Value {
        self.ok(As::Admin(&self.store), document, Some(operation), variables)
            .await
    }

    async fn ok(
        &self,
        who: As<'_>,
        document: &str,
        operation: Option<&str>,
        variables: Value,
    ) -> Value {
        let (status, body) = self.request(who, document, operation, variables).await;
        assert_eq!(status, 200, "unexpected status, body: {body}");
        assert!(body.get("errors").is_none(), "unexpected errors: {body}");
        body["data"].clone()
    }

    /// SQL statements the server has sent so far.
    pub async fn statements(&self) -> u64 {
        let text = self
            .client
            .get(format!("{}/metrics", self.address))
            .send()
            .await
            .expect("metrics")
            .text()
            .await
            .expect("metrics body");
        text.lines()
            .find_map(|line| line.strip_prefix("vitrine_sql_statements_total "))
            .and_then(|n| n.parse().ok())
            .expect("statement counter in /metrics")
    }

    /// Creates a product through the admin API and returns `productCreate.product`.
    pub async fn create_product(&self, input: Value) -> Value {
        let data = self
            .admin(PRODUCT_CREATE, "ProductCreate", json!({ "input": input }))
            .await;
        let payload = &data["productCreate"];
        assert_eq!(
            payload["userErrors"],
            json!([]),
            "productCreate refused: {payload}"
        );
        payload["product"].clone()
    }
}

fn authorised(request: reqwest::RequestBuilder, who: As<'_>) -> reqwest::RequestBuilder {
    match who {
        As::Storefront(store) => {
            request.header("X-Shopify-Storefront-Access-Token", &store.storefront_token)
        }
        As::Admin(store) => request.header("X-Shopify-Access-Token", &store.admin_token),
        As::Nobody => request,
    }
}

/// Creates a collection of `products` (as `productCreate` returned them); returns its handle.
pub async fn collection_of(app: &TestApp, title: &str, products: &[Value]) -> String {
    let ids: Vec<&Value> = products.iter().map(|p| &p["id"]).collect();
    let data = app
        .admin(
            include_str!("../../schema/operations/admin/collections.graphql"),
            "CollectionCreate",
            json!({ "input": { "title": title, "products": ids } }),
        )
        .await;
    assert_eq!(data["collectionCreate"]["userErrors"], json!([]));
    data["collectionCreate"]["collection"]["handle"]
        .as_str()
        .unwrap()
        .to_string()
}

pub const PRODUCT_CREATE: &str =
    include_str!("../../schema/operations/admin/product_create.graphql");

/// A product input with sizes S, M, L priced 10, 20, 30 and stock 5, 0, 2.
pub fn sized_product(title: &str, sku_prefix: &str) -> Value {
    json!({
        "title": title,
        "vendor": "Acme",
        "productType": "Tees",
        "tags": ["summer", "cotton"],
        "options": ["Size"],
        "variants": [
            { "sku": format!("{sku_prefix}-S"), "price": "10.00", "options": ["S"], "inventoryQuantity": 5 },
            { "sku": format!("{sku_prefix}-M"), "price": "20.00", "compareAtPrice": "25.00", "options": ["M"], "inventoryQuantity": 0 },
            { "sku": format!("{sku_prefix}-L"), "price": "30.00", "options": ["L"], "inventoryQuantity": 2 }
        ],
        "images": [{ "url": "https://cdn.example.test/a.jpg", "altText": title, "width": 800, "height": 600 }]
    })
}

/// Runs each `async fn name(backend: Backend)` of the calling module as two tests,
/// `on_postgres::name` and `on_sqlite::name`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod on_postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name($crate::helpers::Backend::Postgres).await
                }
            )*
        }
        mod on_sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name($crate::helpers::Backend::Sqlite).await
                }
            )*
        }
    };
}
