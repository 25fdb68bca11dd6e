//! RELIABILITY.md T12, webhook chaos: hundreds of checkouts of every kind (captured at once, an
//! answer lost and replayed, authorized only, captured on fulfilment, declined, voided by a
//! cancel, refunded by a cancel) run concurrently while every event the gateway sends for them is
//! delivered 1–3 times, each copy after a random delay (so in no order, and during the buyer's
//! own confirmation and the merchant's follow-up), and some copies only after the run, an hour
//! old. Pass: every delivery is answered 200, the late ones change nothing, every scenario ends
//! exactly as the clean run of its kind (one scenario per kind, its events delivered once, in
//! order, after each step), every capture was called exactly once, and stock is sold once.
//!
//! The seed fixes the scenario mix and each event's delivery plan, in the order the events reach
//! the test; set `T12_SEED` to replay a printed one (thread timing still varies, as it should).

mod state;

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use async_graphql::futures_util::stream::{self, FuturesUnordered, StreamExt};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use vitrine::inventory::{ledger, levels};
use vitrine::payments::TestGateway;
use vitrine::payments::stripe::events::Event;
use vitrine::stores::{self, CreatedStore};

use self::state::State;
use super::{Endpoint, stored, webhook_app_with};
use crate::carts::CART;
use crate::checkout::{CHECKOUT, error_codes, input, new_key};
use crate::helpers::{As, Backend, PRODUCT_CREATE, TestApp, create_store};
use crate::inventory::variant_uuid;
use crate::on_both_backends;
use crate::orders::ORDERS;

on_both_backends!(multi_thread: delivered_in_chaos_every_event_leaves_the_clean_runs_state);

/// Scenarios per backend.
const SCENARIOS: usize = 250;
/// Checkouts in flight at once.
const CONCURRENCY: usize = 12;
/// The longest a copy of an event waits before it is delivered.
const MAX_DELAY_MS: u64 = 60;
/// How long after acting (and sending its events) the gateway answers.
const ANSWER_DELAY: Duration = Duration::from_millis(80);
/// The chance that a copy is held back to the end and delivered an hour old.
const LATE: f64 = 0.1;
const STOCK: i64 = 100_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Kind {
    CapturedAtOnce,
    LostAnswer,
    AuthorizedOnly,
    Fulfilled,
    Declined,
    Voided,
    Refunded,
}

const KINDS: [Kind; 7] = [
    Kind::CapturedAtOnce,
    Kind::LostAnswer,
    Kind::AuthorizedOnly,
    Kind::Fulfilled,
    Kind::Declined,
    Kind::Voided,
    Kind::Refunded,
];

impl Kind {
    fn token(self) -> &'static str {
        match self {
            Kind::Declined => "tok_chargeDeclined",
            Kind::LostAnswer => "tok_vitrine_lostResponse",
            _ => "tok_visa",
        }
    }

    /// Paid in the store that captures on fulfilment (else in the one that captures at once).
    fn on_fulfilment(self) -> bool {
        matches!(self, Kind::AuthorizedOnly | Kind::Fulfilled | Kind::Voided)
    }

    /// What the clean run must show: order status, payment status, captures called.
    fn expected(self) -> (&'static str, &'static str, usize) {
        match self {
            Kind::CapturedAtOnce | Kind::LostAnswer => ("confirmed", "captured", 1),
            Kind::AuthorizedOnly => ("confirmed", "authorized", 0),
            Kind::Fulfilled => ("shipped", "captured", 1),
            Kind::Declined => ("pending", "failed", 0),
            Kind::Voided => ("cancelled", "voided", 0),
            Kind::Refunded => ("cancelled", "refunded", 1),
        }
    }
}

/// A store and the one variant every cart of it buys.
struct Shop {
    store: CreatedStore,
    variant: String,
}

/// Sends one operation as `who`; fails on any GraphQL error and returns `data`.
async fn send(app: &TestApp, who: As<'_>, document: &str, operation: &str, vars: Value) -> Value {
    let (status, body) = app.request(who, document, Some(operation), vars).await;
    assert_eq!(status, 200, "{operation}: {body}");
    assert!(body.get("errors").is_none(), "{operation}: {body}");
    body["data"].clone()
}

async fn open_shop(app: &TestApp, store: CreatedStore, on_fulfilment: bool) -> Shop {
    if on_fulfilment {
        let capture = "mutation Capture { storeUpdate(input: { paymentCapture: ON_FULFILLMENT }) { userErrors { field message } } }";
        let data = send(app, As::Admin(&store), capture, "Capture", json!({})).await;
        assert_eq!(data["storeUpdate"]["userErrors"], json!([]));
    }
    let product = json!({ "input": {
        "title": "Chaos Tee", "options": ["Size"],
        "variants": [{ "sku": format!("CHAOS-{}", store.store_id), "price": "12.50",
                       "options": ["One"], "inventoryQuantity": STOCK }]
    }});
    let created = send(
        app,
        As::Admin(&store),
        PRODUCT_CREATE,
        "ProductCreate",
        product,
    )
    .await;
    let variant = created["productCreate"]["product"]["variants"]["nodes"][0]["id"]
        .as_str()
        .expect("a variant")
        .to_string();
    Shop { store, variant }
}

async fn new_cart(app: &TestApp, shop: &Shop) -> String {
    let lines = json!([{ "merchandiseId": shop.variant, "quantity": 1 }]);
    let vars = json!({ "input": { "lines": lines } });
    let data = send(app, As::Storefront(&shop.store), CART, "CartCreate", vars).await;
    data["cartCreate"]["cart"]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The buyer's checkout; returns the order's gid, if it made one.
async fn check_out(app: &TestApp, shop: &Shop, kind: Kind, cart: &str) -> Option<String> {
    let vars = json!({ "cartId": cart, "idempotencyKey": new_key(), "input": input(kind.token()) });
    let data = send(
        app,
        As::Storefront(&shop.store),
        CHECKOUT,
        "CartComplete",
        vars,
    )
    .await;
    let payload = &data["cartComplete"];
    let codes = error_codes(payload);
    if kind == Kind::Declined {
        assert_eq!(codes, ["PAYMENT_DECLINED"], "{payload}");
        return None;
    }
    assert!(codes.is_empty(), "{kind:?}: {payload}");
    Some(payload["order"]["id"].as_str().unwrap().to_string())
}

/// The merchant's part, if the kind has one: ship the order, or cancel it.
async fn follow_up(app: &TestApp, shop: &Shop, kind: Kind, order: &str) {
    let (operation, field, vars) = match kind {
        Kind::Fulfilled => ("OrderFulfill", "orderFulfill", json!({ "id": order })),
        Kind::Voided | Kind::Refunded => (
            "OrderCancel",
            "orderCancel",
            json!({ "id": order, "reason": "CUSTOMER" }),
        ),
        _ => return,
    };
    let data = send(app, As::Admin(&shop.store), ORDERS, operation, vars).await;
    assert_eq!(data[field]["userErrors"], json!([]), "{kind:?}: {data}");
}

/// One whole scenario, as the buyer and the merchant see it.
async fn run(app: &TestApp, shop: &Shop, kind: Kind, cart: &str) {
    if let Some(order) = check_out(app, shop, kind, cart).await {
        follow_up(app, shop, kind, &order).await;
    }
}

/// The clean run of `kind`: each step's events delivered once, in order, after the step.
async fn clean_run(app: &TestApp, endpoint: &Endpoint, shop: &Shop, kind: Kind) -> String {
    let cart = new_cart(app, shop).await;
    let deliver_in_order = || async {
        for event in app.gateway.drain_events() {
            let (status, answer) = endpoint.deliver(&event).await;
            assert_eq!(status, 200, "{answer}");
        }
    };
    deliver_in_order().await;
    let order = check_out(app, shop, kind, &cart).await;
    deliver_in_order().await;
    if let Some(order) = order {
        follow_up(app, shop, kind, &order).await;
        deliver_in_order().await;
    }
    cart
}

/// Plans the copies of each event: 1–3, each delivered after a random wait, or held back to be
/// delivered an hour late (pushed on `late`). Returns the copies to deliver now.
fn plan_copies(
    rng: &mut StdRng,
    events: Vec<Event>,
    late: &mut Vec<Event>,
) -> Vec<(Duration, Event)> {
    let mut now = Vec::new();
    for event in events {
        for _ in 0..rng.random_range(1..=3) {
            if rng.random_bool(LATE) {
                late.push(an_hour_old(&event));
            } else {
                let wait = Duration::from_millis(rng.random_range(0..=MAX_DELAY_MS));
                now.push((wait, event.clone()));
            }
        }
    }
    now
}

/// What one delivery was answered: whether it came an hour late, the event's type, the status
/// and the answer.
type Answer = (bool, String, u16, Value);

async fn deliver_after(endpoint: &Endpoint, wait: Duration, event: Event, late: bool) -> Answer {
    tokio::time::sleep(wait).await;
    let (status, answer) = endpoint.deliver(&event).await;
    (late, event.kind, status, answer)
}

/// An event as delivered an hour after it happened (Stripe signs each delivery afresh).
fn an_hour_old(event: &Event) -> Event {
    Event {
        created: event.created - 3600,
        ..event.clone()
    }
}

async fn delivered_in_chaos_every_event_leaves_the_clean_runs_state(backend: Backend) {
    let seed: u64 = std::env::var("T12_SEED")
        .ok()
        .and_then(|seed| seed.parse().ok())
        .unwrap_or_else(rand::random);
    println!("T12 on {backend:?}: seed {seed}, {SCENARIOS} scenarios (replay: T12_SEED={seed})");
    let mut rng = StdRng::seed_from_u64(seed);
    // Events outrun the gateway's answers, so deliveries meet the buyer's checkout between its
    // gateway call and its record of the answer. Production's timeouts: a buyer's checkout is
    // never mistaken for a dead one.
    let gateway = TestGateway::new().with_answer_delay(ANSWER_DELAY);
    let app = webhook_app_with(backend, gateway, |settings| {
        settings.checkout_lock_seconds = 30.0;
        settings.completer_grace_seconds = 10.0;
    })
    .await;
    let endpoint = Endpoint::of(&app);
    let second = create_store(&app.database, "Captures on fulfilment").await;
    let at_once = open_shop(&app, app.store.clone(), false).await;
    let on_fulfilment = open_shop(&app, second, true).await;
    let shop = |kind: Kind| match kind.on_fulfilment() {
        true => &on_fulfilment,
        false => &at_once,
    };

    let mut references = BTreeMap::new();
    for kind in KINDS {
        references.insert(kind, clean_run(&app, &endpoint, shop(kind), kind).await);
    }
    let kinds: Vec<Kind> = (0..SCENARIOS)
        .map(|_| KINDS[rng.random_range(0..KINDS.len())])
        .collect();
    let carts: Vec<String> = stream::iter(&kinds)
        .map(|kind| new_cart(&app, shop(*kind)))
        .buffered(CONCURRENCY)
        .collect()
        .await;

    let started = Instant::now();
    let mut late = Vec::new();
    let mut answers: Vec<Answer> = Vec::new();
    let mut deliveries = FuturesUnordered::new();
    let scenarios = stream::iter(kinds.iter().zip(&carts))
        .for_each_concurrent(CONCURRENCY, |(kind, cart)| {
            run(&app, shop(*kind), *kind, cart)
        });
    tokio::pin!(scenarios);
    loop {
        let events = tokio::select! {
            () = &mut scenarios => break,
            events = app.gateway.next_events() => events,
            Some(answer) = deliveries.next() => {
                answers.push(answer);
                continue;
            }
        };
        for (wait, event) in plan_copies(&mut rng, events, &mut late) {
            deliveries.push(deliver_after(&endpoint, wait, event, false));
        }
    }
    let events = app.gateway.drain_events();
    for (wait, event) in plan_copies(&mut rng, events, &mut late) {
        deliveries.push(deliver_after(&endpoint, wait, event, false));
    }
    while let Some(answer) = deliveries.next().await {
        answers.push(answer);
    }
    let run_time = started.elapsed();
    // The hour's gap: every held-back copy arrives after everything settled.
    let late_answers: Vec<Answer> = stream::iter(late.iter().cloned())
        .map(|event| deliver_after(&endpoint, Duration::ZERO, event, true))
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    answers.extend(late_answers);

    let mut tally: BTreeMap<(bool, &str, String), usize> = BTreeMap::new();
    for (late, kind, status, answer) in &answers {
        assert_eq!(*status, 200, "a delivery was refused: {answer}");
        let outcome = answer["outcome"].as_str().unwrap().to_string();
        if *late {
            assert!(
                ["stale", "duplicate", "ignored"].contains(&outcome.as_str()),
                "an hour-late event changed something: {answer}"
            );
        }
        *tally.entry((*late, kind, outcome)).or_default() += 1;
    }
    println!(
        "T12 on {backend:?}: {SCENARIOS} scenarios with {} deliveries ({} late) in {run_time:?}",
        answers.len(),
        late.len()
    );
    for ((late, kind, outcome), count) in &tally {
        let when = if *late {
            "an hour late"
        } else {
            "during the run"
        };
        println!("  {count:>5} × {kind} {when}: {outcome}");
    }

    let mut all_carts = carts.clone();
    all_carts.extend(references.values().cloned());
    let stores = [at_once.store.store_id, on_fulfilment.store.store_id];
    let states: HashMap<String, State> = state::read(&app, &stores, &all_carts).await;
    for (kind, cart) in &references {
        let clean = &states[cart];
        let (order, payment, captures) = kind.expected();
        assert_eq!(
            clean.summary(),
            (Some(order), Some(payment)),
            "{kind:?}: {clean:#?}"
        );
        let paid = &clean.order.as_ref().unwrap().payments[0];
        assert_eq!(paid.captures, captures, "{kind:?}: {clean:#?}");
        assert!(paid.reference_is_the_gateways || *kind == Kind::Declined);
    }
    let differing: Vec<_> = kinds
        .iter()
        .zip(&carts)
        .filter(|(kind, cart)| states[*cart] != states[&references[kind]])
        .collect();
    if let Some((kind, cart)) = differing.first() {
        panic!(
            "seed {seed}: {} of {SCENARIOS} scenarios differ from their clean run; the first, \
             {kind:?}:\n{:#?}\nclean:\n{:#?}",
            differing.len(),
            states[*cart],
            states[&references[kind]]
        );
    }

    let rows = stored(&app).await;
    assert_eq!(
        rows.len(),
        app.gateway.events().len(),
        "each event stored once"
    );
    assert!(
        rows.iter()
            .all(|row| row.outcome.is_some() && row.processed_at.is_some())
    );
    let every_kind = kinds.iter().zip(&carts).chain(references.iter());
    for (shop, on_fulfilment) in [(&at_once, false), (&on_fulfilment, true)] {
        let of_shop = every_kind
            .clone()
            .filter(|(kind, _)| kind.on_fulfilment() == on_fulfilment);
        assert_stock_sold_once(&app, shop, of_shop.map(|(_, cart)| &states[cart])).await;
    }
}

/// The shop's stock agrees with its ledger and each sale took its unit once: on hand is the
/// stock less the orders that stand, reserved is what the declined carts still hold.
async fn assert_stock_sold_once<'a>(
    app: &TestApp,
    shop: &Shop,
    states: impl Iterator<Item = &'a State>,
) {
    let (mut standing, mut holding) = (0, 0);
    for state in states {
        match state.summary() {
            (Some("confirmed" | "shipped"), _) => standing += 1,
            (_, Some("failed")) => holding += 1,
            _ => {}
        }
    }
    let store = stores::find_store(app.db(), shop.store.store_id)
        .await
        .unwrap()
        .expect("the shop's store");
    let variant = variant_uuid(&shop.variant);
    let level = levels::find(app.db(), &store, variant)
        .await
        .unwrap()
        .expect("a level");
    assert_eq!((level.on_hand, level.reserved), (STOCK - standing, holding));
    let ledger = ledger::totals(app.db(), &store, variant).await.unwrap();
    assert_eq!(ledger, (level.on_hand, level.reserved));
}
