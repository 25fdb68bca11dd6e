//! Pre-warming: filling the response cache with a store's pages before shoppers ask for them, so
//! a flash sale starts warm. A warm asks the catalog for the store's collections (up to 250) and
//! best-selling products (up to 100) and answers the built-in storefront documents for each
//! (`collection_products.graphql` with `{handle, first: 24}`, `product.graphql` with `{handle}`),
//! through the same path as a shopper's
//! request: the entries are the ones a shopper's GET of those documents finds.
//!
//! The admin mutation `cacheWarm` sends a `WarmJob` to the server's warmer (which holds the
//! schema); `vitrine cache warm` runs one in its own process, which fills the shared (Redis)
//! tier.

use std::sync::Arc;

use async_graphql::Variables;
use serde_json::{Value, json};
use tokio::sync::{mpsc, oneshot};

use super::HttpState;
use super::endpoint::answer;
use super::persisted::Document;
use crate::cache::responses::Source;
use crate::documents::{self, embedded};
use crate::stores::Store;
use crate::tenancy::{Principal, Tenant};

/// What the warm asks the catalog for.
const TARGETS: &str = "query WarmTargets { collections(first: 250) { nodes { handle } } \
    products(first: 100, sortKey: BEST_SELLING) { nodes { handle } } }";

/// The first page of a collection that is warmed: `{handle, first: 24}`, the variables a
/// storefront sends for it (other page sizes are other entries).
pub const COLLECTION_PAGE_SIZE: i32 = 24;

/// What a warm did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Warmed {
    /// Pages answered.
    pub pages: usize,
    /// Of those, pages that were not in the cache (and are now, unless they were private).
    pub filled: usize,
}

/// A request to warm a store's pages for one API version.
pub struct WarmJob {
    pub store: Store,
    pub version: String,
    pub done: oneshot::Sender<Warmed>,
}

/// The sending side of the server's warmer.
#[derive(Clone)]
pub struct Warmer(mpsc::UnboundedSender<WarmJob>);

impl Warmer {
    /// A warmer and the jobs it receives (for `serve`).
    pub fn new() -> (Warmer, mpsc::UnboundedReceiver<WarmJob>) {
        let (sender, receiver) = mpsc::unbounded_channel();
        (Warmer(sender), receiver)
    }

    /// Warms `store` for API `version` and waits for it; `None` if the server is not serving.
    pub async fn warm(&self, store: Store, version: String) -> Option<Warmed> {
        let (done, warmed) = oneshot::channel();
        self.0
            .send(WarmJob {
                store,
                version,
                done,
            })
            .ok()?;
        warmed.await.ok()
    }
}

/// Runs warm jobs one at a time until every sender is gone.
pub async fn serve(state: HttpState, mut jobs: mpsc::UnboundedReceiver<WarmJob>) {
    while let Some(job) = jobs.recv().await {
        let warmed = warm(&state, &job.store, &job.version).await;
        let _ = job.done.send(warmed);
    }
}

/// Answers the store's collection and top product pages, filling the cache.
pub async fn warm(state: &HttpState, store: &Store, version: &str) -> Warmed {
    let targets = page(state, store, version, TARGETS, json!({})).await;
    let mut warmed = Warmed::default();
    let handles = |list: &str| -> Vec<Value> {
        targets.0["data"][list]["nodes"]
            .as_array()
            .map(|nodes| nodes.iter().map(|node| node["handle"].clone()).collect())
            .unwrap_or_default()
    };
    let pages = [
        (
            "collection_products.graphql",
            handles("collections"),
            Some(COLLECTION_PAGE_SIZE),
        ),
        ("product.graphql", handles("products"), None),
    ];
    for (file, handles, first) in pages {
        let Some(text) = embedded_text(file) else {
            continue;
        };
        for handle in handles {
            let variables = match first {
                Some(first) => json!({ "handle": handle, "first": first }),
                None => json!({ "handle": handle }),
            };
            let (_, source) = page(state, store, version, text, variables).await;
            warmed.pages += 1;
            if source == Source::Executed {
                warmed.filled += 1;
            }
        }
    }
    warmed
}

/// The answer to one storefront document, through the response cache.
async fn page(
    state: &HttpState,
    store: &Store,
    version: &str,
    text: &str,
    variables: Value,
) -> (Value, Source) {
    let tenant = Tenant {
        store: store.clone(),
        principal: Principal::Storefront,
    };
    let request = async_graphql::Request::new(text).variables(Variables::from_json(variables));
    let document = Document {
        hash: documents::sha256_hex(text),
    };
    let operation = state.operation_kinds.of(&document.hash, &request);
    let (rendered, source): (Arc<_>, _) =
        answer(state, tenant, version, &document, &operation, request).await;
    let body = serde_json::from_str(&rendered.body).unwrap_or(Value::Null);
    (body, source)
}

fn embedded_text(file: &str) -> Option<&'static str> {
    embedded::FILES
        .iter()
        .find(|(name, _)| name.ends_with(file))
        .map(|(_, text)| *text)
}
