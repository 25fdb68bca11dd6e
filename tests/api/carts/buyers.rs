//! A signed-in customer's carts: naming the customer on a cart (`cartBuyerIdentityUpdate` with
//! an access token) makes it theirs and merges their other open cart into it, keeping the units
//! that cart held and capping what stock cannot cover, with warnings. On PostgreSQL and SQLite.

use std::time::Duration;

use serde_json::{Value, json};

use super::{
    cart_op, create_cart, holds_of_cart, level, released, set_lifetimes, stocked_variant,
    wanted_by_lines, warning_codes,
};
use crate::customers::signed_in;
use crate::helpers::{Backend, spawn_app_on};
use crate::on_both_backends;

on_both_backends!(
    signing_in_merges_the_customers_open_cart,
    a_merge_holds_only_what_stock_allows,
    a_bad_access_token_changes_nothing,
    a_merged_line_stops_at_the_line_maximum,
);

async fn signing_in_merges_the_customers_open_cart(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let tee = stocked_variant(&app, "Tee", 9).await;
    let cap = stocked_variant(&app, "Cap", 9).await;
    let token = signed_in(&app, &app.store, "merge@example.test").await;

    // On one device the customer fills a cart and signs in...
    let laptop = create_cart(&app, &[(&tee, 2)]).await["cart"]["id"].clone();
    let identified = cart_op(
        &app,
        "CartBuyerIdentityUpdate",
        json!({ "cartId": laptop, "buyerIdentity": { "customerAccessToken": token } }),
    )
    .await;
    let customer = &identified["cart"]["buyerIdentity"]["customer"];
    assert_eq!(customer["email"], "merge@example.test");
    assert_eq!(
        identified["cart"]["buyerIdentity"]["email"],
        "merge@example.test"
    );

    // ...then fills another as a guest on a phone and signs in there: the laptop's cart moves in.
    let phone = create_cart(&app, &[(&tee, 1), (&cap, 1)]).await["cart"]["id"].clone();
    let merged = cart_op(
        &app,
        "CartBuyerIdentityUpdate",
        json!({ "cartId": phone, "buyerIdentity": { "customerAccessToken": token } }),
    )
    .await;
    assert_eq!(merged["userErrors"], json!([]));
    assert_eq!(merged["warnings"], json!([]));
    let cart = &merged["cart"];
    assert_eq!(cart["totalQuantity"], 4);
    assert_eq!(
        cart["lines"]["nodes"].as_array().unwrap().len(),
        2,
        "{cart}"
    );
    assert_eq!(
        cart_op(&app, "Cart", json!({ "id": laptop })).await,
        json!(null)
    );
    assert_eq!(
        level(&app, &tee).await,
        (9, 3),
        "the laptop's units moved, not doubled"
    );
    assert_eq!(level(&app, &cap).await, (9, 1));
    let id = phone.as_str().unwrap();
    assert_eq!(holds_of_cart(&app, id).await, wanted_by_lines(cart));
}

async fn a_merge_holds_only_what_stock_allows(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let tee = stocked_variant(&app, "Scarce Tee", 5).await;
    let token = signed_in(&app, &app.store, "short@example.test").await;

    // The customer's cart held 3, but its hold lapsed and others took 3 of the 5 meanwhile.
    set_lifetimes(&app, json!({ "reservationTtlSeconds": 1 })).await;
    let old = create_cart(&app, &[(&tee, 3)]).await["cart"]["id"].clone();
    cart_op(
        &app,
        "CartBuyerIdentityUpdate",
        json!({ "cartId": old, "buyerIdentity": { "customerAccessToken": token } }),
    )
    .await;
    released(&app, &tee, Duration::from_secs(6)).await;
    set_lifetimes(&app, json!({ "reservationTtlSeconds": 900 })).await;
    create_cart(&app, &[(&tee, 3)]).await;

    let new = create_cart(&app, &[(&tee, 1)]).await["cart"]["id"].clone();
    let merged = cart_op(
        &app,
        "CartBuyerIdentityUpdate",
        json!({ "cartId": new, "buyerIdentity": { "customerAccessToken": token } }),
    )
    .await;
    assert_eq!(warning_codes(&merged), ["MERCHANDISE_NOT_ENOUGH_STOCK"]);
    assert_eq!(
        merged["cart"]["totalQuantity"], 2,
        "1 + 3 wanted, 2 could be held: {merged}"
    );
    assert_eq!(level(&app, &tee).await, (5, 5));
}

async fn a_bad_access_token_changes_nothing(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let tee = stocked_variant(&app, "Tee", 2).await;
    let cart = create_cart(&app, &[(&tee, 1)]).await["cart"]["id"].clone();
    let before = cart_op(&app, "Cart", json!({ "id": cart })).await;
    let refused = cart_op(
        &app,
        "CartBuyerIdentityUpdate",
        json!({ "cartId": cart, "buyerIdentity": { "customerAccessToken": "nope", "countryCode": "DE" } }),
    )
    .await;
    assert_eq!(refused["userErrors"][0]["code"], "INVALID");
    assert_eq!(
        refused["userErrors"][0]["field"],
        json!(["buyerIdentity", "customerAccessToken"])
    );
    assert_eq!(cart_op(&app, "Cart", json!({ "id": cart })).await, before);
}

async fn a_merged_line_stops_at_the_line_maximum(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let tee = stocked_variant(&app, "Bulk Tee", 5_000).await;
    let token = signed_in(&app, &app.store, "bulk@example.test").await;
    let old = create_cart(&app, &[(&tee, 600)]).await["cart"]["id"].clone();
    let identify =
        |cart: Value| json!({ "cartId": cart, "buyerIdentity": { "customerAccessToken": token } });
    cart_op(&app, "CartBuyerIdentityUpdate", identify(old)).await;
    let new = create_cart(&app, &[(&tee, 600)]).await["cart"]["id"].clone();
    let merged = cart_op(&app, "CartBuyerIdentityUpdate", identify(new)).await;
    assert_eq!(warning_codes(&merged), ["MERCHANDISE_NOT_ENOUGH_STOCK"]);
    assert_eq!(merged["cart"]["totalQuantity"], 1_000);
    assert_eq!(
        level(&app, &tee).await,
        (5_000, 1_000),
        "the 200 units over the cap go back"
    );
}
