//! Each store's webhook secret: the key its deliveries are signed with. It is shown once, when
//! the store is created or the secret rotated; the relay reads it for every delivery.

use chrono::Utc;
use entities::prelude::WebhookSecret;
use entities::webhook_secret;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, EntityTrait, Set};
use uuid::Uuid;

use crate::error::Result;

/// A new secret, shaped like Shopify's app secrets.
fn new_secret() -> String {
    format!("whsec_{}", crate::stores::new_secret())
}

/// Gives the store a new secret, replacing any earlier one, and returns it. Deliveries signed
/// from now on use it; a receiver verifying with the old one rejects them.
pub async fn rotate(db: &impl ConnectionTrait, store_id: Uuid) -> Result<String> {
    let secret = new_secret();
    WebhookSecret::insert(webhook_secret::ActiveModel {
        store_id: Set(store_id),
        secret: Set(secret.clone()),
        created_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::column(webhook_secret::Column::StoreId)
            .update_columns([
                webhook_secret::Column::Secret,
                webhook_secret::Column::CreatedAt,
            ])
            .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(secret)
}

/// The store's secret, if it has one.
pub async fn find(db: &impl ConnectionTrait, store_id: Uuid) -> Result<Option<String>> {
    let row = WebhookSecret::find_by_id(store_id).one(db).await?;
    Ok(row.map(|row| row.secret))
}

/// The store's secret. A store created before webhooks existed gets one now; its merchant
/// learns it by rotating.
pub async fn of(db: &impl ConnectionTrait, store_id: Uuid) -> Result<String> {
    if let Some(secret) = find(db, store_id).await? {
        return Ok(secret);
    }
    WebhookSecret::insert(webhook_secret::ActiveModel {
        store_id: Set(store_id),
        secret: Set(new_secret()),
        created_at: Set(Utc::now()),
    })
    .on_conflict_do_nothing()
    .exec(db)
    .await?;
    Ok(find(db, store_id).await?.unwrap_or_default())
}
