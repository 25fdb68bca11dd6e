//! Customer accounts of a store: signing up with an email and a password, signing in for an access
//! token, signing out, and finding the customer a token belongs to. Every query is scoped to the
//! store, so an email or a token of one store means nothing in another. Passwords are kept only as
//! argon2 hashes and token secrets only as SHA-256 hashes. Knows nothing of GraphQL.

mod access_tokens;
mod passwords;
mod signup;

use chrono::Utc;
use entities::customer;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::error::Result;
use crate::stores::Store;

pub use access_tokens::{
    AccessToken, by_access_token, create_access_token, delete_access_token, identify,
    issue_access_token,
};
pub use signup::{NewCustomer, PreparedCustomer, is_well_formed_email};

pub type Customer = customer::Model;

/// Creates a customer account: checks the input, hashes the password, and inserts the customer.
/// An email already used in this store (in any case) is `TAKEN`.
pub async fn create_customer(
    db: &impl ConnectionTrait,
    store: &Store,
    new: NewCustomer,
) -> Result<Customer> {
    let prepared = new.prepare().await?;
    insert_customer(db, store, prepared).await
}

/// Inserts a customer whose input was checked and whose password was hashed by
/// `NewCustomer::prepare`. Callers that hold a write transaction prepare first, so the
/// deliberately slow hashing never runs inside it (on SQLite it would hold up every writer).
pub async fn insert_customer(
    db: &impl ConnectionTrait,
    store: &Store,
    customer: PreparedCustomer,
) -> Result<Customer> {
    let now = Utc::now();
    let inserted = customer::ActiveModel {
        id: Set(Uuid::now_v7()),
        store_id: Set(store.id),
        email: Set(customer.email),
        first_name: Set(customer.first_name),
        last_name: Set(customer.last_name),
        phone: Set(customer.phone),
        password_hash: Set(Some(customer.password_hash)),
        accepts_marketing: Set(customer.accepts_marketing),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(inserted)
}

/// A customer of this store by id.
pub async fn find(db: &impl ConnectionTrait, store: &Store, id: Uuid) -> Result<Option<Customer>> {
    Ok(customer::Entity::find_by_id(id)
        .filter(customer::Column::StoreId.eq(store.id))
        .one(db)
        .await?)
}

/// The name to greet a customer by: first and last name, or the email when there is no name.
pub fn display_name(customer: &Customer) -> String {
    let names: Vec<&str> = [&customer.first_name, &customer.last_name]
        .into_iter()
        .flatten()
        .map(|name| name.trim())
        .filter(|name| !name.is_empty())
        .collect();
    if names.is_empty() {
        customer.email.clone()
    } else {
        names.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn customer(first: Option<&str>, last: Option<&str>) -> Customer {
        Customer {
            id: Uuid::now_v7(),
            store_id: Uuid::now_v7(),
            email: "ann@example.com".into(),
            first_name: first.map(String::from),
            last_name: last.map(String::from),
            phone: None,
            password_hash: None,
            accepts_marketing: false,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn the_display_name_is_the_name_or_else_the_email() {
        assert_eq!(display_name(&customer(Some("Ann"), Some("Lee"))), "Ann Lee");
        assert_eq!(display_name(&customer(None, Some("Lee"))), "Lee");
        assert_eq!(display_name(&customer(None, None)), "ann@example.com");
    }
}
