//! The store's policies on `shop`: `ShopPolicy`, and `ShopPolicyWithDefault` for the
//! subscription policy, which Shopify always shows (with a default text when the merchant wrote
//! none).

use async_graphql::{ID, Object};
use entities::shop_policy;

use crate::catalog::policies::PolicyKind;
use crate::graphql::scalars::Url;
use crate::ids::{self, GidKind};
use crate::stores::Store;

/// A policy the merchant wrote.
pub struct ShopPolicy {
    pub policy: shop_policy::Model,
    pub store: Store,
}

/// A policy, or its default when the merchant wrote none.
pub struct ShopPolicyWithDefault {
    pub policy: Option<shop_policy::Model>,
    pub kind: PolicyKind,
    pub store: Store,
}

/// The default cancellation policy shown until the merchant writes one.
const DEFAULT_SUBSCRIPTION_POLICY: &str =
    "<p>You can cancel a subscription at any time; it ends after the current billing period.</p>";

fn url_of(store: &Store, kind: PolicyKind) -> Url {
    Url(format!(
        "https://{}/policies/{}",
        store.domain,
        kind.handle()
    ))
}

fn kind_of(policy: &shop_policy::Model) -> PolicyKind {
    PolicyKind::parse(&policy.kind).unwrap_or(PolicyKind::PrivacyPolicy)
}

#[Object]
impl ShopPolicy {
    /// A globally unique ID.
    async fn id(&self) -> ID {
        ID(ids::encode(GidKind::ShopPolicy, self.policy.id))
    }
    /// The policy's text as HTML.
    async fn body(&self) -> &str {
        &self.policy.body_html
    }
    /// The policy's handle (`privacy-policy`, …).
    async fn handle(&self) -> &str {
        kind_of(&self.policy).handle()
    }
    /// The policy's title.
    async fn title(&self) -> &str {
        &self.policy.title
    }
    /// Where the policy is shown on the storefront.
    async fn url(&self) -> Url {
        url_of(&self.store, kind_of(&self.policy))
    }
}

#[Object]
impl ShopPolicyWithDefault {
    /// A globally unique ID; none for the default text.
    async fn id(&self) -> Option<ID> {
        let policy = self.policy.as_ref()?;
        Some(ID(ids::encode(GidKind::ShopPolicy, policy.id)))
    }
    /// The policy's text as HTML.
    async fn body(&self) -> &str {
        match &self.policy {
            Some(policy) => &policy.body_html,
            None => DEFAULT_SUBSCRIPTION_POLICY,
        }
    }
    /// The policy's handle.
    async fn handle(&self) -> &str {
        self.kind.handle()
    }
    /// The policy's title.
    async fn title(&self) -> &str {
        match &self.policy {
            Some(policy) => &policy.title,
            None => self.kind.default_title(),
        }
    }
    /// Where the policy is shown on the storefront.
    async fn url(&self) -> Url {
        url_of(&self.store, self.kind)
    }
}
