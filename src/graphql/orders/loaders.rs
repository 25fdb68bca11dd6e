//! The parts of orders a page of them reads, loaded for the whole page at once: their lines,
//! status histories, payments and the payments' events (see `graphql::loaders` for how loading
//! works).

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use uuid::Uuid;

use crate::graphql::errors::GqlResult;
use crate::graphql::loaders::{Scope, grouped};
use crate::orders::{self, OrderEvent, OrderLine};
use crate::payments::records::{self, Payment, PaymentEvent};

pub struct LinesByOrderLoader(pub Scope);

impl Loader<Uuid> for LinesByOrderLoader {
    type Value = Vec<OrderLine>;
    type Error = async_graphql::Error;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let lines = orders::read::lines_of_orders(&self.0.db, &self.0.store, ids)
            .await
            .gql()?;
        Ok(grouped(ids, lines, |line| line.order_id))
    }
}

pub struct HistoryByOrderLoader(pub Scope);

impl Loader<Uuid> for HistoryByOrderLoader {
    type Value = Vec<OrderEvent>;
    type Error = async_graphql::Error;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let events = orders::read::history_of_orders(&self.0.db, &self.0.store, ids)
            .await
            .gql()?;
        Ok(grouped(ids, events, |event| event.order_id))
    }
}

pub struct PaymentsByOrderLoader(pub Scope);

impl Loader<Uuid> for PaymentsByOrderLoader {
    type Value = Vec<Payment>;
    type Error = async_graphql::Error;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let payments = records::of_orders(&self.0.db, &self.0.store, ids)
            .await
            .gql()?;
        Ok(grouped(ids, payments, |payment| payment.order_id))
    }
}

pub struct EventsByPaymentLoader(pub Scope);

impl Loader<Uuid> for EventsByPaymentLoader {
    type Value = Vec<PaymentEvent>;
    type Error = async_graphql::Error;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let events = records::events_of_payments(&self.0.db, &self.0.store, ids)
            .await
            .gql()?;
        Ok(grouped(ids, events, |event| event.payment_id))
    }
}
