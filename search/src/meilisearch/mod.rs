//! The production backend: Meilisearch through `meilisearch-sdk`. Two indexes (products and
//! content), shared by every store, each document carrying its `store_id`. Every search filters
//! on the store in the expression it sends and, when the backend holds a key, runs under a tenant
//! token whose search rules carry the same filter, so that Meilisearch itself refuses to show
//! another store's documents whatever a request holds.

mod aside;
mod documents;
mod filters;
mod settings;
mod tenants;

use std::time::Duration;

use anyhow::{Context, bail};
use async_trait::async_trait;
use meilisearch_sdk::client::Client;
use meilisearch_sdk::documents::DocumentsQuery;
use meilisearch_sdk::indexes::Index;
use meilisearch_sdk::search::{MatchingStrategies, SearchResults as MeiliResults, Selectors};
use meilisearch_sdk::task_info::TaskInfo;
use meilisearch_sdk::tasks::Task;
use uuid::Uuid;

use self::documents::{ContentRecord, Fingerprint, Found, OPTION_SEPARATOR, ProductRecord};
use self::tenants::Tenants;
use crate::backend::{Health, SearchBackend};
use crate::document::{ContentDocument, ContentKind, ProductDocument};
use crate::query::{self, Filter, FilterGroup, SearchQuery, SortKey, UnavailableProducts};
use crate::results::{FacetCount, FacetValue, Hit, SearchResults};
use crate::text::ShopperText;

pub use self::aside::MeilisearchAside;
pub use self::tenants::TENANT_TOKEN_LIFETIME;

/// How long a write waits for Meilisearch to apply it.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// How often a write asks whether it was applied.
const WRITE_POLL: Duration = Duration::from_millis(5);

/// A Meilisearch server's Vitrine indexes.
pub struct MeilisearchBackend {
    admin: Client,
    tenants: Tenants,
    products: String,
    content: String,
    /// Holds the indexer's watermark and the generation of the indexes (`aside`).
    state: String,
    /// The generation last seen, once read (`refresh`).
    generation: std::sync::Mutex<Option<Option<i64>>>,
}

/// A number the state index holds: the indexer's watermark, or the indexes' generation.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Watermark {
    id: String,
    millis: i64,
}

const WATERMARK_ID: &str = "watermark";
const GENERATION_ID: &str = "generation";

impl MeilisearchBackend {
    /// Connects to the server at `url` with `key` (its master key; `None` for a server without
    /// one, where no tenant tokens can be signed), using the indexes `{prefix}_products` and
    /// `{prefix}_content`, and applies their settings.
    pub async fn connect(
        url: &str,
        key: Option<&str>,
        prefix: &str,
    ) -> anyhow::Result<MeilisearchBackend> {
        let admin = Client::new(url, key).context("building the Meilisearch client")?;
        let backend = MeilisearchBackend {
            tenants: Tenants::new(&admin, url, key).await?,
            admin,
            products: format!("{prefix}_products"),
            content: format!("{prefix}_content"),
            state: format!("{prefix}_state"),
            generation: std::sync::Mutex::new(None),
        };
        let products = backend.admin.index(&backend.products);
        let content = backend.admin.index(&backend.content);
        backend
            .applied(products.set_settings(&settings::products()).await?)
            .await?;
        backend
            .applied(content.set_settings(&settings::content()).await?)
            .await?;
        Ok(backend)
    }

    /// A tenant token for the store, expiring after `lifetime` (for tests of expiry).
    pub fn tenant_token(&self, store_id: Uuid, lifetime: Duration) -> anyhow::Result<String> {
        self.tenants.token(
            &self.admin,
            store_id,
            &[&self.products, &self.content],
            lifetime,
        )
    }

    /// A number the state index holds (the watermark, the generation), `None` when unset.
    async fn state_record(&self, id: &str) -> anyhow::Result<Option<i64>> {
        let index = self.admin.index(&self.state);
        match index.get_document::<Watermark>(id).await {
            Ok(found) => Ok(Some(found.millis)),
            Err(meilisearch_sdk::errors::Error::Meilisearch(error))
                if matches!(
                    error.error_code,
                    meilisearch_sdk::errors::ErrorCode::DocumentNotFound
                        | meilisearch_sdk::errors::ErrorCode::IndexNotFound
                ) =>
            {
                Ok(None)
            }
            Err(error) => Err(error.into()),
        }
    }

    async fn set_state_record(&self, id: &str, millis: i64) -> anyhow::Result<()> {
        let index = self.admin.index(&self.state);
        let record = Watermark {
            id: id.into(),
            millis,
        };
        self.applied(index.add_or_replace(&[record], Some("id")).await?)
            .await
    }

    async fn applied(&self, task: TaskInfo) -> anyhow::Result<()> {
        let task = task
            .wait_for_completion(&self.admin, Some(WRITE_POLL), Some(WRITE_TIMEOUT))
            .await?;
        match task {
            Task::Succeeded { .. } => Ok(()),
            Task::Failed { content } => bail!("Meilisearch refused a write: {:?}", content.error),
            other => bail!("a Meilisearch write did not finish in time: {other:?}"),
        }
    }

    /// The client that searches for `store_id`: under its tenant token when there is a key.
    fn searcher(&self, store_id: Uuid) -> anyhow::Result<Client> {
        self.tenants
            .client(&self.admin, store_id, &[&self.products, &self.content])
    }
}

/// The shopper's text as Meilisearch reads it: a trailing space ends the last word, so it only
/// completes as a prefix when the query asks for that.
fn meili_text(query_text: &str, prefix: bool) -> String {
    let parsed = ShopperText::parse(query_text);
    let mut parts: Vec<String> = parsed.phrases.iter().map(|p| format!("\"{p}\"")).collect();
    parts.extend(parsed.excluded.iter().map(|word| format!("-{word}")));
    parts.extend(parsed.words.iter().cloned());
    let mut text = parts.join(" ");
    let completes = prefix && parsed.open_ended;
    if !completes && !text.is_empty() {
        text.push(' ');
    }
    text
}

fn sort_of(query: &SearchQuery) -> Vec<String> {
    let direction = |ascending: bool| match ascending != query.reverse {
        true => "asc",
        false => "desc",
    };
    let mut sort = Vec::new();
    if query.unavailable == UnavailableProducts::Last {
        sort.push("available:desc".to_string());
    }
    match query.sort {
        SortKey::Relevance => {}
        SortKey::Price => sort.push(format!("min_price:{}", direction(true))),
        SortKey::BestSelling => sort.push(format!("units_sold:{}", direction(false))),
        SortKey::CreatedAt => sort.push(format!("created_at:{}", direction(true))),
        SortKey::Title => sort.push(format!("title:{}", direction(true))),
    }
    sort
}

/// The attribute a facet group counts.
fn attribute(group: &FilterGroup) -> &'static str {
    match group {
        FilterGroup::Available => "available",
        FilterGroup::Price => "prices",
        FilterGroup::ProductType => "product_type",
        FilterGroup::Vendor => "vendor",
        FilterGroup::Tag => "tags",
        FilterGroup::VariantOption(_) => "options",
    }
}

fn grouped<'a>(filters: &[&'a Filter]) -> Vec<Vec<&'a Filter>> {
    query::grouped(filters)
        .into_iter()
        .map(|(_, members)| members)
        .collect()
}

/// One search sent in a multi-search: its filter, facets and page.
struct Part {
    filter: String,
    facets: Vec<&'static str>,
    limit: usize,
    /// The filtered group this part counts, if it only counts one.
    counts: Option<FilterGroup>,
}

#[derive(Default)]
struct Tally {
    facets: Vec<FacetCount>,
    max_price: Option<i64>,
}

impl Tally {
    fn add(
        &mut self,
        results: &MeiliResults<Found>,
        counts: Option<&FilterGroup>,
        filtered: &[FilterGroup],
    ) {
        let counts_price = counts.is_none_or(|group| *group == FilterGroup::Price);
        if let Some(stats) = results
            .facet_stats
            .as_ref()
            .and_then(|stats| stats.get("prices"))
            && counts_price
        {
            self.max_price = Some(stats.max as i64);
        }
        let Some(distribution) = &results.facet_distribution else {
            return;
        };
        for (attribute_name, values) in distribution {
            let mut values: Vec<(&String, &usize)> = values.iter().collect();
            values.sort();
            for (value, count) in values {
                let (group, value) = match attribute_name.as_str() {
                    "options" => {
                        let Some((name, value)) = value.split_once(OPTION_SEPARATOR) else {
                            continue;
                        };
                        (
                            FilterGroup::VariantOption(name.to_string()),
                            value.to_string(),
                        )
                    }
                    "available" => (FilterGroup::Available, value.clone()),
                    "vendor" => (FilterGroup::Vendor, value.clone()),
                    "product_type" => (FilterGroup::ProductType, value.clone()),
                    "tags" => (FilterGroup::Tag, value.clone()),
                    _ => continue,
                };
                let wanted = match counts {
                    Some(counted) => *counted == group,
                    None => !filtered.contains(&group),
                };
                if !wanted || *count == 0 {
                    continue;
                }
                let value = FacetValue {
                    value,
                    count: *count as u64,
                };
                match self.facets.iter_mut().find(|facet| facet.group == group) {
                    Some(facet) => facet.values.push(value),
                    None => self.facets.push(FacetCount {
                        group,
                        values: vec![value],
                    }),
                }
            }
        }
    }
}

#[async_trait]
impl SearchBackend for MeilisearchBackend {
    async fn index_products(&self, products: &[ProductDocument]) -> anyhow::Result<()> {
        if products.is_empty() {
            return Ok(());
        }
        let records: Vec<ProductRecord> = products.iter().map(ProductRecord::of).collect();
        let index = self.admin.index(&self.products);
        self.applied(index.add_or_replace(&records, Some("id")).await?)
            .await
    }

    async fn index_content(&self, content: &[ContentDocument]) -> anyhow::Result<()> {
        if content.is_empty() {
            return Ok(());
        }
        let records: Vec<ContentRecord> = content.iter().map(ContentRecord::of).collect();
        let index = self.admin.index(&self.content);
        self.applied(index.add_or_replace(&records, Some("id")).await?)
            .await
    }

    async fn delete(&self, store_id: Uuid, ids: &[Uuid]) -> anyhow::Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let listed: Vec<String> = ids
            .iter()
            .map(|id| filters::quoted(&id.to_string()))
            .collect();
        let filter = format!(
            "{} AND id IN [{}]",
            filters::in_store(store_id),
            listed.join(", ")
        );
        for uid in [&self.products, &self.content] {
            let index = self.admin.index(uid);
            let task = index
                .delete_documents_with(
                    meilisearch_sdk::documents::DocumentDeletionQuery::new(&index)
                        .with_filter(&filter),
                )
                .await?;
            self.applied(task).await?;
        }
        Ok(())
    }

    async fn search(&self, query: &SearchQuery) -> anyhow::Result<SearchResults> {
        let client = self.searcher(query.store_id)?;
        let index = client.index(&self.products);
        let text = meili_text(&query.text, query.prefix);
        let sort = sort_of(query);
        let sort: Vec<&str> = sort.iter().map(String::as_str).collect();
        let all: Vec<&Filter> = query.filters.iter().collect();
        let filtered: Vec<FilterGroup> =
            query.filter_groups().into_iter().map(|(g, _)| g).collect();
        let mut parts = vec![Part {
            filter: filters::products(
                query.store_id,
                query.collection,
                &grouped(&all),
                query.unavailable,
            ),
            facets: match query.facets {
                true => vec![
                    "available",
                    "prices",
                    "vendor",
                    "product_type",
                    "tags",
                    "options",
                ],
                false => vec![],
            },
            limit: query.page.limit,
            counts: None,
        }];
        if query.facets {
            for group in &filtered {
                let outside = query.filters_outside(group);
                parts.push(Part {
                    filter: filters::products(
                        query.store_id,
                        query.collection,
                        &grouped(&outside),
                        query.unavailable,
                    ),
                    facets: vec![attribute(group)],
                    limit: 0,
                    counts: Some(group.clone()),
                });
            }
        }
        let mut multi = client.multi_search();
        for part in &parts {
            let mut search = index.search();
            search
                .with_query(&text)
                .with_matching_strategy(MatchingStrategies::ALL)
                .with_filter(&part.filter)
                .with_offset(query.page.offset)
                .with_limit(part.limit)
                .with_attributes_to_retrieve(Selectors::Some(&["id", "title"]));
            if !sort.is_empty() {
                search.with_sort(&sort);
            }
            if !part.facets.is_empty() {
                search.with_facets(Selectors::Some(&part.facets));
            }
            multi.with_search_query(search);
        }
        let responses = multi.execute::<Found>().await?.results;
        let mut tally = Tally::default();
        for (part, results) in parts.iter().zip(&responses) {
            if query.facets {
                tally.add(results, part.counts.as_ref(), &filtered);
            }
        }
        let main = responses
            .into_iter()
            .next()
            .context("Meilisearch answered no search")?;
        tally.facets.sort_by(|a, b| a.group.cmp(&b.group));
        Ok(SearchResults {
            total: main.estimated_total_hits.or(main.total_hits).unwrap_or(0) as u64,
            hits: main.hits.into_iter().map(|hit| hit.result.into()).collect(),
            facets: tally.facets,
            max_price: tally.max_price,
        })
    }

    async fn search_content(
        &self,
        store_id: Uuid,
        kind: ContentKind,
        text: &str,
        limit: usize,
    ) -> anyhow::Result<Vec<Hit>> {
        let client = self.searcher(store_id)?;
        let index = client.index(&self.content);
        let text = meili_text(text, true);
        let filter = format!(
            "{} AND kind = {}",
            filters::in_store(store_id),
            filters::quoted(documents::kind_name(kind))
        );
        let results = index
            .search()
            .with_query(&text)
            .with_matching_strategy(MatchingStrategies::ALL)
            .with_filter(&filter)
            .with_limit(limit)
            .with_attributes_to_retrieve(Selectors::Some(&["id", "title"]))
            .execute::<Found>()
            .await?;
        Ok(results
            .hits
            .into_iter()
            .map(|hit| hit.result.into())
            .collect())
    }

    async fn digests(&self, store_id: Uuid) -> anyhow::Result<Vec<(Uuid, String)>> {
        let filter = filters::in_store(store_id);
        let mut digests = Vec::new();
        for uid in [&self.products, &self.content] {
            let index: Index = self.admin.index(uid);
            let mut offset = 0;
            loop {
                let page = DocumentsQuery::new(&index)
                    .with_filter(&filter)
                    .with_fields(["id", "digest"])
                    .with_offset(offset)
                    .with_limit(1_000)
                    .execute::<Fingerprint>()
                    .await?;
                let read = page.results.len();
                digests.extend(page.results.into_iter().map(|f| (f.id, f.digest)));
                offset += read;
                if read < 1_000 {
                    break;
                }
            }
        }
        Ok(digests)
    }

    async fn health(&self) -> Health {
        match self.admin.health().await {
            Ok(_) => Health::Up,
            Err(error) => Health::Down(error.to_string()),
        }
    }

    async fn watermark(&self) -> anyhow::Result<Option<i64>> {
        self.state_record(WATERMARK_ID).await
    }

    async fn set_watermark(&self, millis: i64) -> anyhow::Result<()> {
        self.set_state_record(WATERMARK_ID, millis).await
    }

    async fn refresh(&self) -> anyhow::Result<bool> {
        let now = self.state_record(GENERATION_ID).await?;
        let mut seen = self
            .generation
            .lock()
            .expect("the generation lock is never poisoned");
        let replaced = seen.is_some_and(|seen| seen != now);
        *seen = Some(now);
        Ok(replaced)
    }
}
