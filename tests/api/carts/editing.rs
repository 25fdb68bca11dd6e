//! The cart API as Shopify's clients use it: lines hold their stock as they are added, changed
//! and removed; short stock clamps lines with warnings; the cart's details round-trip; carts of
//! other stores, unknown carts and malformed IDs read as null. On PostgreSQL and SQLite.

use serde_json::json;

use super::{
    cart_op, create_cart, held, holds_of_cart, level, stocked_variant, wanted_by_lines,
    warning_codes,
};
use crate::helpers::{As, Backend, create_store, spawn_app_on};
use crate::on_both_backends;

on_both_backends!(
    lines_hold_their_stock_as_they_change,
    short_stock_clamps_lines_and_warns,
    a_cart_keeps_its_details_and_only_its_store_sees_it,
);

async fn lines_hold_their_stock_as_they_change(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let tee = stocked_variant(&app, "Tee", 5).await;
    let cap = stocked_variant(&app, "Cap", 4).await;

    let created = create_cart(&app, &[(&tee, 2)]).await;
    assert_eq!(created["userErrors"], json!([]));
    assert_eq!(created["warnings"], json!([]));
    let cart = &created["cart"];
    let id = cart["id"].as_str().unwrap();
    let token = id
        .strip_prefix("gid://shopify/Cart/")
        .expect("a Shopify cart id");
    assert!(token.len() >= 32 && !token.contains('/'), "{id}");
    assert_eq!(
        cart["checkoutUrl"],
        json!(format!("https://{}/checkouts/{token}", app.store.domain))
    );
    assert_eq!(cart["totalQuantity"], 2);
    assert_eq!(cart["cost"]["subtotalAmount"]["amount"], "25.00");
    assert_eq!(cart["cost"]["totalTaxAmount"], json!(null));
    assert_eq!(level(&app, &tee).await, (5, 2));

    // The same variant again grows its line; another variant is a new line.
    let added = cart_op(
        &app,
        "CartLinesAdd",
        json!({ "cartId": id, "lines": [
            { "merchandiseId": tee, "quantity": 1 },
            { "merchandiseId": cap, "quantity": 3 }
        ] }),
    )
    .await;
    assert_eq!(added["userErrors"], json!([]));
    let lines = added["cart"]["lines"]["nodes"].as_array().unwrap().clone();
    assert_eq!(lines.len(), 2, "{added}");
    assert_eq!(lines[0]["quantity"], 3);
    assert_eq!(lines[0]["cost"]["totalAmount"]["amount"], "37.50");
    assert_eq!(added["cart"]["totalQuantity"], 6);
    assert_eq!(
        (level(&app, &tee).await, level(&app, &cap).await),
        ((5, 3), (4, 3))
    );

    // Shrinking a line releases; quantity 0 removes it.
    let updated = cart_op(
        &app,
        "CartLinesUpdate",
        json!({ "cartId": id, "lines": [
            { "id": lines[0]["id"], "quantity": 1 },
            { "id": lines[1]["id"], "quantity": 0 }
        ] }),
    )
    .await;
    assert_eq!(updated["userErrors"], json!([]));
    assert_eq!(updated["cart"]["totalQuantity"], 1);
    assert_eq!(
        (level(&app, &tee).await, level(&app, &cap).await),
        ((5, 1), (4, 0))
    );

    let removed = cart_op(
        &app,
        "CartLinesRemove",
        json!({ "cartId": id, "lineIds": [lines[0]["id"]] }),
    )
    .await;
    assert_eq!(removed["cart"]["lines"]["nodes"], json!([]));
    assert_eq!(level(&app, &tee).await, (5, 0));
    assert_eq!(held(&app, &tee).await, 0);
    assert!(holds_of_cart(&app, id).await.is_empty());
}

async fn short_stock_clamps_lines_and_warns(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let tee = stocked_variant(&app, "Last Tees", 3).await;

    let first = create_cart(&app, &[(&tee, 5)]).await;
    assert_eq!(warning_codes(&first), ["MERCHANDISE_NOT_ENOUGH_STOCK"]);
    let line = &first["cart"]["lines"]["nodes"][0];
    assert_eq!(line["quantity"], 3, "clamped to the stock: {first}");
    assert_eq!(first["warnings"][0]["target"], line["id"]);
    assert_eq!(level(&app, &tee).await, (3, 3));

    let second = create_cart(&app, &[(&tee, 1)]).await;
    assert_eq!(warning_codes(&second), ["MERCHANDISE_OUT_OF_STOCK"]);
    assert_eq!(second["warnings"][0]["target"], json!(tee));
    assert_eq!(second["cart"]["lines"]["nodes"], json!([]));
    assert_eq!(second["cart"]["totalQuantity"], 0);

    // Releasing units lets the other cart take them; lines of one variant are summed.
    let first_id = first["cart"]["id"].clone();
    cart_op(
        &app,
        "CartLinesUpdate",
        json!({ "cartId": first_id, "lines": [{ "id": line["id"], "quantity": 1 }] }),
    )
    .await;
    let second_id = second["cart"]["id"].clone();
    let both = cart_op(
        &app,
        "CartLinesAdd",
        json!({ "cartId": second_id, "lines": [
            { "merchandiseId": tee, "quantity": 1, "attributes": [{ "key": "gift", "value": "no" }] },
            { "merchandiseId": tee, "quantity": 2, "attributes": [{ "key": "gift", "value": "yes" }] }
        ] }),
    )
    .await;
    assert_eq!(both["cart"]["totalQuantity"], 2, "{both}");
    assert_eq!(warning_codes(&both), ["MERCHANDISE_NOT_ENOUGH_STOCK"]);
    assert_eq!(level(&app, &tee).await, (3, 3));
    for cart in [&first["cart"], &both["cart"]] {
        let id = cart["id"].as_str().unwrap();
        let now = cart_op(&app, "Cart", json!({ "id": id })).await;
        assert_eq!(holds_of_cart(&app, id).await, wanted_by_lines(&now));
    }
}

async fn a_cart_keeps_its_details_and_only_its_store_sees_it(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let created = cart_op(
        &app,
        "CartCreate",
        json!({ "input": {
            "note": "leave at the door",
            "attributes": [{ "key": "source", "value": "test" }],
            "discountCodes": ["SUMMER", "summer", " "],
            "buyerIdentity": { "countryCode": "CA", "email": "shopper@example.test" }
        } }),
    )
    .await;
    assert_eq!(created["userErrors"], json!([]));
    let id = created["cart"]["id"].as_str().unwrap().to_string();
    let cart = cart_op(&app, "Cart", json!({ "id": id })).await;
    assert_eq!(cart["note"], "leave at the door");
    assert_eq!(
        cart["attributes"],
        json!([{ "key": "source", "value": "test" }])
    );
    assert_eq!(
        cart["discountCodes"],
        json!([{ "code": "SUMMER", "applicable": false }])
    );
    assert_eq!(cart["buyerIdentity"]["countryCode"], "CA");
    assert_eq!(cart["buyerIdentity"]["email"], "shopper@example.test");
    assert_eq!(cart["buyerIdentity"]["customer"], json!(null));

    let changed = cart_op(
        &app,
        "CartBuyerIdentityUpdate",
        json!({ "cartId": id, "buyerIdentity": { "countryCode": "FR" } }),
    )
    .await;
    assert_eq!(changed["cart"]["buyerIdentity"]["countryCode"], "FR");
    assert_eq!(
        changed["cart"]["buyerIdentity"]["email"],
        "shopper@example.test"
    );
    let noted = cart_op(&app, "CartNoteUpdate", json!({ "cartId": id, "note": "" })).await;
    assert_eq!(noted["cart"]["note"], "");
    let coded = cart_op(
        &app,
        "CartDiscountCodesUpdate",
        json!({ "cartId": id, "discountCodes": [] }),
    )
    .await;
    assert_eq!(coded["cart"]["discountCodes"], json!([]));
    let attributed = cart_op(
        &app,
        "CartAttributesUpdate",
        json!({ "cartId": id, "attributes": [{ "key": "a", "value": "1" }, { "key": "b", "value": "2" }] }),
    )
    .await;
    assert_eq!(
        attributed["cart"]["attributes"][1],
        json!({ "key": "b", "value": "2" })
    );

    // Unknown, malformed and other stores' carts read as null, without errors.
    let other = create_store(&app.database, "Other Store").await;
    let (status, body) = app
        .request(
            As::Storefront(&other),
            super::CART,
            Some("Cart"),
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        (status, &body["data"]["cart"]),
        (200, &json!(null)),
        "{body}"
    );
    assert!(body.get("errors").is_none(), "{body}");
    for unknown in [
        "gid://shopify/Cart/0123456789abcdef0123456789abcdef".to_string(),
        "gid://shopify/Cart/../../x".to_string(),
        "not-a-cart".to_string(),
    ] {
        assert_eq!(
            cart_op(&app, "Cart", json!({ "id": unknown })).await,
            json!(null)
        );
    }
}
