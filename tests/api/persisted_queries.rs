//! Persisted queries over real HTTP: Apollo's automatic persisted queries over POST and GET (on
//! PostgreSQL with Redis and on the embedded default with the in-process cache, since the two
//! keep them in different places), mutations refused over GET, trusted-documents mode, and the
//! edge settings that switch it on.

mod apq;
mod edge_settings;
mod mutations_over_get;
mod trusted;

use reqwest::header::HeaderMap;
use serde_json::{Value, json};
use vitrine::http::persisted::sha256_hex;

use crate::helpers::{As, TestApp, authorised};

const SETTINGS: &str = include_str!("../../schema/operations/admin/store_settings.graphql");
const DOCUMENTS: &str = include_str!("../../schema/operations/admin/trusted_documents.graphql");
const SHOP: &str = include_str!("../../schema/operations/storefront/shop.graphql");

/// An HTTP answer: status, headers and JSON body.
struct Answer {
    status: u16,
    headers: HeaderMap,
    body: Value,
}

impl Answer {
    async fn of(response: reqwest::Response) -> Answer {
        Answer {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: response.json().await.expect("JSON body"),
        }
    }

    /// The `extensions.code` of the first error, if any.
    fn code(&self) -> Option<&str> {
        self.body["errors"][0]["extensions"]["code"].as_str()
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

/// `extensions` naming the persisted query `text` by its hash.
fn persisted(text: &str) -> Value {
    persisted_hash(&sha256_hex(text))
}

fn persisted_hash(hash: &str) -> Value {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } })
}

fn endpoint(app: &TestApp) -> String {
    format!("{}/api/2025-01/graphql.json", app.address)
}

/// POSTs a JSON body to the GraphQL endpoint.
async fn post(app: &TestApp, who: As<'_>, body: Value) -> Answer {
    let request = app.client().post(endpoint(app)).json(&body);
    Answer::of(authorised(request, who).send().await.expect("POST")).await
}

/// GETs the GraphQL endpoint; JSON parameters (`variables`, `extensions`) are URL-encoded JSON.
async fn get(app: &TestApp, who: As<'_>, parameters: &[(&str, String)]) -> Answer {
    let request = app.client().get(endpoint(app)).query(parameters);
    Answer::of(authorised(request, who).send().await.expect("GET")).await
}

/// Switches the store's trusted-documents mode.
async fn trusted_documents_only(app: &TestApp, on: bool) {
    let input = json!({ "edge": { "trustedDocumentsOnly": on } });
    let data = app
        .admin(SETTINGS, "StoreSettingsUpdate", json!({ "input": input }))
        .await;
    assert_eq!(data["storeUpdate"]["userErrors"], json!([]));
}

/// Registers `document` as one of `store`'s trusted documents; returns the payload.
async fn register(app: &TestApp, store: &vitrine::stores::CreatedStore, document: &str) -> Value {
    let (status, body) = app
        .request(
            As::Admin(store),
            DOCUMENTS,
            Some("TrustedDocumentRegister"),
            json!({ "document": document }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("errors").is_none(), "unexpected errors: {body}");
    body["data"]["trustedDocumentRegister"].clone()
}
