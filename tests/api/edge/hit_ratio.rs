//! The hit ratio a CDN gets from Vitrine's headers and purges: a browse trace of product pages
//! over 5,000 products, drawn from a Zipf distribution (s = 1.0, the classic shape of catalog
//! popularity) with a seeded RNG, is replayed through Varnish twice: the first replay fills the
//! cache (its cold misses are printed, not judged), the second is measured while a merchant
//! updates one product (also Zipf-chosen, so popular ones) every second, each update purged
//! through the worker. At least 95% of the measured requests must be hits.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures::StreamExt;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;
use vitrine::catalog::product_input::ProductInput;
use vitrine::catalog::product_write;

use super::rows_of_store;
use super::through_varnish::{app_behind_varnish, get};
use super::varnish::Varnish;
use crate::checkout::eventually;
use crate::helpers::{Backend, TestApp};

const PRODUCTS: usize = 5_000;
const TRACE: usize = 20_000;
const CONCURRENCY: usize = 8;
const PRODUCT_PAGE: &str = "query ProductPage($handle: String!) { product(handle: $handle) { id title vendor priceRange { minVariantPrice { amount currencyCode } } } }";
const PRODUCT_UPDATE: &str =
    include_str!("../../../schema/operations/admin/product_update.graphql");

/// Draws product ranks (0 = most popular) with probability proportional to 1 / (rank + 1).
struct Zipf {
    cumulative: Vec<f64>,
}

impl Zipf {
    fn new(n: usize) -> Zipf {
        let mut total = 0.0;
        let cumulative = (1..=n)
            .map(|rank| {
                total += 1.0 / rank as f64;
                total
            })
            .collect();
        Zipf { cumulative }
    }

    fn sample(&self, rng: &mut StdRng) -> usize {
        let total = *self.cumulative.last().unwrap();
        let target = rng.random::<f64>() * total;
        self.cumulative
            .partition_point(|&c| c < target)
            .min(self.cumulative.len() - 1)
    }
}

fn handle(rank: usize) -> String {
    format!("zipf-product-{rank}")
}

/// Creates the products in the database directly (the API would take minutes), then waits
/// until the purges their creation owed have all been sent, so none lands in the measurement.
async fn seed(app: &TestApp) -> Vec<String> {
    let store = app.store_model().await;
    let mut ids = Vec::with_capacity(PRODUCTS);
    for chunk in (0..PRODUCTS).collect::<Vec<_>>().chunks(500) {
        let tx = app.database.begin().await.unwrap();
        for &rank in chunk {
            let input = ProductInput {
                title: Some(format!("Zipf Product {rank}")),
                handle: Some(handle(rank)),
                vendor: Some("Zipf".into()),
                ..ProductInput::default()
            };
            let product = product_write::create_product(&tx, &store, input)
                .await
                .unwrap();
            ids.push(vitrine::ids::encode(
                vitrine::ids::GidKind::Product,
                product.id,
            ));
        }
        tx.commit().await.unwrap();
    }
    eventually(Duration::from_secs(60), "the seeding's purges", || async {
        let rows = rows_of_store(app, app.store.store_id).await;
        rows.iter().all(|row| row.cdn_purged_at.is_some())
    })
    .await;
    ids
}

/// Replays the trace through Varnish; returns how many answers were hits.
async fn replay(app: &TestApp, varnish: &Varnish, trace: &[usize]) -> usize {
    let client = app.client();
    let answers = futures::stream::iter(trace.iter().map(|&rank| {
        let client = client.clone();
        async move {
            let variables = json!({ "handle": handle(rank) });
            get(&client, varnish, &app.store, PRODUCT_PAGE, variables).await
        }
    }))
    .buffer_unordered(CONCURRENCY)
    .collect::<Vec<_>>()
    .await;
    answers
        .iter()
        .filter(|answer| answer.cache == "HIT")
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_zipf_browse_with_a_write_every_second_hits_varnish_at_least_95_percent() {
    let (app, varnish) = app_behind_varnish(Backend::Postgres).await;
    let ids = seed(&app).await;
    let zipf = Zipf::new(PRODUCTS);
    let mut rng = StdRng::seed_from_u64(20_240_601);
    let trace: Vec<usize> = (0..TRACE).map(|_| zipf.sample(&mut rng)).collect();

    let cold_hits = replay(&app, &varnish, &trace).await;
    println!("cold replay: {cold_hits} hits of {TRACE}");

    let app = Arc::new(app);
    let done = Arc::new(AtomicBool::new(false));
    let writer = tokio::spawn({
        let (app, done, ids) = (app.clone(), done.clone(), ids.clone());
        async move {
            let mut rng = StdRng::seed_from_u64(7);
            let mut writes = 0;
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            tick.tick().await;
            while !done.load(Ordering::Relaxed) {
                tick.tick().await;
                let id = &ids[Zipf::new(PRODUCTS).sample(&mut rng)];
                let vars = json!({ "id": id, "input": { "vendor": format!("Zipf {writes}") } });
                app.admin(PRODUCT_UPDATE, "ProductUpdate", vars).await;
                writes += 1;
            }
            writes
        }
    });
    let started = std::time::Instant::now();
    let hits = replay(&app, &varnish, &trace).await;
    done.store(true, Ordering::Relaxed);
    let writes = writer.await.unwrap();

    let ratio = hits as f64 / TRACE as f64;
    println!(
        "measured replay: {hits} hits of {TRACE} ({:.2}%) in {:?} with {writes} writes",
        ratio * 100.0,
        started.elapsed()
    );
    assert!(writes > 0, "no write landed during the measured replay");
    assert!(ratio >= 0.95, "hit ratio {ratio:.4} < 0.95");
}
