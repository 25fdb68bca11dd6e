//! `WebhookSubscription`, its topic and endpoint, and `WebhookDelivery`, one entry of its log.

use async_graphql::connection::Connection;
use async_graphql::{Context, Enum, ID, Object, SimpleObject, Union};
use chrono::{DateTime, Utc};

use crate::graphql::context;
use crate::graphql::errors::GqlResult;
use crate::graphql::pagination::{self, PageArgs};
use crate::graphql::scalars::Url;
use crate::ids::{self, GidKind};
use crate::outbox::Topic;
use crate::webhooks::{self, DeliveryStatus, deliveries};

/// What a subscription hears about, as Shopify names its webhook topics.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(remote = "crate::outbox::Topic")]
pub enum WebhookSubscriptionTopic {
    CheckoutsCreate,
    CheckoutsUpdate,
    OrdersCreate,
    OrdersUpdated,
    OrdersPaid,
    OrdersFulfilled,
    OrdersCancelled,
    ProductsCreate,
    ProductsUpdate,
    ProductsDelete,
    InventoryLevelsUpdate,
    CollectionsCreate,
    CollectionsUpdate,
    CollectionsDelete,
}

/// The payload format; deliveries are JSON.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum WebhookSubscriptionFormat {
    Json,
}

/// Where a subscription's deliveries go.
#[derive(Union)]
pub enum WebhookSubscriptionEndpoint {
    WebhookHttpEndpoint(WebhookHttpEndpoint),
}

/// An HTTP(S) endpoint that receives POSTs.
#[derive(SimpleObject)]
pub struct WebhookHttpEndpoint {
    pub callback_url: Url,
}

/// A callback URL subscribed to a topic of the store's events.
pub struct WebhookSubscription(pub webhooks::Subscription);

#[Object]
impl WebhookSubscription {
    async fn id(&self) -> ID {
        ID(ids::encode(GidKind::WebhookSubscription, self.0.id))
    }

    async fn topic(&self) -> WebhookSubscriptionTopic {
        self.0.topic.into()
    }

    /// The URL deliveries are POSTed to.
    async fn callback_url(&self) -> Url {
        Url(self.0.callback_url.clone())
    }

    async fn endpoint(&self) -> WebhookSubscriptionEndpoint {
        WebhookSubscriptionEndpoint::WebhookHttpEndpoint(WebhookHttpEndpoint {
            callback_url: Url(self.0.callback_url.clone()),
        })
    }

    async fn format(&self) -> WebhookSubscriptionFormat {
        WebhookSubscriptionFormat::Json
    }

    /// The Admin API version the payloads follow (`X-Shopify-API-Version`).
    async fn api_version(&self) -> &'static str {
        webhooks::API_VERSION
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// The delivery log, newest first: each event sent (or to be sent) to this subscription,
    /// with its attempts.
    #[graphql(complexity = "pagination::page_cost(first, last, child_complexity)")]
    async fn deliveries(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        status: Option<WebhookDeliveryStatus>,
    ) -> async_graphql::Result<Connection<String, WebhookDelivery>> {
        let db = context::db(ctx);
        let store_id = context::admin_store(ctx)?.id;
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        let (id, status) = (self.0.id, status.map(DeliveryStatus::from));
        let page = pagination::fetch_page(
            &args,
            |offset, limit| deliveries::of_subscription(db, store_id, id, status, offset, limit),
            || deliveries::count_of_subscription(db, store_id, id, status),
        )
        .await
        .gql()?;
        Ok(page.connection(WebhookDelivery))
    }
}

/// Where a delivery stands.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(remote = "crate::webhooks::DeliveryStatus")]
pub enum WebhookDeliveryStatus {
    /// Waiting for its turn or its next attempt.
    Pending,
    /// The receiver answered with a 2xx status.
    Delivered,
    /// Every attempt failed; the subscription moved on.
    Failed,
}

/// One event sent to a subscription: how its attempts went.
pub struct WebhookDelivery(pub webhooks::Delivery);

#[Object]
impl WebhookDelivery {
    /// The delivery's global id; its UUID is the `X-Shopify-Webhook-Id` of every attempt.
    async fn id(&self) -> ID {
        ID(ids::encode(GidKind::WebhookDelivery, self.0.id))
    }

    /// The `X-Shopify-Webhook-Id` sent with every attempt.
    async fn webhook_id(&self) -> String {
        self.0.id.to_string()
    }

    /// The `X-Shopify-Event-Id`: the event delivered.
    async fn event_id(&self) -> String {
        self.0.event_id.to_string()
    }

    async fn topic(&self) -> Option<WebhookSubscriptionTopic> {
        Topic::parse(&self.0.topic).map(Into::into)
    }

    async fn status(&self) -> WebhookDeliveryStatus {
        self.0.status.into()
    }

    /// Attempts made so far.
    async fn attempts(&self) -> i32 {
        self.0.attempts
    }

    async fn last_attempt_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_attempt_at
    }

    /// The HTTP status of the last answer, when the receiver answered.
    async fn response_status(&self) -> Option<i32> {
        self.0.response_status
    }

    /// Why the last attempt failed.
    async fn error_message(&self) -> Option<&str> {
        self.0.error.as_deref()
    }

    /// How long the last attempt took, in milliseconds.
    async fn latency_ms(&self) -> Option<i32> {
        self.0.latency_ms
    }

    /// When the next attempt is due, while the delivery is pending.
    async fn next_attempt_at(&self) -> Option<DateTime<Utc>> {
        self.0.next_attempt_at
    }

    async fn delivered_at(&self) -> Option<DateTime<Utc>> {
        self.0.delivered_at
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}
