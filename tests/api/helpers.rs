//! The test harness: `spawn_app()` starts the real server on a random port against a fresh
//! PostgreSQL database (cloned from a template migrated once per run) and the machine's Redis;
//! `spawn_app_on(Backend::Sqlite)` starts it on the embedded default instead (a fresh SQLite file,
//! the in-process cache). PostgreSQL and Redis are required: a missing one fails the test loudly.
//!
//! Test databases clean up after themselves (`databases`).

mod databases;

use std::sync::Arc;

use sea_orm::DatabaseConnection;
use serde_json::{Value, json};
use uuid::Uuid;
use vitrine::config::Settings;
use vitrine::db::Database;
use vitrine::payments::TestGateway;
use vitrine::product_search::ProductSearch;
use vitrine::startup::{self, Application};

pub use self::databases::empty_database;
use self::databases::{Scratch, migrated_database};
use vitrine::stores::{self, CreatedStore};

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

fn settings(database_url: Option<String>, data_dir: Option<std::path::PathBuf>) -> Settings {
    Settings {
        listen: "127.0.0.1:0".into(),
        data_dir: data_dir.unwrap_or_else(std::env::temp_dir),
        database_url,
        redis_url: None,
        redis_key_prefix: String::new(),
        database_max_connections: 20,
        log: "warn".into(),
        hold_sweep_seconds: 0.2,
        checkout_lock_seconds: 5.0,
        completer_grace_seconds: 0.5,
        completer_tick_seconds: 0.1,
        // An hour: no test waits for it; the reconciliation tests run their passes themselves.
        reconcile_interval_seconds: 3600.0,
        reconcile_lookback_hours: 192.0,
        stripe_secret_key: None,
        stripe_api_base: vitrine::payments::stripe::DEFAULT_API_BASE.into(),
        stripe_webhook_secret: None,
        gateway_timeout_seconds: 10.0,
        relay_tick_seconds: 0.05,
        webhook_timeout_seconds: 5.0,
        webhook_max_attempts: 12,
        webhook_retry_base_seconds: 0.05,
        webhook_retry_max_seconds: 1.0,
        // The tests' receivers listen on 127.0.0.1.
        webhook_allow_private_networks: true,
        purge_tick_seconds: 0.1,
        cdn_purge_kind: "none".into(),
        cdn_purge_url: None,
        cdn_purge_token: None,
        cdn_purge_retry_base_seconds: 0.05,
        cdn_purge_retry_max_seconds: 1.0,
        response_cache_enabled: true,
        response_cache_megabytes: 64,
        meili_url: None,
        meili_key: None,
        meili_index_prefix: "vitrine".into(),
        search_index_dir: None,
        search_index_tick_seconds: 0.05,
    }
}

/// Settings for a server on `database_url` (PostgreSQL) without Redis.
pub fn settings_for(database_url: String) -> Settings {
    settings(Some(database_url), None)
}

pub struct TestApp {
    pub address: String,
    pub database: Database,
    pub store: CreatedStore,
    /// The far side of the payment gateway, shared by every instance of this app.
    pub gateway: TestGateway,
    settings: Settings,
    client: reqwest::Client,
    /// The server's search backend and indexer.
    search: Option<ProductSearch>,
    _scratch: Vec<Scratch>,
}

/// A server started by `TestApp::instance_with`.
pub struct Instance {
    pub address: String,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Instance {
    /// Stops the server where it stands, as a crash would: requests and background work in
    /// flight are cut off.
    pub async fn kill(self) {
        self.task.abort();
        let _ = self.task.await;
    }
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
    spawn_app_with(backend, |_| {}).await
}

/// Starts the server on a fresh database of `backend` with settings changed by `configure`.
pub async fn spawn_app_with(backend: Backend, configure: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_app_with_gateway(backend, TestGateway::new(), configure).await
}

/// Starts the server with settings changed by `configure`, paying through `gateway`.
pub async fn spawn_app_with_gateway(
    backend: Backend,
    gateway: TestGateway,
    configure: impl FnOnce(&mut Settings),
) -> TestApp {
    vitrine::telemetry::init(&std::env::var("TEST_LOG").unwrap_or_else(|_| "off".into()));
    // Every app has a data dir of its own, for its SQLite database and its search index.
    let dir = std::env::temp_dir().join(format!("vitrine-test-{}", Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).expect("create the data dir");
    let mut scratch = vec![Scratch::Directory(dir.clone())];
    let settings = match backend {
        Backend::Postgres => {
            let (url, database) = migrated_database().await;
            scratch.push(database);
            let mut settings = settings(Some(url), Some(dir));
            settings.redis_url = Some(redis_url());
            settings
        }
        Backend::Sqlite => settings(None, Some(dir)),
    };
    let mut settings = settings;
    configure(&mut settings);
    let app = Application::build_with_gateway(&settings, Arc::new(gateway.clone()))
        .await
        .expect("Redis must be running on 127.0.0.1:6379 (see README)");
    let database = app.state().db.clone();
    let search = app.state().search.clone();
    if backend == Backend::Sqlite {
        startup::migrate(&database).await.expect("migrate");
    }
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    // The indexer's first pass (filling an empty index) is done before the test starts, so that
    // it never runs inside what a test measures.
    if let Some(search) = &search {
        wait_until_ready(search).await;
    }
    let store = create_store(&database, "Test Store").await;
    TestApp {
        address,
        database,
        store,
        gateway,
        settings,
        client: reqwest::Client::new(),
        search,
        _scratch: scratch,
    }
}

async fn wait_until_ready(search: &ProductSearch) {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    while !search.indexer().is_ready() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the search indexer's first pass did not end within 10 s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
}

/// A server whose background work (the sweep of expired holds, the completer, the relay) stays out of the
/// counts: each runs once at start and then not for an hour. Its response cache is off, so every
/// request reads the database.
pub async fn quiet_app() -> TestApp {
    spawn_app_with(Backend::Postgres, |settings| {
        quiet(settings);
        settings.response_cache_enabled = false;
    })
    .await
}

/// Settings whose search indexer takes in nothing after its first pass at start: the purge rows
/// a test counts are then the writes' own, without the index's later purge of its searches.
pub fn no_search_indexing(settings: &mut Settings) {
    settings.search_index_tick_seconds = 3600.0;
}

/// Settings whose background passes run once at start and then not for an hour.
pub fn quiet(settings: &mut Settings) {
    settings.hold_sweep_seconds = 3600.0;
    settings.completer_tick_seconds = 3600.0;
    settings.relay_tick_seconds = 3600.0;
    settings.purge_tick_seconds = 3600.0;
    no_search_indexing(settings);
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
    /// Starts another server on the same database (and Redis), as a second instance behind a
    /// load balancer would run; returns its address.
    pub async fn another_instance(&self) -> String {
        self.instance_with(|_| {}).await.address
    }

    /// Starts another server on the same database with settings changed by `configure`; it
    /// runs until killed (or the test ends).
    pub async fn instance_with(&self, configure: impl FnOnce(&mut Settings)) -> Instance {
        let mut settings = self.settings.clone();
        // A search index is one server's own.
        let index = format!("search-{}", Uuid::now_v7().simple());
        settings.search_index_dir = Some(settings.data_dir.join(index));
        configure(&mut settings);
        let gateway = Arc::new(self.gateway.clone());
        let app = Application::build_with_gateway(&settings, gateway)
            .await
            .expect("another instance");
        let address = format!("http://127.0.0.1:{}", app.port());
        Instance {
            address,
            task: tokio::spawn(app.run_until_stopped()),
        }
    }

    /// Waits until the search index has taken in every catalog change made so far.
    pub async fn search_caught_up(&self) {
        let indexer = self
            .search
            .as_ref()
            .expect("the server opened its search backend")
            .indexer();
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
        while !indexer
            .caught_up()
            .await
            .expect("read the indexer's progress")
        {
            assert!(
                tokio::time::Instant::now() < deadline,
                "the search index did not catch up within 5 s"
            );
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    }

    /// The settings the server was started with.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// A client for sending many requests at once.
    pub fn client(&self) -> reqwest::Client {
        self.client.clone()
    }

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

pub fn authorised(request: reqwest::RequestBuilder, who: As<'_>) -> reqwest::RequestBuilder {
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
/// `on_postgres::name` and `on_sqlite::name`. Prefixed with `multi_thread:`, the tests run on two
/// worker threads (as `serve` has), for tests whose server must not share one thread with the
/// load the test makes.
#[macro_export]
macro_rules! on_both_backends {
    (multi_thread: $($name:ident),* $(,)?) => {
        $crate::on_both_backends!(
            @tests #[tokio::test(flavor = "multi_thread", worker_threads = 2)] $($name),*
        );
    };
    (@tests #[$test:meta] $($name:ident),*) => {
        mod on_postgres {
            $(
                #[$test]
                async fn $name() {
                    super::$name($crate::helpers::Backend::Postgres).await
                }
            )*
        }
        mod on_sqlite {
            $(
                #[$test]
                async fn $name() {
                    super::$name($crate::helpers::Backend::Sqlite).await
                }
            )*
        }
    };
    ($($name:ident),* $(,)?) => {
        $crate::on_both_backends!(@tests #[tokio::test] $($name),*);
    };
}

/// Runs the `vitrine` command line with `args` against this app's database, Redis and search
/// index (through a config file, as an operator would).
pub async fn run_cli(app: &TestApp, args: &[&str]) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("vitrine-cli-{}", Uuid::now_v7()));
    std::fs::create_dir_all(&dir).expect("a config dir");
    let config = dir.join("vitrine.toml");
    let settings = app.settings();
    let mut toml = format!(
        "log = \"off\"\ndata_dir = {:?}\n",
        settings.data_dir.display().to_string()
    );
    if let Some(url) = &settings.database_url {
        toml.push_str(&format!("database_url = {url:?}\n"));
    }
    if let Some(url) = &settings.redis_url {
        toml.push_str(&format!("redis_url = {url:?}\n"));
    }
    if let Some(index) = &settings.search_index_dir {
        toml.push_str(&format!(
            "search_index_dir = {:?}\n",
            index.display().to_string()
        ));
    }
    std::fs::write(&config, toml).expect("write the config");
    let config = config.display().to_string();
    let mut argv = vec!["vitrine", "--config", config.as_str()];
    argv.extend_from_slice(args);
    let cli = <vitrine::cli::Cli as clap::Parser>::parse_from(argv);
    let ran = vitrine::cli::run(cli).await;
    std::fs::remove_dir_all(&dir).ok();
    ran
}
