//! A store's legal policies, as Shopify's `shop` shows them: privacy, refund, shipping and
//! subscription policies and the terms of service, one of each at most. Any response may link to
//! them, so a write owes a purge of the store's cached responses.

use chrono::Utc;
use entities::{prelude::*, shop_policy};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Set,
};
use uuid::Uuid;

use super::handle;
use crate::cache::invalidation;
use crate::error::Result;
use crate::stores::Store;

/// The kinds of policy a store has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyKind {
    PrivacyPolicy,
    RefundPolicy,
    ShippingPolicy,
    SubscriptionPolicy,
    TermsOfService,
}

impl PolicyKind {
    pub const ALL: [PolicyKind; 5] = [
        PolicyKind::PrivacyPolicy,
        PolicyKind::RefundPolicy,
        PolicyKind::ShippingPolicy,
        PolicyKind::SubscriptionPolicy,
        PolicyKind::TermsOfService,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PolicyKind::PrivacyPolicy => "privacy_policy",
            PolicyKind::RefundPolicy => "refund_policy",
            PolicyKind::ShippingPolicy => "shipping_policy",
            PolicyKind::SubscriptionPolicy => "subscription_policy",
            PolicyKind::TermsOfService => "terms_of_service",
        }
    }

    /// The handle Shopify gives it (`/policies/{handle}`).
    pub fn handle(self) -> &'static str {
        match self {
            PolicyKind::PrivacyPolicy => "privacy-policy",
            PolicyKind::RefundPolicy => "refund-policy",
            PolicyKind::ShippingPolicy => "shipping-policy",
            PolicyKind::SubscriptionPolicy => "subscription-policy",
            PolicyKind::TermsOfService => "terms-of-service",
        }
    }

    /// The title it has until the merchant gives another.
    pub fn default_title(self) -> &'static str {
        match self {
            PolicyKind::PrivacyPolicy => "Privacy policy",
            PolicyKind::RefundPolicy => "Refund policy",
            PolicyKind::ShippingPolicy => "Shipping policy",
            PolicyKind::SubscriptionPolicy => "Cancellation policy",
            PolicyKind::TermsOfService => "Terms of service",
        }
    }

    pub fn parse(kind: &str) -> Option<PolicyKind> {
        PolicyKind::ALL
            .into_iter()
            .find(|known| known.as_str() == kind)
    }
}

/// Sets the store's policy of `kind`: its body, and its title (the default title when `None`).
pub async fn set_policy(
    db: &impl ConnectionTrait,
    store: &Store,
    kind: PolicyKind,
    title: Option<&str>,
    body_html: &str,
) -> Result<shop_policy::Model> {
    let title = match title {
        Some(title) => handle::validate_title(title)?,
        None => kind.default_title().to_string(),
    };
    let now = Utc::now();
    invalidation::record(db, store, invalidation::store_tags(store.id)).await?;
    match find_policy(db, store, kind).await? {
        Some(existing) => {
            let mut policy = existing.into_active_model();
            policy.title = Set(title);
            policy.body_html = Set(body_html.to_string());
            policy.updated_at = Set(now);
            Ok(policy.update(db).await?)
        }
        None => Ok(shop_policy::ActiveModel {
            id: Set(Uuid::now_v7()),
            store_id: Set(store.id),
            kind: Set(kind.as_str().into()),
            title: Set(title),
            body_html: Set(body_html.to_string()),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(db)
        .await?),
    }
}

pub async fn find_policy(
    db: &impl ConnectionTrait,
    store: &Store,
    kind: PolicyKind,
) -> Result<Option<shop_policy::Model>> {
    Ok(ShopPolicy::find()
        .filter(shop_policy::Column::StoreId.eq(store.id))
        .filter(shop_policy::Column::Kind.eq(kind.as_str()))
        .one(db)
        .await?)
}

pub async fn policies_by_ids(
    db: &impl ConnectionTrait,
    store: &Store,
    ids: &[Uuid],
) -> Result<Vec<shop_policy::Model>> {
    Ok(ShopPolicy::find()
        .filter(shop_policy::Column::StoreId.eq(store.id))
        .filter(shop_policy::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?)
}
