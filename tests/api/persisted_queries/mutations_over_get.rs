//! A mutation sent over GET is refused before it runs: 405, `Allow: POST`, nothing changed.

use entities::cart;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

use super::{get, persisted, post};
use crate::helpers::{As, spawn_app};

const CART_CREATE: &str = "mutation CartCreate { cartCreate { cart { id } } }";

#[tokio::test]
async fn a_mutation_over_get_is_refused_with_405_and_creates_no_cart() {
    let app = spawn_app().await;
    let carts = || {
        cart::Entity::find()
            .filter(cart::Column::StoreId.eq(app.store.store_id))
            .count(app.db())
    };

    let refused = get(
        &app,
        As::Storefront(&app.store),
        &[("query", CART_CREATE.to_string())],
    )
    .await;

    assert_eq!(refused.status, 405);
    assert_eq!(refused.header("allow"), Some("POST"));
    assert_eq!(refused.header("cache-control"), Some("private, no-store"));
    assert_eq!(refused.code(), Some("METHOD_NOT_ALLOWED"));
    assert_eq!(carts().await.unwrap(), 0, "the mutation did not run");
}

#[tokio::test]
async fn a_persisted_mutation_sent_by_hash_over_get_is_refused_too() {
    let app = spawn_app().await;
    let who = As::Storefront(&app.store);
    let body = json!({ "query": CART_CREATE, "extensions": persisted(CART_CREATE) });
    let created = post(&app, who, body).await;
    assert!(created.body["data"]["cartCreate"]["cart"]["id"].is_string());

    let refused = get(
        &app,
        who,
        &[("extensions", persisted(CART_CREATE).to_string())],
    )
    .await;

    assert_eq!(refused.status, 405);
    assert_eq!(refused.header("allow"), Some("POST"));
}
