//! Customer accounts over HTTP, on PostgreSQL and SQLite: signing up, in and out, the typed
//! errors Shopify clients expect, and the store boundary: an email or a token of one store means
//! nothing in another.

use chrono::{Duration, Utc};
use entities::prelude::{Customer, CustomerAccessToken};
use entities::{customer, customer_access_token};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;
use vitrine::stores::CreatedStore;

use crate::helpers::{As, Backend, TestApp, create_store, spawn_app_on};

const CUSTOMERS: &str = include_str!("../../schema/operations/storefront/customers.graphql");

/// Runs one operation of `customers.graphql` as the storefront of `store`; fails on any error.
async fn run(app: &TestApp, store: &CreatedStore, operation: &str, variables: Value) -> Value {
    let (status, body) = app
        .request(As::Storefront(store), CUSTOMERS, Some(operation), variables)
        .await;
    assert_eq!(status, 200, "unexpected status, body: {body}");
    assert!(body.get("errors").is_none(), "unexpected errors: {body}");
    body["data"].clone()
}

async fn sign_up(app: &TestApp, store: &CreatedStore, input: Value) -> Value {
    let data = run(app, store, "CustomerCreate", json!({ "input": input })).await;
    data["customerCreate"].clone()
}

async fn sign_in(app: &TestApp, store: &CreatedStore, email: &str, password: &str) -> Value {
    let input = json!({ "email": email, "password": password });
    let data = run(
        app,
        store,
        "CustomerAccessTokenCreate",
        json!({ "input": input }),
    )
    .await;
    data["customerAccessTokenCreate"].clone()
}

async fn sign_out(app: &TestApp, store: &CreatedStore, token: &str) -> Value {
    let variables = json!({ "customerAccessToken": token });
    let data = run(app, store, "CustomerAccessTokenDelete", variables).await;
    data["customerAccessTokenDelete"].clone()
}

async fn customer_of(app: &TestApp, store: &CreatedStore, token: &str) -> Value {
    let variables = json!({ "customerAccessToken": token });
    run(app, store, "Customer", variables).await["customer"].clone()
}

/// Signs up `email` with a good password and signs in; returns the token.
pub async fn signed_in(app: &TestApp, store: &CreatedStore, email: &str) -> String {
    let created = sign_up(
        app,
        store,
        json!({ "email": email, "password": "hunter22" }),
    )
    .await;
    assert_eq!(created["customerUserErrors"], json!([]), "{created}");
    let signed = sign_in(app, store, email, "hunter22").await;
    signed["customerAccessToken"]["accessToken"]
        .as_str()
        .expect("an access token")
        .to_string()
}

async fn customers_in(app: &TestApp, store: &CreatedStore) -> u64 {
    Customer::find()
        .filter(customer::Column::StoreId.eq(store.store_id))
        .count(app.db())
        .await
        .expect("count customers")
}

/// The only error of a refused payload, after checking both lists agree (`userErrors` without
/// codes).
fn only_error(payload: &Value) -> Value {
    let errors = payload["customerUserErrors"].as_array().expect("a list");
    assert_eq!(errors.len(), 1, "{payload}");
    let error = errors[0].clone();
    assert_eq!(
        payload["userErrors"],
        json!([{ "field": error["field"], "message": error["message"], "code": null }])
    );
    error
}

async fn a_customer_signs_up_signs_in_and_is_found_by_the_token(backend: Backend) {
    let app = spawn_app_on(backend).await;

    let created = sign_up(
        &app,
        &app.store,
        json!({
            "email": "  Ann.Lee@Example.COM ",
            "password": "correct horse",
            "firstName": "Ann",
            "lastName": "Lee",
            "phone": "+1 613 555 1111",
            "acceptsMarketing": true
        }),
    )
    .await;
    assert_eq!(created["customerUserErrors"], json!([]));
    assert_eq!(created["userErrors"], json!([]));
    let customer = &created["customer"];
    assert!(
        customer["id"]
            .as_str()
            .unwrap()
            .starts_with("gid://shopify/Customer/")
    );
    assert_eq!(customer["email"], "ann.lee@example.com");
    assert_eq!(customer["displayName"], "Ann Lee");
    assert_eq!(customer["phone"], "+16135551111");
    assert_eq!(customer["acceptsMarketing"], true);

    let signed = sign_in(&app, &app.store, "ANN.LEE@example.com", "correct horse").await;
    assert_eq!(signed["customerUserErrors"], json!([]));
    let token = signed["customerAccessToken"]["accessToken"]
        .as_str()
        .unwrap();
    assert_eq!(token.len(), 32, "128 bits as hex");
    let expires_at: chrono::DateTime<Utc> =
        serde_json::from_value(signed["customerAccessToken"]["expiresAt"].clone()).unwrap();
    let lifetime = expires_at - Utc::now();
    assert!(lifetime > Duration::days(29) && lifetime <= Duration::days(30));

    assert_eq!(customer_of(&app, &app.store, token).await, *customer);
}

async fn a_customer_without_a_name_is_displayed_by_email(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let token = signed_in(&app, &app.store, "bo@example.com").await;
    let customer = customer_of(&app, &app.store, &token).await;
    assert_eq!(customer["displayName"], "bo@example.com");
    assert_eq!(customer["firstName"], Value::Null);
    assert_eq!(customer["acceptsMarketing"], false);
}

async fn an_email_is_taken_in_its_store_whatever_its_case_but_free_in_another(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let input = |email: &str| json!({ "email": email, "password": "hunter22" });
    let first = sign_up(&app, &app.store, input("ann@example.com")).await;
    assert_eq!(first["customerUserErrors"], json!([]));

    let again = sign_up(&app, &app.store, input("ANN@Example.com")).await;

    assert_eq!(again["customer"], Value::Null);
    assert_eq!(
        only_error(&again),
        json!({ "code": "TAKEN", "field": ["input", "email"], "message": "Email has already been taken" })
    );
    assert_eq!(customers_in(&app, &app.store).await, 1);

    let other = create_store(&app.database, "Other Store").await;
    let elsewhere = sign_up(&app, &other, input("ann@example.com")).await;
    assert_eq!(elsewhere["customerUserErrors"], json!([]));
    assert_eq!(elsewhere["customer"]["email"], "ann@example.com");
    assert_eq!(customers_in(&app, &other).await, 1);
}

async fn a_wrong_password_and_an_unknown_email_fail_alike(backend: Backend) {
    let app = spawn_app_on(backend).await;
    signed_in(&app, &app.store, "ann@example.com").await;
    let other = create_store(&app.database, "Other Store").await;

    let wrong_password = sign_in(&app, &app.store, "ann@example.com", "hunter23").await;
    let unknown_email = sign_in(&app, &app.store, "nobody@example.com", "hunter22").await;
    let other_stores = sign_in(&app, &other, "ann@example.com", "hunter22").await;

    assert_eq!(wrong_password["customerAccessToken"], Value::Null);
    assert_eq!(
        only_error(&wrong_password),
        json!({ "code": "UNIDENTIFIED_CUSTOMER", "field": null, "message": "Unidentified customer" })
    );
    assert_eq!(unknown_email, wrong_password);
    assert_eq!(other_stores, wrong_password);
    let tokens = CustomerAccessToken::find()
        .count(app.db())
        .await
        .expect("count tokens");
    assert_eq!(tokens, 1, "only the sign-in of signed_in made a token");
}

async fn bad_sign_ups_get_typed_errors_and_create_nothing(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let cases = [
        ("   ", "hunter22", "BLANK", "email"),
        ("ann@", "hunter22", "INVALID", "email"),
        ("ann@example.com", "abcd", "TOO_SHORT", "password"),
        ("ann@example.com", &"a".repeat(41), "TOO_LONG", "password"),
        (
            "ann@example.com",
            " hunter22",
            "PASSWORD_STARTS_OR_ENDS_WITH_WHITESPACE",
            "password",
        ),
        (
            "ann@example.com",
            "hunter22 ",
            "PASSWORD_STARTS_OR_ENDS_WITH_WHITESPACE",
            "password",
        ),
    ];
    for (email, password, code, field) in cases {
        let refused = sign_up(
            &app,
            &app.store,
            json!({ "email": email, "password": password }),
        )
        .await;
        assert_eq!(refused["customer"], Value::Null, "{email:?} {password:?}");
        let error = only_error(&refused);
        assert_eq!(error["code"], code, "{email:?} {password:?}");
        assert_eq!(error["field"], json!(["input", field]));
    }
    let long_name = sign_up(
        &app,
        &app.store,
        json!({ "email": "ann@example.com", "password": "hunter22", "lastName": "x".repeat(256) }),
    )
    .await;
    assert_eq!(
        only_error(&long_name)["field"],
        json!(["input", "lastName"])
    );
    assert_eq!(customers_in(&app, &app.store).await, 0);
}

async fn deleted_expired_and_other_stores_tokens_find_no_customer(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let other = create_store(&app.database, "Other Store").await;
    let token = signed_in(&app, &app.store, "ann@example.com").await;

    assert_eq!(customer_of(&app, &other, &token).await, Value::Null);
    let elsewhere = sign_out(&app, &other, &token).await;
    assert_eq!(elsewhere["deletedAccessToken"], Value::Null);
    assert_eq!(
        elsewhere["userErrors"][0]["field"],
        json!(["customerAccessToken"])
    );
    assert_ne!(customer_of(&app, &app.store, &token).await, Value::Null);

    let deleted = sign_out(&app, &app.store, &token).await;
    assert_eq!(deleted["userErrors"], json!([]));
    assert_eq!(deleted["deletedAccessToken"], token);
    let id = deleted["deletedCustomerAccessTokenId"].as_str().unwrap();
    assert!(Uuid::parse_str(id).is_ok());
    assert_eq!(customer_of(&app, &app.store, &token).await, Value::Null);
    assert_eq!(
        sign_out(&app, &app.store, &token).await["deletedAccessToken"],
        Value::Null
    );

    let fresh = sign_in(&app, &app.store, "ann@example.com", "hunter22").await;
    let fresh = fresh["customerAccessToken"]["accessToken"]
        .as_str()
        .unwrap();
    assert_ne!(customer_of(&app, &app.store, fresh).await, Value::Null);
    CustomerAccessToken::update_many()
        .col_expr(
            customer_access_token::Column::ExpiresAt,
            Expr::val(Utc::now() - Duration::seconds(1)),
        )
        .exec(app.db())
        .await
        .expect("expire the tokens");
    assert_eq!(customer_of(&app, &app.store, fresh).await, Value::Null);
    assert_eq!(
        customer_of(&app, &app.store, "not a token").await,
        Value::Null
    );
}

async fn only_an_argon2_hash_of_the_password_is_stored(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let token = signed_in(&app, &app.store, "ann@example.com").await;

    let stored = Customer::find()
        .filter(customer::Column::StoreId.eq(app.store.store_id))
        .one(app.db())
        .await
        .expect("read the customer")
        .expect("the customer");
    let hash = stored.password_hash.expect("a password hash");
    assert!(hash.starts_with("$argon2"), "{hash}");
    assert!(!hash.contains("hunter22"));
    let tokens = CustomerAccessToken::find()
        .all(app.db())
        .await
        .expect("read the tokens");
    assert_eq!(tokens.len(), 1);
    assert_ne!(
        tokens[0].token_hash, token,
        "only a hash of the token is kept"
    );
    assert_eq!(tokens[0].store_id, app.store.store_id);
}

crate::on_both_backends!(
    a_customer_signs_up_signs_in_and_is_found_by_the_token,
    a_customer_without_a_name_is_displayed_by_email,
    an_email_is_taken_in_its_store_whatever_its_case_but_free_in_another,
    a_wrong_password_and_an_unknown_email_fail_alike,
    bad_sign_ups_get_typed_errors_and_create_nothing,
    deleted_expired_and_other_stores_tokens_find_no_customer,
    only_an_argon2_hash_of_the_password_is_stored,
);
