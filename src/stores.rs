//! Stores (tenants): creating one with its API tokens, updating its details and settings, and
//! finding the store a token or a domain belongs to. Token secrets are shown once at creation;
//! only their SHA-256 hash is stored.

pub mod brand;
mod checkout;
pub mod edge;
pub mod search_synonyms;

use chrono::Utc;
use entities::{api_token, prelude::*, product_variant, store};
use sea_orm::sea_query::LockType;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::cache::{invalidation, tags};
use crate::cart;
use crate::error::{AppError, InputErrorCode, Result};
use crate::money::CurrencyCode;

pub use self::checkout::{CapturePolicy, CheckoutSettingsInput, PAYMENT_CAPTURE, TaxRateInput};

pub type Store = store::Model;

/// The store's currency. It was validated when stored; USD stands in should it ever not parse.
pub fn currency(store: &Store) -> CurrencyCode {
    CurrencyCode::parse(&store.currency).unwrap_or(CurrencyCode::USD)
}

/// Which API a token opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenKind {
    Storefront,
    Admin,
}

impl TokenKind {
    fn as_str(self) -> &'static str {
        match self {
            TokenKind::Storefront => "storefront",
            TokenKind::Admin => "admin",
        }
    }
}

/// A new store with the secrets of its first tokens (shown once, never stored) and its webhook
/// secret (shown once).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct CreatedStore {
    pub store_id: Uuid,
    pub name: String,
    pub domain: String,
    pub storefront_token: String,
    pub admin_token: String,
    /// The key its webhooks are signed with (`X-Shopify-Hmac-Sha256`).
    #[serde(default)]
    pub webhook_secret: String,
}

/// What `store create` and `storeUpdate` accept.
#[derive(Debug, Clone, Default)]
pub struct StoreInput {
    pub name: Option<String>,
    pub domain: Option<String>,
    pub currency: Option<String>,
    pub description: Option<String>,
    /// Seconds a cart's stock stays held after the cart was last touched.
    pub reservation_ttl_seconds: Option<i64>,
    /// Seconds a guest's cart lives after it was last touched.
    pub guest_cart_ttl_seconds: Option<i64>,
    /// Seconds a signed-in customer's cart lives after it was last touched.
    pub customer_cart_ttl_seconds: Option<i64>,
    /// Shipping, tax and payment capture.
    pub checkout: CheckoutSettingsInput,
    /// Edge caching and trusted documents.
    pub edge: edge::EdgeSettingsInput,
    /// The brand (`shop.brand`), replaced whole when given.
    pub brand: Option<brand::Brand>,
    /// Groups of search synonyms, replaced whole when given.
    pub search_synonyms: Option<Vec<Vec<String>>>,
}

/// Creates a store with one storefront and one admin token and its webhook secret.
pub async fn create_store(
    db: &impl ConnectionTrait,
    name: &str,
    domain: &str,
    currency: &str,
) -> Result<CreatedStore> {
    let name = validate_name(name)?;
    let domain = validate_domain(domain)?;
    let currency = CurrencyCode::parse(currency)?;
    let now = Utc::now();
    let store_id = Uuid::now_v7();
    store::ActiveModel {
        id: Set(store_id),
        name: Set(name.clone()),
        domain: Set(domain.clone()),
        currency: Set(currency.code().to_string()),
        description: Set(String::new()),
        settings: Set(json!({})),
        status: Set("active".into()),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    let storefront_token = issue_token(db, store_id, TokenKind::Storefront).await?;
    let admin_token = issue_token(db, store_id, TokenKind::Admin).await?;
    let webhook_secret = crate::webhooks::secrets::rotate(db, store_id).await?;
    Ok(CreatedStore {
        store_id,
        name,
        domain,
        storefront_token,
        admin_token,
        webhook_secret,
    })
}

/// Creates a token for a store and returns its secret.
pub async fn issue_token(
    db: &impl ConnectionTrait,
    store_id: Uuid,
    kind: TokenKind,
) -> Result<String> {
    let secret = match kind {
        TokenKind::Storefront => new_secret(),
        TokenKind::Admin => format!("vtr_admin_{}", new_secret()),
    };
    api_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        store_id: Set(store_id),
        kind: Set(kind.as_str().into()),
        secret_hash: Set(hash_secret(&secret)),
        created_at: Set(Utc::now()),
        revoked_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(secret)
}

/// A new unguessable secret: 128 random bits as 32 hex digits (no `/`, safe in URLs and
/// cookies). Store tokens, customer access tokens and cart tokens are all made here.
pub fn new_secret() -> String {
    format!("{:032x}", rand::random::<u128>())
}

/// The stored form of a token secret.
pub fn hash_secret(secret: &str) -> String {
    format!("{:x}", Sha256::digest(secret.as_bytes()))
}

/// The store and kind of an unrevoked token, by the hash of its secret.
pub async fn find_by_token_hash(
    db: &impl ConnectionTrait,
    secret_hash: &str,
) -> Result<Option<(Uuid, TokenKind)>> {
    let token = ApiToken::find()
        .filter(api_token::Column::SecretHash.eq(secret_hash))
        .filter(api_token::Column::RevokedAt.is_null())
        .one(db)
        .await?;
    Ok(token.map(|token| {
        let kind = if token.kind == "admin" {
            TokenKind::Admin
        } else {
            TokenKind::Storefront
        };
        (token.store_id, kind)
    }))
}

pub async fn find_store(db: &impl ConnectionTrait, store_id: Uuid) -> Result<Option<Store>> {
    Ok(entities::store::Entity::find_by_id(store_id)
        .one(db)
        .await?)
}

/// Every store's id and domain, by domain.
pub async fn all_domains(db: &impl ConnectionTrait) -> Result<Vec<(Uuid, String)>> {
    Ok(entities::store::Entity::find()
        .select_only()
        .column(store::Column::Id)
        .column(store::Column::Domain)
        .order_by_asc(store::Column::Domain)
        .into_tuple()
        .all(db)
        .await?)
}

pub async fn find_store_by_domain(
    db: &impl ConnectionTrait,
    domain: &str,
) -> Result<Option<Store>> {
    Ok(entities::store::Entity::find()
        .filter(store::Column::Domain.eq(domain.to_ascii_lowercase()))
        .one(db)
        .await?)
}

/// Updates a store's details and settings; absent fields stay as they are. The currency can
/// change only while no variant has a price and no shipping amount is set that the same input
/// does not restate: prices and shipping amounts are stored in the currency's minor units, so USD
/// 19.99 would silently become JPY 1999.
pub async fn update_store(
    db: &impl ConnectionTrait,
    store: &Store,
    input: StoreInput,
) -> Result<Store> {
    let current = lock(db, store.id, Lock::Exclusive).await?;
    let mut active: store::ActiveModel = current.clone().into();
    if let Some(name) = input.name {
        active.name = Set(validate_name(&name)?);
    }
    if let Some(domain) = input.domain {
        active.domain = Set(validate_domain(&domain)?);
    }
    let mut currency = self::currency(&current);
    if let Some(code) = input.currency {
        currency = new_currency(db, &current, &code, &input.checkout).await?;
        active.currency = Set(currency.code().to_string());
    }
    if let Some(description) = input.description {
        active.description = Set(description);
    }
    let mut settings = match &current.settings {
        settings @ serde_json::Value::Object(_) => settings.clone(),
        _ => json!({}),
    };
    let lifetimes = [
        (
            cart::HOLD_SECONDS,
            "reservationTtlSeconds",
            input.reservation_ttl_seconds,
        ),
        (
            cart::GUEST_CART_SECONDS,
            "guestCartTtlSeconds",
            input.guest_cart_ttl_seconds,
        ),
        (
            cart::CUSTOMER_CART_SECONDS,
            "customerCartTtlSeconds",
            input.customer_cart_ttl_seconds,
        ),
    ];
    for (key, field, seconds) in lifetimes {
        if let Some(seconds) = seconds {
            settings[key] = json!(validate_lifetime(seconds, field)?);
        }
    }
    input.checkout.apply(&mut settings, currency)?;
    input.edge.apply(&mut settings)?;
    if let Some(brand) = input.brand {
        brand.apply(&mut settings)?;
    }
    // Every response shows something of the store (its name, currency, checkout settings).
    let mut purged = invalidation::store_tags(current.id);
    if let Some(groups) = input.search_synonyms {
        let synonyms = search_synonyms::Synonyms::parse(groups)?;
        if synonyms != search_synonyms::Synonyms::of(&current) {
            synonyms.apply(&mut settings);
            purged.push(tags::search_synonyms(current.id));
        }
    }
    active.settings = Set(settings);
    active.updated_at = Set(Utc::now());
    let updated = active.update(db).await?;
    invalidation::record(db, &updated, purged).await?;
    Ok(updated)
}

/// The currency `code` names, if the store may switch to it (see `update_store`).
async fn new_currency(
    db: &impl ConnectionTrait,
    current: &Store,
    code: &str,
    checkout: &CheckoutSettingsInput,
) -> Result<CurrencyCode> {
    let code = CurrencyCode::parse(code).map_err(|err| err.renamed(&["currencyCode"]))?;
    if code.code() == current.currency {
        return Ok(code);
    }
    let refused = |message: &str| {
        Err(AppError::invalid(
            &["currencyCode"],
            InputErrorCode::Invalid,
            message,
        ))
    };
    if has_prices(db, current).await? {
        return refused(
            "the currency can't change once variants have prices: prices are kept in the \
             current currency's minor units",
        );
    }
    if checkout.leaves_amounts_in(&current.settings) {
        return refused(
            "the currency can't change while shipping amounts are set in the current currency: \
             restate shippingRate and freeShippingThreshold with it",
        );
    }
    Ok(code)
}

/// The longest a hold or a cart may be set to last: a year.
const MAX_LIFETIME_SECONDS: i64 = 365 * 24 * 3600;

fn validate_lifetime(seconds: i64, field: &str) -> Result<i64> {
    if (1..=MAX_LIFETIME_SECONDS).contains(&seconds) {
        Ok(seconds)
    } else {
        Err(AppError::invalid(
            &[field],
            InputErrorCode::Invalid,
            format!("must be between 1 and {MAX_LIFETIME_SECONDS} seconds"),
        ))
    }
}

/// How `lock` holds the store row for the rest of the caller's transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lock {
    /// Catalog writes: many may hold it; a currency change waits for them (and they for it).
    Shared,
    /// Store updates (`FOR NO KEY UPDATE`: foreign keys to the store are not blocked).
    Exclusive,
}

/// The store as it is now, its row locked for the rest of the caller's transaction (on SQLite
/// the writer's transaction already holds the database). Catalog writes read the currency
/// through this, never from the request's cached copy.
pub async fn lock(db: &impl ConnectionTrait, store_id: Uuid, lock: Lock) -> Result<Store> {
    let query = store::Entity::find_by_id(store_id);
    let query = match lock {
        Lock::Shared => query.lock_shared(),
        Lock::Exclusive => query.lock(LockType::NoKeyUpdate),
    };
    query.one(db).await?.ok_or(AppError::NotFound)
}

async fn has_prices(db: &impl ConnectionTrait, store: &Store) -> Result<bool> {
    let priced = ProductVariant::find()
        .select_only()
        .column(product_variant::Column::Id)
        .filter(product_variant::Column::StoreId.eq(store.id))
        .filter(
            sea_orm::Condition::any()
                .add(product_variant::Column::PriceMinor.ne(0))
                .add(product_variant::Column::CompareAtMinor.is_not_null()),
        )
        .into_tuple::<Uuid>()
        .one(db)
        .await?;
    Ok(priced.is_some())
}

fn validate_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::invalid(
            &["name"],
            InputErrorCode::Blank,
            "name can't be blank",
        ));
    }
    if name.chars().count() > 255 {
        return Err(AppError::invalid(
            &["name"],
            InputErrorCode::TooLong,
            "name is too long (maximum is 255 characters)",
        ));
    }
    Ok(name.to_string())
}

/// A store domain is a host name: letters, digits, dots and hyphens, optionally a port.
fn validate_domain(domain: &str) -> Result<String> {
    let domain = domain.trim().to_ascii_lowercase();
    let valid = !domain.is_empty()
        && domain.len() <= 253
        && domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'));
    if valid {
        Ok(domain)
    } else {
        Err(AppError::invalid(
            &["domain"],
            InputErrorCode::Invalid,
            "domain must be a host name such as shop.example.com",
        ))
    }
}
