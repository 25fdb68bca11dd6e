//! A store's webhook subscriptions: which callback URL hears which topic. The callback must be an
//! absolute `http` or `https` URL; one URL subscribes to a topic once.

use chrono::Utc;
use entities::prelude::WebhookSubscription;
use entities::webhook_subscription;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use crate::error::{AppError, InputErrorCode, Result};
use crate::outbox::Topic;
use crate::stores::Store;

/// The longest callback URL accepted.
const MAX_URL_LENGTH: usize = 2048;

/// A subscription as the admin sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Subscription {
    pub id: Uuid,
    pub topic: Topic,
    pub callback_url: String,
    pub created_at: chrono::DateTime<Utc>,
    pub updated_at: chrono::DateTime<Utc>,
}

impl Subscription {
    fn of(row: webhook_subscription::Model) -> Result<Subscription> {
        let topic = Topic::parse(&row.topic).ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!(
                "webhook subscription {} has an unknown topic {:?}",
                row.id,
                row.topic
            ))
        })?;
        Ok(Subscription {
            id: row.id,
            topic,
            callback_url: row.callback_url,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// What `webhookSubscriptionCreate` and `webhookSubscriptionUpdate` take.
#[derive(Debug, Clone, Default)]
pub struct SubscriptionInput {
    pub callback_url: Option<String>,
}

/// Subscribes `input.callback_url` to `topic`.
pub async fn create(
    db: &impl ConnectionTrait,
    store: &Store,
    topic: Topic,
    input: SubscriptionInput,
) -> Result<Subscription> {
    let url = callback_url(input.callback_url.as_deref())?;
    refuse_taken(db, store, topic, &url, None).await?;
    let now = Utc::now();
    let row = webhook_subscription::ActiveModel {
        id: Set(Uuid::now_v7()),
        store_id: Set(store.id),
        topic: Set(topic.as_str().into()),
        callback_url: Set(url),
        format: Set("JSON".into()),
        leased_until: Set(None),
        lease_token: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    Subscription::of(row)
}

/// Points a subscription at another URL; events not yet delivered go to the new one.
pub async fn update(
    db: &impl ConnectionTrait,
    store: &Store,
    id: Uuid,
    input: SubscriptionInput,
) -> Result<Subscription> {
    let row = find_row(db, store, id).await?;
    let Some(url) = input.callback_url.as_deref() else {
        return Subscription::of(row);
    };
    let url = callback_url(Some(url))?;
    let topic = Subscription::of(row.clone())?.topic;
    refuse_taken(db, store, topic, &url, Some(id)).await?;
    let mut active = row.into_active_model();
    active.callback_url = Set(url);
    active.updated_at = Set(Utc::now());
    Subscription::of(active.update(db).await?)
}

/// Removes a subscription with its delivery log; events not yet delivered are dropped.
pub async fn delete(db: &impl ConnectionTrait, store: &Store, id: Uuid) -> Result<Uuid> {
    find_row(db, store, id).await?;
    WebhookSubscription::delete_many()
        .filter(webhook_subscription::Column::StoreId.eq(store.id))
        .filter(webhook_subscription::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(id)
}

/// One of the store's subscriptions.
pub async fn find(db: &impl ConnectionTrait, store: &Store, id: Uuid) -> Result<Subscription> {
    Subscription::of(find_row(db, store, id).await?)
}

/// Which subscriptions a listing shows.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only these topics; every topic when empty.
    pub topics: Vec<Topic>,
    pub callback_url: Option<String>,
}

/// How many of the store's subscriptions match `filter`.
pub async fn count(db: &impl ConnectionTrait, store: &Store, filter: &Filter) -> Result<u64> {
    Ok(filtered(store, filter).count(db).await?)
}

/// The store's subscriptions matching `filter`, oldest first, from `offset`, at most `limit`.
pub async fn list(
    db: &impl ConnectionTrait,
    store: &Store,
    filter: &Filter,
    offset: u64,
    limit: u64,
) -> Result<Vec<Subscription>> {
    filtered(store, filter)
        .order_by_asc(webhook_subscription::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(Subscription::of)
        .collect()
}

fn filtered(store: &Store, filter: &Filter) -> sea_orm::Select<WebhookSubscription> {
    let mut query =
        WebhookSubscription::find().filter(webhook_subscription::Column::StoreId.eq(store.id));
    if !filter.topics.is_empty() {
        let topics = filter.topics.iter().map(|topic| topic.as_str());
        query = query.filter(webhook_subscription::Column::Topic.is_in(topics));
    }
    if let Some(url) = &filter.callback_url {
        query = query.filter(webhook_subscription::Column::CallbackUrl.eq(url.as_str()));
    }
    query
}

async fn find_row(
    db: &impl ConnectionTrait,
    store: &Store,
    id: Uuid,
) -> Result<webhook_subscription::Model> {
    WebhookSubscription::find_by_id(id)
        .filter(webhook_subscription::Column::StoreId.eq(store.id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Refuses a URL already subscribed to `topic` (other than by `except`).
async fn refuse_taken(
    db: &impl ConnectionTrait,
    store: &Store,
    topic: Topic,
    url: &str,
    except: Option<Uuid>,
) -> Result<()> {
    let mut query = WebhookSubscription::find()
        .filter(webhook_subscription::Column::StoreId.eq(store.id))
        .filter(webhook_subscription::Column::Topic.eq(topic.as_str()))
        .filter(webhook_subscription::Column::CallbackUrl.eq(url));
    if let Some(id) = except {
        query = query.filter(webhook_subscription::Column::Id.ne(id));
    }
    match query.one(db).await? {
        Some(_) => Err(AppError::invalid(
            &["webhookSubscription", "callbackUrl"],
            InputErrorCode::Taken,
            "Address for this topic has already been taken",
        )),
        None => Ok(()),
    }
}

/// The callback URL, checked: present, absolute, `http` or `https`, with a host.
fn callback_url(url: Option<&str>) -> Result<String> {
    const FIELD: &[&str] = &["webhookSubscription", "callbackUrl"];
    let url = url.map(str::trim).unwrap_or_default();
    if url.is_empty() {
        return Err(AppError::invalid(
            FIELD,
            InputErrorCode::Blank,
            "callbackUrl can't be blank",
        ));
    }
    if url.len() > MAX_URL_LENGTH {
        return Err(AppError::invalid(
            FIELD,
            InputErrorCode::TooLong,
            format!("callbackUrl is too long (maximum is {MAX_URL_LENGTH} characters)"),
        ));
    }
    let invalid = || {
        AppError::invalid(
            FIELD,
            InputErrorCode::Invalid,
            "callbackUrl must be an absolute http:// or https:// URL",
        )
    };
    let parsed = reqwest::Url::parse(url).map_err(|_| invalid())?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(invalid());
    }
    Ok(parsed.to_string())
}

#[cfg(test)]
mod tests {
    use super::callback_url;

    #[test]
    fn callback_urls_must_be_absolute_http_or_https() {
        assert_eq!(
            callback_url(Some(" https://example.com/hooks ")).unwrap(),
            "https://example.com/hooks"
        );
        assert!(callback_url(Some("http://127.0.0.1:9/x?y=1")).is_ok());
        for bad in [
            "",
            "   ",
            "ftp://example.com/x",
            "mailto:someone@example.com",
            "/relative/path",
            "javascript:alert(1)",
            "https://",
        ] {
            assert!(callback_url(Some(bad)).is_err(), "{bad:?} was accepted");
        }
        assert!(callback_url(None).is_err());
    }
}
