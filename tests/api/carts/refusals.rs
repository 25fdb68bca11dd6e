//! Bad input to the cart mutations gets a typed user error pointing at the field, and changes
//! nothing: not the lines, not the stock held. On PostgreSQL and SQLite.

use serde_json::{Value, json};
use uuid::Uuid;

use super::{cart_op, create_cart, level, stocked_variant};
use crate::helpers::{As, Backend, TestApp, create_store, spawn_app_on};
use crate::on_both_backends;

on_both_backends!(bad_input_is_refused_with_its_code_and_changes_nothing);

/// Sends `operation` and checks it was refused with `code` on `field`, leaving the cart as it was.
async fn refused(
    app: &TestApp,
    cart_id: &str,
    operation: &str,
    variables: Value,
    field: Value,
    code: &str,
) {
    let before = cart_op(app, "Cart", json!({ "id": cart_id })).await;
    let payload = cart_op(app, operation, variables.clone()).await;
    assert_eq!(
        payload["cart"],
        json!(null),
        "{operation} {variables}: {payload}"
    );
    let errors = payload["userErrors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{payload}");
    assert_eq!(
        (&errors[0]["code"], &errors[0]["field"]),
        (&json!(code), &field),
        "{operation} {variables}"
    );
    let after = cart_op(app, "Cart", json!({ "id": cart_id })).await;
    assert_eq!(before, after, "{operation} {variables} changed the cart");
}

async fn bad_input_is_refused_with_its_code_and_changes_nothing(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let tee = stocked_variant(&app, "Tee", 400).await;
    let draft = app
        .create_product(json!({
            "title": "Draft", "status": "DRAFT", "options": ["Size"],
            "variants": [{ "sku": "DRAFT-1", "price": "1.00", "options": ["One"], "inventoryQuantity": 5 }]
        }))
        .await;
    let draft_variant = draft["variants"]["nodes"][0]["id"].clone();
    let created = create_cart(&app, &[(&tee, 2)]).await;
    let id = created["cart"]["id"].as_str().unwrap().to_string();
    let line = created["cart"]["lines"]["nodes"][0]["id"].clone();
    let unknown_variant = format!("gid://shopify/ProductVariant/{}", Uuid::now_v7());
    let add = |merchandise: Value, quantity: i64| {
        json!({ "cartId": id, "lines": [
            { "merchandiseId": tee, "quantity": 1 },
            { "merchandiseId": merchandise, "quantity": quantity }
        ] })
    };
    let second_line = |field: &str| json!(["lines", "1", field]);

    refused(
        &app,
        &id,
        "CartLinesAdd",
        add(json!(unknown_variant), 1),
        second_line("merchandiseId"),
        "INVALID",
    )
    .await;
    refused(
        &app,
        &id,
        "CartLinesAdd",
        add(draft_variant, 1),
        second_line("merchandiseId"),
        "INVALID",
    )
    .await;
    refused(
        &app,
        &id,
        "CartLinesAdd",
        add(json!("gid://shopify/Product/1"), 1),
        second_line("merchandiseId"),
        "INVALID",
    )
    .await;
    refused(
        &app,
        &id,
        "CartLinesAdd",
        add(json!(tee), -1),
        second_line("quantity"),
        "LESS_THAN",
    )
    .await;
    refused(
        &app,
        &id,
        "CartLinesAdd",
        add(json!(tee), 1001),
        second_line("quantity"),
        "MAXIMUM_EXCEEDED",
    )
    .await;
    let unknown_line = format!("gid://shopify/CartLine/{}", Uuid::now_v7());
    refused(
        &app, &id, "CartLinesUpdate",
        json!({ "cartId": id, "lines": [{ "id": line, "quantity": 3 }, { "id": unknown_line, "quantity": 1 }] }),
        json!(["lines", "1", "id"]), "INVALID_MERCHANDISE_LINE",
    )
    .await;
    refused(
        &app,
        &id,
        "CartLinesUpdate",
        json!({ "cartId": id, "lines": [{ "id": line, "quantity": -2 }] }),
        json!(["lines", "0", "quantity"]),
        "LESS_THAN",
    )
    .await;
    refused(
        &app,
        &id,
        "CartLinesRemove",
        json!({ "cartId": id, "lineIds": [line, "gid://shopify/CartLine/nope"] }),
        json!(["lineIds", "1"]),
        "INVALID_MERCHANDISE_LINE",
    )
    .await;
    refused(
        &app,
        &id,
        "CartNoteUpdate",
        json!({ "cartId": id, "note": "n".repeat(5_001) }),
        json!(["note"]),
        "NOTE_TOO_LONG",
    )
    .await;
    let many: Vec<Value> = (0..250)
        .map(|i| json!({ "merchandiseId": tee, "quantity": 1, "attributes": [{ "key": "n", "value": i.to_string() }] }))
        .collect();
    refused(
        &app,
        &id,
        "CartLinesAdd",
        json!({ "cartId": id, "lines": many }),
        json!(["lines"]),
        "CART_TOO_LARGE",
    )
    .await;
    assert_eq!(level(&app, &tee).await, (400, 2), "refusals hold nothing");

    // A cart of another store is the same error as a cart that does not exist.
    let other = create_store(&app.database, "Other").await;
    let foreign = create_cart(&app, &[]).await["cart"]["id"].clone();
    let mut answers = Vec::new();
    for cart_id in [
        foreign,
        json!("gid://shopify/Cart/0123456789abcdef0123456789abcdef"),
    ] {
        let (_, body) = app
            .request(
                As::Storefront(&other),
                super::CART,
                Some("CartNoteUpdate"),
                json!({ "cartId": cart_id, "note": "mine now" }),
            )
            .await;
        answers.push(body["data"]["cartNoteUpdate"].clone());
    }
    assert_eq!(answers[0], answers[1]);
    assert_eq!(answers[0]["userErrors"][0]["code"], "INVALID");
    assert_eq!(answers[0]["userErrors"][0]["field"], json!(["cartId"]));

    // A cart starting with a bad line is not created at all.
    let (status, body) = app
        .request(
            As::Storefront(&app.store),
            super::CART,
            Some("CartCreate"),
            json!({ "input": { "note": "x", "lines": [{ "merchandiseId": tee, "quantity": 1 }, { "merchandiseId": unknown_variant }] } }),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        body["data"]["cartCreate"]["userErrors"][0]["field"],
        json!(["input", "lines", "1", "merchandiseId"])
    );
    assert_eq!(level(&app, &tee).await, (400, 2));
}
