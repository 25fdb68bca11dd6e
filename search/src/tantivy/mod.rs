//! The embedded backend: a Tantivy index in the data dir (or in memory for tests), searched in
//! process. One writer, behind a lock; every write commits and reloads the reader before it
//! returns, so what was indexed is searchable at once.

mod facets;
mod query;
mod ranking;
mod schema;

use std::path::Path;
use std::sync::{Arc, Mutex};

use anyhow::Context;
use async_trait::async_trait;
use tantivy::collector::{Count, TopDocs};
use tantivy::directory::MmapDirectory;
use tantivy::query::BooleanQuery;
use tantivy::schema::{TantivyDocument, Value};
use tantivy::{DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, SegmentReader};
use uuid::Uuid;

use self::facets::{Counted, Tally};
use self::query::{Queries, Scope};
use self::ranking::SegmentRanker;
use self::schema::{Fields, Kind};
use crate::backend::{Health, SearchBackend};
use crate::document::{ContentDocument, ContentKind, ProductDocument};
use crate::query::{Filter, FilterGroup, SearchQuery, UnavailableProducts, grouped as by_group};
use crate::results::{Hit, SearchResults};
use crate::text::ShopperText;

/// The writer's memory budget.
const WRITER_MEMORY: usize = 50_000_000;

/// A Tantivy index holding every store's documents.
#[derive(Clone)]
pub struct TantivyBackend {
    inner: Arc<Inner>,
}

struct Inner {
    index: Index,
    fields: Fields,
    reader: IndexReader,
    /// The writer, and the watermark every commit records (as the commit's payload).
    writer: Mutex<(IndexWriter, Option<i64>)>,
}

impl TantivyBackend {
    /// Opens the index in `dir`, creating it when there is none.
    pub fn open(dir: &Path) -> anyhow::Result<TantivyBackend> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("creating the search index directory {}", dir.display()))?;
        let (schema, fields) = Fields::schema();
        let directory = MmapDirectory::open(dir)?;
        let index = Index::open_or_create(directory, schema)
            .with_context(|| format!("opening the search index in {}", dir.display()))?;
        Self::with_index(index, fields)
    }

    /// An index that lives in memory only.
    pub fn in_memory() -> anyhow::Result<TantivyBackend> {
        let (schema, fields) = Fields::schema();
        Self::with_index(Index::create_in_ram(schema), fields)
    }

    fn with_index(index: Index, fields: Fields) -> anyhow::Result<TantivyBackend> {
        Fields::register_analyzer(&index);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let writer = index.writer(WRITER_MEMORY)?;
        let watermark = index
            .load_metas()?
            .payload
            .and_then(|payload| payload.parse().ok());
        Ok(TantivyBackend {
            inner: Arc::new(Inner {
                index,
                fields,
                reader,
                writer: Mutex::new((writer, watermark)),
            }),
        })
    }

    /// Runs `change` on the writer, commits and reloads, off the async threads.
    async fn write(
        &self,
        change: impl FnOnce(&IndexWriter, &Fields, &mut Option<i64>) -> anyhow::Result<()>
        + Send
        + 'static,
    ) -> anyhow::Result<()> {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = inner
                .writer
                .lock()
                .expect("the index writer lock is never poisoned");
            let (writer, watermark) = &mut *guard;
            change(writer, &inner.fields, watermark)?;
            let mut commit = writer.prepare_commit()?;
            if let Some(watermark) = watermark {
                commit.set_payload(&watermark.to_string());
            }
            commit.commit()?;
            inner.reader.reload()?;
            Ok(())
        })
        .await?
    }

    fn queries(&self) -> Queries<'_> {
        Queries {
            index: &self.inner.index,
            fields: &self.inner.fields,
        }
    }

    fn hits(&self, searcher: &Searcher, addresses: &[DocAddress]) -> anyhow::Result<Vec<Hit>> {
        let fields = &self.inner.fields;
        addresses
            .iter()
            .map(|address| {
                let doc: TantivyDocument = searcher.doc(*address)?;
                let text = |field| {
                    doc.get_first(field)
                        .and_then(|value| value.as_str())
                        .unwrap_or_default()
                        .to_string()
                };
                Ok(Hit {
                    id: text(fields.id).parse()?,
                    title: text(fields.title),
                })
            })
            .collect()
    }

    /// The facets of `query`: groups without a filter counted alongside the hits (see
    /// `search`), each filtered group again without its own filters.
    fn filtered_facets(
        &self,
        searcher: &Searcher,
        query: &SearchQuery,
        text: &ShopperText,
        tally: &mut Tally,
    ) -> anyhow::Result<()> {
        let optioned = option_names(query);
        for (group, _) in query.filter_groups() {
            let counted = [Counted::Group(group.clone())];
            let outside = grouped(&query.filters_outside(&group), query.unavailable);
            let documents =
                self.queries()
                    .documents(products_of(query), text, query.prefix, &outside);
            let collector = facets::collector(&self.inner.index, &counted)?;
            let results = searcher.search(&documents, &collector)?;
            tally.add(&counted, &serde_json::to_value(results)?, &optioned);
        }
        Ok(())
    }
}

fn products_of(query: &SearchQuery) -> Scope {
    Scope {
        store_id: query.store_id,
        kind: Kind::Product,
        collection: query.collection,
    }
}

/// The groups no filter of `query` belongs to, counted with the hits.
fn unfiltered(query: &SearchQuery) -> Vec<Counted> {
    let filtered: Vec<FilterGroup> = query.filter_groups().into_iter().map(|(g, _)| g).collect();
    let mut counted: Vec<Counted> = [
        FilterGroup::Available,
        FilterGroup::Price,
        FilterGroup::ProductType,
        FilterGroup::Vendor,
        FilterGroup::Tag,
    ]
    .into_iter()
    .filter(|group| !filtered.contains(group))
    .map(Counted::Group)
    .collect();
    counted.push(Counted::AllOptions);
    counted
}

fn option_names(query: &SearchQuery) -> Vec<String> {
    query
        .filter_groups()
        .into_iter()
        .filter_map(|(group, _)| match group {
            FilterGroup::VariantOption(name) => Some(name),
            _ => None,
        })
        .collect()
}

/// Filters grouped, with "hide unavailable products" as one more group.
fn grouped<'a>(filters: &[&'a Filter], unavailable: UnavailableProducts) -> Vec<Vec<&'a Filter>> {
    static AVAILABLE: Filter = Filter::Available(true);
    let mut grouped: Vec<Vec<&Filter>> = by_group(filters)
        .into_iter()
        .map(|(_, members)| members)
        .collect();
    if unavailable == UnavailableProducts::Hide {
        grouped.push(vec![&AVAILABLE]);
    }
    grouped
}

#[async_trait]
impl SearchBackend for TantivyBackend {
    async fn index_products(&self, products: &[ProductDocument]) -> anyhow::Result<()> {
        let products = products.to_vec();
        self.write(move |writer, fields, _| {
            for product in &products {
                writer.delete_term(fields.key_term(product.store_id, product.id));
                writer.add_document(fields.product(product))?;
            }
            Ok(())
        })
        .await
    }

    async fn index_content(&self, content: &[ContentDocument]) -> anyhow::Result<()> {
        let content = content.to_vec();
        self.write(move |writer, fields, _| {
            for document in &content {
                writer.delete_term(fields.key_term(document.store_id, document.id));
                writer.add_document(fields.content(document))?;
            }
            Ok(())
        })
        .await
    }

    async fn delete(&self, store_id: Uuid, ids: &[Uuid]) -> anyhow::Result<()> {
        let ids = ids.to_vec();
        self.write(move |writer, fields, _| {
            for id in ids {
                writer.delete_term(fields.key_term(store_id, id));
            }
            Ok(())
        })
        .await
    }

    async fn search(&self, query: &SearchQuery) -> anyhow::Result<SearchResults> {
        let searcher = self.inner.reader.searcher();
        let text = ShopperText::parse(&query.text);
        let all: Vec<&Filter> = query.filters.iter().collect();
        let documents: BooleanQuery = self.queries().documents(
            products_of(query),
            &text,
            query.prefix,
            &grouped(&all, query.unavailable),
        );
        let ranked_query = query.clone();
        let top = TopDocs::with_limit(query.page.limit.max(1))
            .and_offset(query.page.offset)
            .tweak_score(move |segment: &SegmentReader| {
                let ranker = SegmentRanker::new(segment, &ranked_query);
                move |doc, score| match &ranker {
                    Ok(ranker) => ranker.rank(doc, score),
                    Err(_) => [i64::MIN; 6],
                }
            });
        let mut tally = Tally::default();
        let (total, top) = match query.facets {
            true => {
                let counted = unfiltered(query);
                let collector = facets::collector(&self.inner.index, &counted)?;
                let (total, top, counts) = searcher.search(&documents, &(Count, top, collector))?;
                tally.add(
                    &counted,
                    &serde_json::to_value(counts)?,
                    &option_names(query),
                );
                self.filtered_facets(&searcher, query, &text, &mut tally)?;
                (total, top)
            }
            false => searcher.search(&documents, &(Count, top))?,
        };
        let addresses: Vec<DocAddress> = top
            .into_iter()
            .take(query.page.limit)
            .map(|(_, address)| address)
            .collect();
        let tally = tally.finish();
        Ok(SearchResults {
            hits: self.hits(&searcher, &addresses)?,
            total: total as u64,
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
        let searcher = self.inner.reader.searcher();
        let text = ShopperText::parse(text);
        let documents = self.queries().documents(
            Scope {
                store_id,
                kind: Kind::Content(kind),
                collection: None,
            },
            &text,
            true,
            &[],
        );
        let top = searcher.search(
            &documents,
            &TopDocs::with_limit(limit.max(1)).order_by_score(),
        )?;
        let addresses: Vec<DocAddress> = top
            .into_iter()
            .take(limit)
            .map(|(_, address)| address)
            .collect();
        self.hits(&searcher, &addresses)
    }

    async fn digests(&self, store_id: Uuid) -> anyhow::Result<Vec<(Uuid, String)>> {
        let searcher = self.inner.reader.searcher();
        let fields = self.inner.fields;
        let in_store = tantivy::query::TermQuery::new(
            fields.store_term(store_id),
            tantivy::schema::IndexRecordOption::Basic,
        );
        let addresses = searcher.search(&in_store, &tantivy::collector::DocSetCollector)?;
        addresses
            .into_iter()
            .map(|address| {
                let doc: TantivyDocument = searcher.doc(address)?;
                let text = |field| {
                    doc.get_first(field)
                        .and_then(|value| value.as_str())
                        .unwrap_or_default()
                        .to_string()
                };
                Ok((text(fields.id).parse()?, text(fields.digest)))
            })
            .collect()
    }

    async fn health(&self) -> Health {
        Health::Up
    }

    async fn watermark(&self) -> anyhow::Result<Option<i64>> {
        let guard = self
            .inner
            .writer
            .lock()
            .expect("the index writer lock is never poisoned");
        Ok(guard.1)
    }

    async fn set_watermark(&self, millis: i64) -> anyhow::Result<()> {
        self.write(move |_, _, watermark| {
            *watermark = Some(millis);
            Ok(())
        })
        .await
    }
}
