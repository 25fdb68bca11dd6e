//! Tenant tokens: a store's searches run under a token signed with a search key, whose search
//! rules filter every index on the store, so that Meilisearch enforces the store's boundary
//! itself. Clients are kept per store until their token is half spent.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::Context;
use meilisearch_sdk::client::Client;
use meilisearch_sdk::key::{Action, KeyBuilder};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

use super::filters;

/// How long a store's token is valid; its client is replaced after half of it.
pub const TENANT_TOKEN_LIFETIME: Duration = Duration::from_secs(3600);

/// The most stores whose clients are kept; past it the cache starts over.
const MOST_CLIENTS: usize = 10_000;

/// The key tokens are signed with.
struct Signer {
    uid: String,
    key: String,
}

pub struct Tenants {
    url: String,
    signer: Option<Signer>,
    clients: Mutex<HashMap<Uuid, (Client, Instant)>>,
}

impl Tenants {
    /// Finds (or creates) a search key to sign with when the server has a master key.
    pub async fn new(admin: &Client, url: &str, key: Option<&str>) -> anyhow::Result<Tenants> {
        let signer = match key {
            None => None,
            Some(_) => Some(search_key(admin).await?),
        };
        Ok(Tenants {
            url: url.to_string(),
            signer,
            clients: Mutex::new(HashMap::new()),
        })
    }

    pub fn token(
        &self,
        admin: &Client,
        store_id: Uuid,
        indexes: &[&str],
        lifetime: Duration,
    ) -> anyhow::Result<String> {
        let signer = self
            .signer
            .as_ref()
            .context("tenant tokens need the Meilisearch master key (MEILI_KEY)")?;
        let rules: Map<String, Value> = indexes
            .iter()
            .map(|index| {
                (
                    index.to_string(),
                    json!({ "filter": filters::in_store(store_id) }),
                )
            })
            .collect();
        let expires_at = OffsetDateTime::now_utc() + lifetime;
        Ok(admin.generate_tenant_token(
            signer.uid.clone(),
            Value::Object(rules),
            Some(&signer.key),
            Some(expires_at),
        )?)
    }

    /// The client searching for `store_id`: the admin client when there is no key to sign with.
    pub fn client(
        &self,
        admin: &Client,
        store_id: Uuid,
        indexes: &[&str],
    ) -> anyhow::Result<Client> {
        if self.signer.is_none() {
            return Ok(admin.clone());
        }
        let mut clients = self
            .clients
            .lock()
            .expect("the tenant client lock is never poisoned");
        if let Some((client, made)) = clients.get(&store_id)
            && made.elapsed() < TENANT_TOKEN_LIFETIME / 2
        {
            return Ok(client.clone());
        }
        let token = self.token(admin, store_id, indexes, TENANT_TOKEN_LIFETIME)?;
        let client = Client::new(&self.url, Some(token))?;
        if clients.len() >= MOST_CLIENTS {
            clients.clear();
        }
        clients.insert(store_id, (client.clone(), Instant::now()));
        Ok(client)
    }
}

/// A key that may search every index (Meilisearch's default search key), made if missing.
async fn search_key(admin: &Client) -> anyhow::Result<Signer> {
    let keys = admin.get_keys().await.context("listing Meilisearch keys")?;
    let found = keys.results.into_iter().find(|key| {
        key.actions.contains(&Action::Search)
            && key.indexes.iter().any(|index| index == "*")
            && key.expires_at.is_none()
    });
    let key = match found {
        Some(key) => key,
        None => {
            let mut builder = KeyBuilder::new();
            builder
                .with_action(Action::Search)
                .with_index("*")
                .with_name("Vitrine tenant tokens");
            admin
                .create_key(builder)
                .await
                .context("creating a Meilisearch search key")?
        }
    };
    Ok(Signer {
        uid: key.uid,
        key: key.key,
    })
}
