//! The storefront's customer fields: `customer` (who holds this token), `customerCreate` (sign
//! up), `customerAccessTokenCreate` (sign in) and `customerAccessTokenDelete` (sign out). The slow
//! password work (hashing, verifying) runs before the write transaction begins, so it never holds
//! a connection or, on SQLite, the write lock.

use async_graphql::{Context, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::customer::Customer;
use super::errors::{CustomerUserError, with_customer_errors};
use crate::customers::{self, AccessToken, NewCustomer};
use crate::error::InputErrorCode;
use crate::graphql::context;
use crate::graphql::errors::{GqlResult, UserError};

#[derive(Default)]
pub struct CustomerQuery;

/// The customer mutations. Their payloads are nullable, as in Shopify's schema (null only when a
/// top-level error is reported).
#[derive(Default)]
pub struct CustomerMutation;

/// The input fields for creating a new customer account.
#[derive(InputObject)]
pub struct CustomerCreateInput {
    /// Whether the customer has consented to be sent marketing material via email.
    pub accepts_marketing: Option<bool>,
    /// The customer's email.
    pub email: String,
    /// The customer's first name.
    pub first_name: Option<String>,
    /// The customer's last name.
    pub last_name: Option<String>,
    /// The login password used by the customer: 5 to 40 characters, no white space at either end.
    pub password: String,
    /// The customer's phone number, in E.164 form such as `+16135551111`.
    pub phone: Option<String>,
}

/// The input fields for signing a customer in with their email and password.
#[derive(InputObject)]
pub struct CustomerAccessTokenCreateInput {
    /// The email associated to the customer.
    pub email: String,
    /// The login password of the customer.
    pub password: String,
}

/// A token that identifies a signed-in customer.
#[derive(SimpleObject)]
pub struct CustomerAccessToken {
    /// The customer's access token.
    pub access_token: String,
    /// When the token expires.
    pub expires_at: DateTime<Utc>,
}

/// The result of `customerCreate`.
#[derive(SimpleObject)]
pub struct CustomerCreatePayload {
    /// The created customer.
    pub customer: Option<Customer>,
    /// Why the input was refused; empty on success.
    pub customer_user_errors: Vec<CustomerUserError>,
    /// Why the input was refused, without codes.
    #[graphql(deprecation = "Use `customerUserErrors` instead.")]
    pub user_errors: Vec<UserError>,
}

/// The result of `customerAccessTokenCreate`.
#[derive(SimpleObject)]
pub struct CustomerAccessTokenCreatePayload {
    /// The new access token.
    pub customer_access_token: Option<CustomerAccessToken>,
    /// Why the customer was not signed in; empty on success.
    pub customer_user_errors: Vec<CustomerUserError>,
    /// Why the customer was not signed in, without codes.
    #[graphql(deprecation = "Use `customerUserErrors` instead.")]
    pub user_errors: Vec<UserError>,
}

/// The result of `customerAccessTokenDelete`.
#[derive(SimpleObject)]
pub struct CustomerAccessTokenDeletePayload {
    /// The deleted access token.
    pub deleted_access_token: Option<String>,
    /// The ID of the deleted access token.
    pub deleted_customer_access_token_id: Option<String>,
    /// Why nothing was deleted; empty on success.
    pub user_errors: Vec<UserError>,
}

impl From<CustomerCreateInput> for NewCustomer {
    fn from(input: CustomerCreateInput) -> Self {
        NewCustomer {
            email: input.email,
            password: input.password,
            first_name: input.first_name,
            last_name: input.last_name,
            phone: input.phone,
            accepts_marketing: input.accepts_marketing.unwrap_or(false),
        }
    }
}

impl From<AccessToken> for CustomerAccessToken {
    fn from(token: AccessToken) -> Self {
        CustomerAccessToken {
            access_token: token.token,
            expires_at: token.expires_at,
        }
    }
}

impl CustomerAccessTokenDeletePayload {
    /// The payload for deleting `token`, whose row had the id `deleted` (none: no such token).
    fn new(token: String, deleted: Option<Uuid>) -> Self {
        match deleted {
            Some(id) => CustomerAccessTokenDeletePayload {
                deleted_access_token: Some(token),
                deleted_customer_access_token_id: Some(id.to_string()),
                user_errors: Vec::new(),
            },
            None => CustomerAccessTokenDeletePayload {
                deleted_access_token: None,
                deleted_customer_access_token_id: None,
                user_errors: vec![UserError {
                    field: Some(vec!["customerAccessToken".into()]),
                    message: "Access token does not exist".into(),
                    code: Some(InputErrorCode::NotFound.into()),
                }],
            },
        }
    }
}

#[Object]
impl CustomerQuery {
    /// The customer signed in with this token; null when the token is unknown or expired.
    async fn customer(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The customer access token.")] customer_access_token: String,
    ) -> async_graphql::Result<Option<Customer>> {
        let store = context::store(ctx);
        let customer = customers::by_access_token(context::db(ctx), store, &customer_access_token)
            .await
            .gql()?;
        Ok(customer.map(Customer::new))
    }
}

#[Object]
impl CustomerMutation {
    /// Creates a customer account with an email and a password.
    async fn customer_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields of the new customer.")] input: CustomerCreateInput,
    ) -> async_graphql::Result<Option<CustomerCreatePayload>> {
        let store = context::store(ctx);
        let result = async {
            let prepared = NewCustomer::from(input).prepare().await?;
            context::write(ctx, async |tx| {
                customers::insert_customer(tx, store, prepared).await
            })
            .await
        };
        let result = result.await.map_err(|err| err.within(&["input"]));
        let (customer, customer_user_errors, user_errors) = with_customer_errors(result)?;
        Ok(Some(CustomerCreatePayload {
            customer: customer.map(Customer::new),
            customer_user_errors,
            user_errors,
        }))
    }

    /// Signs a customer in: trades their email and password for an access token.
    async fn customer_access_token_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The customer's email and password.")]
        input: CustomerAccessTokenCreateInput,
    ) -> async_graphql::Result<Option<CustomerAccessTokenCreatePayload>> {
        let store = context::store(ctx);
        let result = async {
            let customer =
                customers::identify(context::db(ctx), store, &input.email, &input.password).await?;
            context::write(ctx, async |tx| {
                customers::issue_access_token(tx, store, &customer).await
            })
            .await
        };
        let (token, customer_user_errors, user_errors) = with_customer_errors(result.await)?;
        Ok(Some(CustomerAccessTokenCreatePayload {
            customer_access_token: token.map(CustomerAccessToken::from),
            customer_user_errors,
            user_errors,
        }))
    }

    /// Signs a customer out: deletes the access token.
    async fn customer_access_token_delete(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The access token to delete.")] customer_access_token: String,
    ) -> async_graphql::Result<Option<CustomerAccessTokenDeletePayload>> {
        let store = context::store(ctx);
        let deleted = context::write(ctx, async |tx| {
            customers::delete_access_token(tx, store, &customer_access_token).await
        })
        .await
        .gql()?;
        Ok(Some(CustomerAccessTokenDeletePayload::new(
            customer_access_token,
            deleted,
        )))
    }
}
