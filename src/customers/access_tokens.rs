//! Signing in and out: a customer's email and password buy an access token that lasts 30 days.
//! The token is a random 128-bit secret shown once; only its SHA-256 hash is stored, like the
//! store's API tokens. A wrong email and a wrong password fail alike, in the same time.

use chrono::{DateTime, TimeDelta, Utc};
use entities::prelude::{Customer as Customers, CustomerAccessToken};
use entities::{customer, customer_access_token};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, Set,
};
use uuid::Uuid;

use super::signup::normalise_email;
use super::{Customer, passwords};
use crate::error::{AppError, InputErrorCode, Result};
use crate::stores::{Store, hash_secret, new_secret};

/// How long a token lasts.
const LIFETIME: TimeDelta = TimeDelta::days(30);

/// A new access token: the secret (shown once, never stored) and when it stops working.
#[derive(Debug, Clone)]
pub struct AccessToken {
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

/// Signs a customer in: checks the email and password and issues a token.
pub async fn create_access_token(
    db: &impl ConnectionTrait,
    store: &Store,
    email: &str,
    password: &str,
) -> Result<AccessToken> {
    let customer = identify(db, store, email, password).await?;
    issue_access_token(db, store, &customer).await
}

/// The customer of this store with this email and password, or `UNIDENTIFIED_CUSTOMER` when
/// either is wrong. Only reads, so callers may run it before their write transaction begins.
pub async fn identify(
    db: &impl ConnectionTrait,
    store: &Store,
    email: &str,
    password: &str,
) -> Result<Customer> {
    let customer = Customers::find()
        .filter(customer::Column::StoreId.eq(store.id))
        .filter(customer::Column::Email.eq(normalise_email(email)))
        .one(db)
        .await?;
    let stored = customer.as_ref().and_then(|c| c.password_hash.clone());
    let matches = passwords::verify(password.to_string(), stored).await?;
    match customer {
        Some(customer) if matches => Ok(customer),
        _ => Err(AppError::invalid(
            &[],
            InputErrorCode::Unidentified,
            "Unidentified customer",
        )),
    }
}

/// Issues a new token for a customer of this store.
pub async fn issue_access_token(
    db: &impl ConnectionTrait,
    store: &Store,
    customer: &Customer,
) -> Result<AccessToken> {
    if customer.store_id != store.id {
        return Err(AppError::NotFound);
    }
    let token = new_secret();
    let now = Utc::now();
    let expires_at = now + LIFETIME;
    customer_access_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        store_id: Set(store.id),
        customer_id: Set(customer.id),
        token_hash: Set(hash_secret(&token)),
        expires_at: Set(expires_at),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(AccessToken { token, expires_at })
}

/// Signs out: deletes the token. The id of the deleted token, or `None` when this store has no
/// such token.
pub async fn delete_access_token(
    db: &impl ConnectionTrait,
    store: &Store,
    token: &str,
) -> Result<Option<Uuid>> {
    let deleted = CustomerAccessToken::delete_many()
        .filter(token_of(store, token))
        .exec_with_returning(db)
        .await?;
    Ok(deleted.first().map(|token| token.id))
}

/// The customer an unexpired token of this store belongs to, in one query.
pub async fn by_access_token(
    db: &impl ConnectionTrait,
    store: &Store,
    token: &str,
) -> Result<Option<Customer>> {
    let owner = Query::select()
        .column(customer_access_token::Column::CustomerId)
        .from(CustomerAccessToken)
        .cond_where(token_of(store, token))
        .and_where(customer_access_token::Column::ExpiresAt.gt(Utc::now()))
        .to_owned();
    Ok(Customers::find()
        .filter(customer::Column::StoreId.eq(store.id))
        .filter(customer::Column::Id.in_subquery(owner))
        .one(db)
        .await?)
}

/// The row of this store's token `token`, found by the hash of the secret.
fn token_of(store: &Store, token: &str) -> Condition {
    Condition::all()
        .add(customer_access_token::Column::StoreId.eq(store.id))
        .add(customer_access_token::Column::TokenHash.eq(hash_secret(token)))
}
