//! A webhook receiver on 127.0.0.1 that records every request it gets and answers as told:
//! healthy, failing a number of times, or at random (errors, slow answers, answers
//! later than the relay waits). It also notices when two attempts it answers in time are in
//! flight on one callback path at once, which the relay must never do.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::Uri;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

/// How the receiver answers.
#[derive(Debug, Clone, Copy)]
pub enum Behaviour {
    /// 200 after `delay`.
    Healthy { delay: Duration },
    /// 500 to the first `n` requests, then 200.
    FailFirst(usize),
    /// At random: 200 at once, 500, 200 after a while, or 200 after `late` (past the relay's
    /// timeout, so the relay sees no answer).
    Chaos { late: Duration },
}

/// What the receiver did with a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// A 2xx in time: the relay counts the delivery taken.
    Took,
    /// A 5xx.
    Refused,
    /// An answer after the relay gave up waiting.
    Late,
}

/// One request as received.
#[derive(Debug, Clone)]
pub struct Hit {
    pub path: String,
    pub webhook_id: Uuid,
    pub event_id: Uuid,
    pub topic: String,
    pub shop_domain: String,
    pub api_version: String,
    pub triggered_at: String,
    pub hmac: String,
    pub body: Bytes,
    pub received_at: SystemTime,
    pub answer: Answer,
}

impl Hit {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

struct Shared {
    hits: Mutex<Vec<Hit>>,
    behaviour: Mutex<Behaviour>,
    answered: AtomicUsize,
    in_time: Mutex<HashMap<String, usize>>,
    overlaps: AtomicUsize,
    rng: Mutex<StdRng>,
}

#[derive(Clone)]
pub struct Receiver {
    /// `http://127.0.0.1:<port>`; any path under it is a callback URL.
    pub base: String,
    shared: Arc<Shared>,
}

impl Receiver {
    pub async fn start(behaviour: Behaviour, seed: u64) -> Receiver {
        let shared = Arc::new(Shared {
            hits: Mutex::new(Vec::new()),
            behaviour: Mutex::new(behaviour),
            answered: AtomicUsize::new(0),
            in_time: Mutex::new(HashMap::new()),
            overlaps: AtomicUsize::new(0),
            rng: Mutex::new(StdRng::seed_from_u64(seed)),
        });
        let router = axum::Router::new()
            .route("/{*path}", post(receive))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await });
        Receiver { base, shared }
    }

    /// The callback URL of `path` (`/hooks/orders`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn behave(&self, behaviour: Behaviour) {
        *self.shared.behaviour.lock().unwrap() = behaviour;
    }

    /// Every request so far, in arrival order.
    pub fn hits(&self) -> Vec<Hit> {
        self.shared.hits.lock().unwrap().clone()
    }

    /// Requests on `path`, in arrival order.
    pub fn hits_on(&self, path: &str) -> Vec<Hit> {
        self.hits()
            .into_iter()
            .filter(|hit| hit.path == path)
            .collect()
    }

    /// How many times two attempts answered in time were in flight on one path at once.
    pub fn overlaps(&self) -> usize {
        self.shared.overlaps.load(Ordering::SeqCst)
    }

    /// Waits until `done(hits)` holds, failing after `limit`.
    pub async fn wait_for(&self, limit: Duration, done: impl Fn(&[Hit]) -> bool) -> Vec<Hit> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let hits = self.hits();
            if done(&hits) {
                return hits;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the receiver did not get what was expected within {limit:?}; it got {} requests",
                hits.len()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// How to answer one request: (status, wait, answer).
fn decide(shared: &Shared) -> (StatusCode, Duration, Answer) {
    let n = shared.answered.fetch_add(1, Ordering::SeqCst);
    let behaviour = *shared.behaviour.lock().unwrap();
    match behaviour {
        Behaviour::Healthy { delay } => (StatusCode::OK, delay, Answer::Took),
        Behaviour::FailFirst(times) if n < times => (
            StatusCode::SERVICE_UNAVAILABLE,
            Duration::ZERO,
            Answer::Refused,
        ),
        Behaviour::FailFirst(_) => (StatusCode::OK, Duration::ZERO, Answer::Took),
        Behaviour::Chaos { late } => {
            let mut rng = shared.rng.lock().unwrap();
            match rng.random_range(0..100) {
                0..45 => (StatusCode::OK, Duration::ZERO, Answer::Took),
                45..65 => (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    Duration::ZERO,
                    Answer::Refused,
                ),
                65..85 => {
                    let wait = Duration::from_millis(rng.random_range(20..200));
                    (StatusCode::OK, wait, Answer::Took)
                }
                _ => (StatusCode::OK, late, Answer::Late),
            }
        }
    }
}

async fn receive(
    State(shared): State<Arc<Shared>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let id = |name: &str| Uuid::parse_str(&header(name)).unwrap_or_default();
    let (status, wait, answer) = decide(&shared);
    let path = uri.path().to_string();
    shared.hits.lock().unwrap().push(Hit {
        path: path.clone(),
        webhook_id: id("x-shopify-webhook-id"),
        event_id: id("x-shopify-event-id"),
        topic: header("x-shopify-topic"),
        shop_domain: header("x-shopify-shop-domain"),
        api_version: header("x-shopify-api-version"),
        triggered_at: header("x-shopify-triggered-at"),
        hmac: header("x-shopify-hmac-sha256"),
        body,
        received_at: SystemTime::now(),
        answer,
    });
    if answer == Answer::Late {
        tokio::time::sleep(wait).await;
        return status;
    }
    let _in_flight = InFlight::enter(shared.clone(), path);
    tokio::time::sleep(wait).await;
    status
}

/// An attempt the receiver answers in time, counted on its path while it runs (and until its
/// handler is dropped, should the sender hang up).
struct InFlight {
    shared: Arc<Shared>,
    path: String,
}

impl InFlight {
    fn enter(shared: Arc<Shared>, path: String) -> InFlight {
        let concurrent = {
            let mut in_time = shared.in_time.lock().unwrap();
            let count = in_time.entry(path.clone()).or_default();
            *count += 1;
            *count
        };
        if concurrent > 1 {
            shared.overlaps.fetch_add(1, Ordering::SeqCst);
        }
        InFlight { shared, path }
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        if let Some(count) = self.shared.in_time.lock().unwrap().get_mut(&self.path) {
            *count -= 1;
        }
    }
}
