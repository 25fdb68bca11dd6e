//! The embedded backend: a Tantivy index in the data dir (or in memory for tests), searched in
//! process. One writer, behind a lock; every write commits and reloads the reader before it
//! returns, so what was indexed is searchable at once. On disk each build lives in a generation
//! of its own (`generations`), so a rebuild fills a new one aside and the running server
//! switches to it at its next `refresh`.

mod facets;
mod generations;
mod query;
mod ranking;
mod schema;

use std::path::Path;
use std::sync::{Arc, Mutex};

use anyhow::Context;
use arc_swap::ArcSwap;
use async_trait::async_trait;
use tantivy::collector::{Count, TopDocs};
use tantivy::directory::MmapDirectory;
use tantivy::query::BooleanQuery;
use tantivy::schema::{TantivyDocument, Value};
use tantivy::{DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, SegmentReader};
use uuid::Uuid;

use self::facets::{Counted, Tally};
use self::generations::Generations;
use self::query::{Queries, Scope};
use self::ranking::SegmentRanker;
use self::schema::{Fields, Kind};
use crate::backend::{AsideIndex, Health, SearchBackend};
use crate::document::{ContentDocument, ContentKind, ProductDocument};
use crate::query::{Filter, FilterGroup, SearchQuery, UnavailableProducts, grouped as by_group};
use crate::results::{Hit, SearchResults};
use crate::text::ShopperText;

/// The writer's memory budget.
const WRITER_MEMORY: usize = 50_000_000;

/// A Tantivy index holding every store's documents.
#[derive(Clone)]
pub struct TantivyBackend {
    shared: Arc<Shared>,
}

struct Shared {
    /// The index searched and written.
    live: ArcSwap<Inner>,
    /// Where the generations live; `None` in memory.
    generations: Option<Generations>,
    /// Whether this process writes the index (one process may).
    writable: bool,
}

struct Inner {
    index: Index,
    fields: Fields,
    reader: IndexReader,
    writer: Mutex<Writer>,
    /// The generation this index is, on disk.
    generation: Option<String>,
}

/// The writer (`None` once closed), and the watermark every commit records (as its payload).
struct Writer {
    writer: Option<IndexWriter>,
    watermark: Option<i64>,
}

impl TantivyBackend {
    /// Opens the current generation of the index under `root`, creating one when there is none.
    pub fn open(root: &Path) -> anyhow::Result<TantivyBackend> {
        let generations = Generations::new(root)?;
        let name = match generations.current()? {
            Some(name) => name,
            None => {
                generations.remove_unversioned_files()?;
                let name = generations.create()?;
                generations.publish(&name)?;
                name
            }
        };
        let inner = Inner::on_disk(&generations, &name, true)?;
        generations.remove_older_than(&name);
        Ok(TantivyBackend::of(inner, Some(generations), true))
    }

    /// The current generation under `root` for reading only, beside the process that writes it
    /// (for the reconciliation check); writes fail.
    pub fn open_read_only(root: &Path) -> anyhow::Result<TantivyBackend> {
        let generations = Generations::new(root)?;
        let name = generations
            .current()?
            .with_context(|| format!("there is no search index in {}", root.display()))?;
        let inner = Inner::on_disk(&generations, &name, false)?;
        Ok(TantivyBackend::of(inner, Some(generations), false))
    }

    /// A new generation under `root`, empty, to be filled and published while the current one
    /// answers (perhaps in another process).
    pub fn aside(root: &Path) -> anyhow::Result<TantivyAside> {
        let generations = Generations::new(root)?;
        let name = generations.create()?;
        let backend = TantivyBackend::of(Inner::on_disk(&generations, &name, true)?, None, true);
        Ok(TantivyAside {
            backend,
            generations,
            name,
        })
    }

    /// An index that lives in memory only.
    pub fn in_memory() -> anyhow::Result<TantivyBackend> {
        let (schema, fields) = Fields::schema();
        let inner = Inner::new(Index::create_in_ram(schema), fields, None, true)?;
        Ok(TantivyBackend::of(inner, None, true))
    }

    fn of(inner: Inner, generations: Option<Generations>, writable: bool) -> TantivyBackend {
        TantivyBackend {
            shared: Arc::new(Shared {
                live: ArcSwap::from_pointee(inner),
                generations,
                writable,
            }),
        }
    }

    fn live(&self) -> Arc<Inner> {
        self.shared.live.load_full()
    }

    /// Runs `change` on the writer, commits and reloads, off the async threads.
    async fn write(
        &self,
        change: impl FnOnce(&IndexWriter, &Fields, &mut Option<i64>) -> anyhow::Result<()>
        + Send
        + 'static,
    ) -> anyhow::Result<()> {
        let inner = self.live();
        tokio::task::spawn_blocking(move || inner.write(change)).await?
    }
}

impl Inner {
    fn new(
        index: Index,
        fields: Fields,
        generation: Option<String>,
        writable: bool,
    ) -> anyhow::Result<Inner> {
        Fields::register_analyzer(&index);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let writer = match writable {
            true => Some(index.writer(WRITER_MEMORY)?),
            false => None,
        };
        let watermark = index
            .load_metas()?
            .payload
            .and_then(|payload| payload.parse().ok());
        Ok(Inner {
            index,
            fields,
            reader,
            writer: Mutex::new(Writer { writer, watermark }),
            generation,
        })
    }

    fn on_disk(generations: &Generations, name: &str, writable: bool) -> anyhow::Result<Inner> {
        let dir = generations.dir(name);
        let (schema, fields) = Fields::schema();
        let index = Index::open_or_create(MmapDirectory::open(&dir)?, schema)
            .with_context(|| format!("opening the search index in {}", dir.display()))?;
        Inner::new(index, fields, Some(name.to_string()), writable)
    }

    fn write(
        &self,
        change: impl FnOnce(&IndexWriter, &Fields, &mut Option<i64>) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        let mut guard = self
            .writer
            .lock()
            .expect("the index writer lock is never poisoned");
        let Writer { writer, watermark } = &mut *guard;
        let writer = writer
            .as_mut()
            .context("this search index is read only, or was replaced")?;
        change(writer, &self.fields, watermark)?;
        let mut commit = writer.prepare_commit()?;
        if let Some(watermark) = watermark {
            commit.set_payload(&watermark.to_string());
        }
        commit.commit()?;
        self.reader.reload()?;
        Ok(())
    }

    /// Lets the writer finish its merges and releases the index's writer lock.
    fn close(&self) -> anyhow::Result<()> {
        let writer = self
            .writer
            .lock()
            .expect("the index writer lock is never poisoned")
            .writer
            .take();
        if let Some(writer) = writer {
            writer.wait_merging_threads()?;
        }
        Ok(())
    }

    fn queries(&self) -> Queries<'_> {
        Queries {
            index: &self.index,
            fields: &self.fields,
        }
    }

    fn hits(&self, searcher: &Searcher, addresses: &[DocAddress]) -> anyhow::Result<Vec<Hit>> {
        let fields = &self.fields;
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
            let collector = facets::collector(&self.index, &counted)?;
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
        let inner = self.live();
        let searcher = inner.reader.searcher();
        let text = ShopperText::parse(&query.text);
        let all: Vec<&Filter> = query.filters.iter().collect();
        let documents: BooleanQuery = inner.queries().documents(
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
                let collector = facets::collector(&inner.index, &counted)?;
                let (total, top, counts) = searcher.search(&documents, &(Count, top, collector))?;
                tally.add(
                    &counted,
                    &serde_json::to_value(counts)?,
                    &option_names(query),
                );
                inner.filtered_facets(&searcher, query, &text, &mut tally)?;
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
            hits: inner.hits(&searcher, &addresses)?,
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
        let inner = self.live();
        let searcher = inner.reader.searcher();
        let text = ShopperText::parse(text);
        let documents = inner.queries().documents(
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
        inner.hits(&searcher, &addresses)
    }

    async fn digests(&self, store_id: Uuid) -> anyhow::Result<Vec<(Uuid, String)>> {
        let inner = self.live();
        let searcher = inner.reader.searcher();
        let fields = inner.fields;
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
        let inner = self.live();
        let writer = inner
            .writer
            .lock()
            .expect("the index writer lock is never poisoned");
        Ok(writer.watermark)
    }

    async fn set_watermark(&self, millis: i64) -> anyhow::Result<()> {
        self.write(move |_, _, watermark| {
            *watermark = Some(millis);
            Ok(())
        })
        .await
    }

    async fn refresh(&self) -> anyhow::Result<bool> {
        let Some(generations) = &self.shared.generations else {
            return Ok(false);
        };
        let live = self.live();
        let Some(current) = generations.current()? else {
            return Ok(false);
        };
        if live.generation.as_deref() == Some(current.as_str()) {
            return Ok(false);
        }
        let generations = generations.clone();
        let swapped = self.clone();
        let writable = self.shared.writable;
        tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
            let next = Inner::on_disk(&generations, &current, writable)?;
            swapped.shared.live.store(Arc::new(next));
            tracing::info!(
                generation = current,
                "the search index was rebuilt; searching the new one"
            );
            live.close()?;
            if writable {
                generations.remove_older_than(&current);
            }
            Ok(())
        })
        .await??;
        Ok(true)
    }
}

/// A generation being built aside (`TantivyBackend::aside`).
pub struct TantivyAside {
    backend: TantivyBackend,
    generations: Generations,
    name: String,
}

#[async_trait]
impl AsideIndex for TantivyAside {
    fn backend(&self) -> Arc<dyn SearchBackend> {
        Arc::new(self.backend.clone())
    }

    async fn publish(self: Box<Self>) -> anyhow::Result<()> {
        let inner = self.backend.live();
        tokio::task::spawn_blocking(move || inner.close()).await??;
        self.generations.publish(&self.name)
    }
}
