//! The test harness: `spawn_app()` starts the real server on a random port against a fresh
//! PostgreSQL database (cloned from a template migrated once per run) and the machine's Redis.
//! Both services are required: a missing one fails the test loudly.

use std::sync::LazyLock;

use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{Value, json};
use tokio::sync::{Mutex, OnceCell};
use uuid::Uuid;
use vitrine::config::Settings;
use vitrine::startup::{self, Application};
use vitrine::stores::{self, CreatedStore};

/// The PostgreSQL server (no database part); `TEST_DATABASE_URL` overrides it.
fn server_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

fn redis_url() -> String {
    std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

static TEMPLATE: OnceCell<String> = OnceCell::const_new();
/// `CREATE DATABASE … TEMPLATE` must not run while another copy of the template is made.
static CLONING: LazyLock<Mutex<()>> = LazyLock::new(|| Mutex::new(()));

async fn admin_connection() -> DatabaseConnection {
    Database::connect(format!("{}/postgres", server_url()))
        .await
        .expect("PostgreSQL must be running on 127.0.0.1:5432 (see README)")
}

/// A template database with every migration applied, made once per test run.
async fn template() -> &'static str {
    TEMPLATE
        .get_or_init(|| async {
            let name = format!("vitrine_template_{}", Uuid::now_v7().simple());
            let admin = admin_connection().await;
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create template");
            let db = Database::connect(format!("{}/{name}", server_url()))
                .await
                .expect("connect template");
            startup::migrate(&db).await.expect("migrate template");
            db.close().await.expect("close template");
            name
        })
        .await
}

pub struct TestApp {
    pub address: String,
    pub db: DatabaseConnection,
    pub store: CreatedStore,
    client: reqwest::Client,
}

/// Who a request is sent as.
#[derive(Clone, Copy)]
pub enum As<'a> {
    Storefront(&'a CreatedStore),
    Admin(&'a CreatedStore),
    Nobody,
}

/// Starts the server on a fresh database with one store in it.
pub async fn spawn_app() -> TestApp {
    vitrine::telemetry::init(&std::env::var("TEST_LOG").unwrap_or_else(|_| "off".into()));
    let template = template().await;
    let name = format!("vitrine_test_{}", Uuid::now_v7().simple());
    {
        let _guard = CLONING.lock().await;
        let admin = admin_connection().await;
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
            .await
            .expect("clone the template database");
    }
    let database_url = format!("{}/{name}", server_url());
    let settings = Settings {
        listen: "127.0.0.1:0".into(),
        data_dir: std::env::temp_dir(),
        database_url: Some(database_url.clone()),
        redis_url: Some(redis_url()),
        database_max_connections: 20,
        log: "warn".into(),
    };
    let app = Application::build(&settings)
        .await
        .expect("Redis must be running on 127.0.0.1:6379 (see README)");
    let address = format!("http://127.0.0.1:{}", app.port());
    let db = app.state().db.clone();
    tokio::spawn(app.run_until_stopped());
    let store = create_store(&db, "Test Store").await;
    TestApp {
        address,
        db,
        store,
        client: reqwest::Client::new(),
    }
}

/// Creates another store with a unique domain.
pub async fn create_store(db: &DatabaseConnection, name: &str) -> CreatedStore {
    let domain = format!("s{}.example.test", Uuid::now_v7().simple());
    stores::create_store(db, name, &domain, "USD")
        .await
        .expect("create store")
}

impl TestApp {
    /// Sends a GraphQL request; returns the HTTP status and the JSON body.
    pub async fn request(
        &self,
        who: As<'_>,
        document: &str,
        operation: Option<&str>,
        variables: Value,
    ) -> (u16, Value) {
        let mut request = self
            .client
            .post(format!("{}/api/2025-01/graphql.json", self.address))
            .json(
                &json!({ "query": document, "operationName": operation, "variables": variables }),
            );
        request = match who {
            As::Storefront(store) => {
                request.header("X-Shopify-Storefront-Access-Token", &store.storefront_token)
            }
            As::Admin(store) => request.header("X-Shopify-Access-Token", &store.admin_token),
            As::Nobody => request,
        };
        let response = request.send().await.expect("send request");
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
