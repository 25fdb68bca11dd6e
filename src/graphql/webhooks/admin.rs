//! The admin's webhook queries and mutations.

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

use super::types::{
    WebhookDelivery, WebhookSubscription, WebhookSubscriptionFormat, WebhookSubscriptionTopic,
};
use crate::error::{AppError, Result};
use crate::graphql::context;
use crate::graphql::errors::{GqlResult, UserError, with_user_errors};
use crate::graphql::pagination::{self, PageArgs};
use crate::graphql::scalars::Url;
use crate::ids::{self, GidKind};
use crate::outbox::Topic;
use crate::webhooks::{SubscriptionInput, deliveries, secrets, subscriptions};

/// A subscription's endpoint and format.
#[derive(InputObject)]
pub struct WebhookSubscriptionInput {
    /// An absolute `http://` or `https://` URL.
    pub callback_url: Option<Url>,
    /// Only `JSON` is sent.
    pub format: Option<WebhookSubscriptionFormat>,
}

impl From<WebhookSubscriptionInput> for SubscriptionInput {
    fn from(input: WebhookSubscriptionInput) -> SubscriptionInput {
        SubscriptionInput {
            callback_url: input.callback_url.map(|url| url.0),
        }
    }
}

#[derive(SimpleObject)]
pub struct WebhookSubscriptionCreatePayload {
    pub webhook_subscription: Option<WebhookSubscription>,
    pub user_errors: Vec<UserError>,
}

#[derive(SimpleObject)]
pub struct WebhookSubscriptionUpdatePayload {
    pub webhook_subscription: Option<WebhookSubscription>,
    pub user_errors: Vec<UserError>,
}

#[derive(SimpleObject)]
pub struct WebhookSubscriptionDeletePayload {
    pub deleted_webhook_subscription_id: Option<ID>,
    pub user_errors: Vec<UserError>,
}

#[derive(SimpleObject)]
pub struct WebhookDeliveryRetryPayload {
    pub webhook_delivery: Option<WebhookDelivery>,
    pub user_errors: Vec<UserError>,
}

/// The store's new webhook secret, shown this once.
#[derive(SimpleObject)]
pub struct WebhookSecretRotatePayload {
    /// The key deliveries are signed with from now on (`X-Shopify-Hmac-Sha256`).
    pub webhook_secret: Option<String>,
    pub user_errors: Vec<UserError>,
}

fn subscription_id(id: &ID) -> Result<uuid::Uuid> {
    ids::decode(GidKind::WebhookSubscription, id).ok_or(AppError::NotFound)
}

#[derive(Default)]
pub struct AdminWebhookQuery;

#[Object]
impl AdminWebhookQuery {
    /// The store's webhook subscriptions, oldest first (admins only), optionally of some topics
    /// or one callback URL.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "pagination::page_cost(first, last, child_complexity)")]
    async fn webhook_subscriptions(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        topics: Option<Vec<WebhookSubscriptionTopic>>,
        callback_url: Option<Url>,
    ) -> async_graphql::Result<Connection<String, WebhookSubscription>> {
        let store = context::admin_store(ctx)?;
        let db = context::db(ctx);
        let filter = subscriptions::Filter {
            topics: topics.into_iter().flatten().map(Topic::from).collect(),
            callback_url: callback_url.map(|url| url.0),
        };
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        let page = pagination::fetch_page(
            &args,
            |offset, limit| subscriptions::list(db, store, &filter, offset, limit),
            || subscriptions::count(db, store, &filter),
        )
        .await
        .gql()?;
        Ok(page.connection(WebhookSubscription))
    }

    /// One of the store's webhook subscriptions (admins only).
    async fn webhook_subscription(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Option<WebhookSubscription>> {
        let store = context::admin_store(ctx)?;
        let Some(id) = ids::decode(GidKind::WebhookSubscription, &id) else {
            return Ok(None);
        };
        match subscriptions::find(context::db(ctx), store, id).await {
            Ok(subscription) => Ok(Some(WebhookSubscription(subscription))),
            Err(AppError::NotFound) => Ok(None),
            Err(err) => Err(err).gql(),
        }
    }
}

#[derive(Default)]
pub struct AdminWebhookMutation;

#[Object]
impl AdminWebhookMutation {
    /// Subscribes a callback URL to a topic: every event of the topic from now on is POSTed to
    /// it, signed with the store's webhook secret.
    async fn webhook_subscription_create(
        &self,
        ctx: &Context<'_>,
        topic: WebhookSubscriptionTopic,
        webhook_subscription: WebhookSubscriptionInput,
    ) -> async_graphql::Result<WebhookSubscriptionCreatePayload> {
        let store = context::admin_store(ctx)?;
        let input = webhook_subscription.into();
        let result = context::write(ctx, async |tx| {
            subscriptions::create(tx, store, topic.into(), input).await
        })
        .await;
        let (subscription, user_errors) = with_user_errors(result)?;
        Ok(WebhookSubscriptionCreatePayload {
            webhook_subscription: subscription.map(WebhookSubscription),
            user_errors,
        })
    }

    /// Points a subscription at another callback URL.
    async fn webhook_subscription_update(
        &self,
        ctx: &Context<'_>,
        id: ID,
        webhook_subscription: WebhookSubscriptionInput,
    ) -> async_graphql::Result<WebhookSubscriptionUpdatePayload> {
        let store = context::admin_store(ctx)?;
        let input = webhook_subscription.into();
        let result = context::write(ctx, async |tx| {
            subscriptions::update(tx, store, subscription_id(&id)?, input).await
        })
        .await;
        let (subscription, user_errors) = with_user_errors(result)?;
        Ok(WebhookSubscriptionUpdatePayload {
            webhook_subscription: subscription.map(WebhookSubscription),
            user_errors,
        })
    }

    /// Removes a subscription; events not yet delivered to it are dropped.
    async fn webhook_subscription_delete(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<WebhookSubscriptionDeletePayload> {
        let store = context::admin_store(ctx)?;
        let result = context::write(ctx, async |tx| {
            subscriptions::delete(tx, store, subscription_id(&id)?).await
        })
        .await;
        let (deleted, user_errors) = with_user_errors(result)?;
        Ok(WebhookSubscriptionDeletePayload {
            deleted_webhook_subscription_id: deleted
                .map(|id| ID(ids::encode(GidKind::WebhookSubscription, id))),
            user_errors,
        })
    }

    /// Sends a `FAILED` delivery again, next, under its webhook id; its attempts count anew.
    async fn webhook_delivery_retry(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<WebhookDeliveryRetryPayload> {
        let store = context::admin_store(ctx)?;
        let result = context::write(ctx, async |tx| {
            let id = ids::decode(GidKind::WebhookDelivery, &id).ok_or(AppError::NotFound)?;
            deliveries::retry(tx, store.id, id).await
        })
        .await;
        let (delivery, user_errors) = with_user_errors(result)?;
        Ok(WebhookDeliveryRetryPayload {
            webhook_delivery: delivery.map(WebhookDelivery),
            user_errors,
        })
    }

    /// Gives the store a new webhook secret and returns it, this once. Deliveries are signed
    /// with it from the next attempt on.
    async fn webhook_secret_rotate(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<WebhookSecretRotatePayload> {
        let store = context::admin_store(ctx)?;
        let result = context::write(ctx, async |tx| secrets::rotate(tx, store.id).await).await;
        let (webhook_secret, user_errors) = with_user_errors(result)?;
        Ok(WebhookSecretRotatePayload {
            webhook_secret,
            user_errors,
        })
    }
}
