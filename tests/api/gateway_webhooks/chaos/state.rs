//! What a scenario left behind, read back in a few bulk queries once the run is over: its cart,
//! its order with the order's history and outbox topics, its payment with the payment's history,
//! and the gateway's books for that payment. Two scenarios of one kind that ended the same way
//! read as equal `State`s (nothing here depends on ids, times or who learned what first).

use std::collections::HashMap;

use entities::prelude::*;
use entities::{cart, order, order_event, outbox_event, payment, payment_event};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;
use vitrine::ids::{self, GidKind};
use vitrine::payments::AuthorizationStatus;

use crate::helpers::TestApp;

/// A scenario's end state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    pub cart: String,
    pub order: Option<OrderState>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderState {
    pub status: String,
    /// `from → to by actor`, oldest first.
    pub history: Vec<String>,
    /// The outbox topics about the order, in order.
    pub topics: Vec<String>,
    pub payments: Vec<PaymentState>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentState {
    pub status: String,
    pub amount: i64,
    pub captured: i64,
    pub refunded: i64,
    pub decline_code: Option<String>,
    /// The kinds of its history, oldest first.
    pub events: Vec<String>,
    /// The gateway's books under its key (status, captured, refunded), if it holds anything.
    pub gateway: Option<(String, i64, i64)>,
    /// Its reference is the authorization the gateway holds under its key.
    pub reference_is_the_gateways: bool,
    /// How many capture calls named its authorization.
    pub captures: usize,
}

impl State {
    /// The order's status and its (only) payment's status, for a quick look.
    pub fn summary(&self) -> (Option<&str>, Option<&str>) {
        let order = self.order.as_ref();
        let payment = order.and_then(|order| order.payments.first());
        (
            order.map(|order| order.status.as_str()),
            payment.map(|payment| payment.status.as_str()),
        )
    }
}

/// The end state of every cart (by gid) of `stores`.
pub async fn read(app: &TestApp, stores: &[Uuid], carts: &[String]) -> HashMap<String, State> {
    let db = app.db();
    let stores = || stores.iter().copied();
    let all_carts = Cart::find()
        .filter(cart::Column::StoreId.is_in(stores()))
        .all(db)
        .await
        .unwrap();
    let orders: HashMap<Uuid, order::Model> = Order::find()
        .filter(order::Column::StoreId.is_in(stores()))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|order| (order.cart_id, order))
        .collect();
    let payments = group(
        Payment::find()
            .filter(payment::Column::StoreId.is_in(stores()))
            .order_by_asc(payment::Column::CreatedAt)
            .order_by_asc(payment::Column::Id)
            .all(db)
            .await
            .unwrap(),
        |payment| payment.order_id,
    );
    let payment_events = group(
        PaymentEvent::find()
            .filter(payment_event::Column::StoreId.is_in(stores()))
            .order_by_asc(payment_event::Column::CreatedAt)
            .order_by_asc(payment_event::Column::Id)
            .all(db)
            .await
            .unwrap(),
        |event| event.payment_id,
    );
    let order_events = group(
        OrderEvent::find()
            .filter(order_event::Column::StoreId.is_in(stores()))
            .order_by_asc(order_event::Column::CreatedAt)
            .order_by_asc(order_event::Column::Id)
            .all(db)
            .await
            .unwrap(),
        |event| event.order_id,
    );
    let topics = group(
        OutboxEvent::find()
            .filter(outbox_event::Column::StoreId.is_in(stores()))
            .order_by_asc(outbox_event::Column::Id)
            .all(db)
            .await
            .unwrap(),
        |event| event.subject_gid.clone(),
    );
    let books: HashMap<String, _> = app
        .gateway
        .recorded()
        .into_iter()
        .map(|recorded| (recorded.request.idempotency_key, recorded.authorization))
        .collect();

    let payment_state = |payment: &payment::Model| {
        let at_gateway = books.get(&payment.idempotency_key);
        let events = payment_events.get(&payment.id).map(Vec::as_slice);
        PaymentState {
            status: payment.status.clone(),
            amount: payment.amount_minor,
            captured: payment.captured_minor,
            refunded: payment.refunded_minor,
            decline_code: payment.decline_code.clone(),
            events: events
                .unwrap_or_default()
                .iter()
                .map(|event| event.kind.clone())
                .collect(),
            gateway: at_gateway.map(|held| {
                let status = match held.status {
                    AuthorizationStatus::Authorized => "authorized",
                    AuthorizationStatus::Captured => "captured",
                    AuthorizationStatus::Voided => "voided",
                };
                (status.to_string(), held.captured_minor, held.refunded_minor)
            }),
            reference_is_the_gateways: payment.gateway_reference.as_deref()
                == at_gateway.map(|held| held.reference.as_str()),
            captures: payment
                .gateway_reference
                .as_deref()
                .map_or(0, |reference| app.gateway.captures_of(reference)),
        }
    };
    let order_state = |order: &order::Model| {
        let gid = ids::encode(GidKind::Order, order.id);
        let history = order_events.get(&order.id).map(Vec::as_slice);
        OrderState {
            status: order.status.clone(),
            history: history
                .unwrap_or_default()
                .iter()
                .map(|step| {
                    let from = step.from_status.as_deref().unwrap_or("-");
                    format!("{from} → {} by {}", step.to_status, step.actor)
                })
                .collect(),
            topics: topics
                .get(&gid)
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .map(|event| event.topic.clone())
                .collect(),
            payments: payments
                .get(&order.id)
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .map(payment_state)
                .collect(),
        }
    };
    let by_token: HashMap<&str, &cart::Model> = all_carts
        .iter()
        .map(|cart| (cart.token.as_str(), cart))
        .collect();
    carts
        .iter()
        .map(|gid| {
            let cart = by_token[token_of(gid)];
            let state = State {
                cart: cart.status.clone(),
                order: orders.get(&cart.id).map(order_state),
            };
            (gid.clone(), state)
        })
        .collect()
}

/// The token of a cart gid (`gid://shopify/Cart/<token>?key=…`).
fn token_of(gid: &str) -> &str {
    let token = gid.trim_start_matches("gid://shopify/Cart/");
    token.split('?').next().unwrap_or(token)
}

fn group<K: std::hash::Hash + Eq, T>(rows: Vec<T>, key: impl Fn(&T) -> K) -> HashMap<K, Vec<T>> {
    let mut grouped: HashMap<K, Vec<T>> = HashMap::new();
    for row in rows {
        grouped.entry(key(&row)).or_default().push(row);
    }
    grouped
}
