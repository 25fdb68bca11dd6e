//! Where every kind of link leads: an unknown one to a clear 404 page, an expired cart's to a 410
//! page (and a form sent to it pays nothing), a cart paid through `cartComplete` to its
//! confirmation, and the confirmation of a cart not paid yet back to the form.

use chrono::{Duration, Utc};
use entities::cart;
use entities::prelude::Cart;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{
    assert_redirects, buyer_form, cart_to_pay, get, key_in, post, thank_you_path,
    the_confirmed_order,
};
use crate::checkout::{complete, orders_of};
use crate::helpers::{Backend, TestApp, spawn_app_on};
use crate::on_both_backends;

on_both_backends!(
    an_unknown_link_gets_a_clear_not_found_page,
    an_expired_cart_gets_a_clear_expired_page_and_pays_nothing,
    a_cart_paid_through_cart_complete_leads_to_its_confirmation,
);

const IMAGE: &str = "https://cdn.example.test/mug.jpg";

async fn an_unknown_link_gets_a_clear_not_found_page(backend: Backend) {
    let app = spawn_app_on(backend).await;

    for path in [
        "/checkouts/0123456789abcdef0123456789abcdef",
        "/checkouts/not-a-token",
        "/checkouts/0123456789abcdef0123456789abcdef/thank-you",
    ] {
        let page = get(&app, path).await;
        assert_eq!(page.status, 404, "{path}");
        assert!(
            page.body.contains("<h1>Checkout not found</h1>"),
            "{path}: {}",
            page.body
        );
        assert_eq!(page.cache_control.as_deref(), Some("private, no-store"));
    }
    let form = buyer_form("a-key", "tok_visa");
    let posted = post(&app, "/checkouts/0123456789abcdef0123456789abcdef", &form).await;
    assert_eq!(posted.status, 404);
    assert_eq!(app.gateway.authorize_calls(), 0);
}

/// Moves a cart's expiry into the past.
async fn expire(app: &TestApp, path: &str) {
    let token = path.rsplit('/').next().unwrap();
    Cart::update_many()
        .col_expr(
            cart::Column::ExpiresAt,
            Expr::value(Utc::now() - Duration::minutes(1)),
        )
        .filter(cart::Column::Token.eq(token))
        .exec(app.db())
        .await
        .unwrap();
}

async fn an_expired_cart_gets_a_clear_expired_page_and_pays_nothing(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let (_, path) = cart_to_pay(&app, IMAGE).await;
    let key = key_in(&get(&app, &path).await.body);
    expire(&app, &path).await;

    let page = get(&app, &path).await;
    assert_eq!(page.status, 410, "{}", page.body);
    assert!(page.body.contains("<h1>This checkout has expired</h1>"));
    assert!(page.body.contains("Test Store"), "the store's own page");

    let posted = post(&app, &path, &buyer_form(&key, "tok_visa")).await;
    assert_eq!(posted.status, 410);
    assert!(orders_of(&app).await.is_empty());
    assert_eq!(app.gateway.authorize_calls(), 0);
}

async fn a_cart_paid_through_cart_complete_leads_to_its_confirmation(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let (cart, path) = cart_to_pay(&app, IMAGE).await;

    // Not paid yet: the confirmation's address leads back to the form.
    assert_redirects(&get(&app, &thank_you_path(&path)).await, &path);

    let payload = complete(&app, cart["id"].as_str().unwrap(), "tok_visa").await;
    assert_eq!(payload["order"]["status"], "CONFIRMED", "{payload}");

    assert_redirects(&get(&app, &path).await, &thank_you_path(&path));
    let confirmation = get(&app, &thank_you_path(&path)).await;
    assert_eq!(confirmation.status, 200);
    let name = payload["order"]["name"].as_str().unwrap();
    assert!(
        confirmation
            .body
            .contains(&format!(r#"<strong id="order-number">{name}</strong>"#)),
        "{}",
        confirmation.body
    );
    // A form sent to the paid cart pays nothing more.
    let posted = post(&app, &path, &buyer_form("late-key", "tok_visa")).await;
    assert_redirects(&posted, &thank_you_path(&path));
    assert_eq!(app.gateway.authorize_calls(), 1);
    the_confirmed_order(&app).await;
}
