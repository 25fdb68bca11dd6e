//! What the page shows: the cart's lines with their images, the totals checkout will charge (the
//! store's shipping included) in the store's currency and name, escaped, and a form whose every
//! field is labelled, in a page made for phones.

use serde_json::{Value, json};
use uuid::Uuid;

use super::{cart_to_pay, checkout_path, get};
use crate::carts::create_cart;
use crate::helpers::{Backend, TestApp, spawn_app_on};
use crate::on_both_backends;

on_both_backends!(
    the_page_shows_the_carts_lines_images_and_totals_under_the_stores_name,
    a_yen_store_shows_whole_yen,
);

const STORE_UPDATE: &str = "mutation StoreUpdate($input: StoreUpdateInput!) { storeUpdate(input: $input) { userErrors { field message } } }";

async fn update_store(app: &TestApp, input: Value) {
    let data = app
        .admin(STORE_UPDATE, "StoreUpdate", json!({ "input": input }))
        .await;
    assert_eq!(data["storeUpdate"]["userErrors"], json!([]), "{data}");
}

async fn the_page_shows_the_carts_lines_images_and_totals_under_the_stores_name(backend: Backend) {
    let app = spawn_app_on(backend).await;
    update_store(
        &app,
        json!({ "name": "Ada's <Shop> & Co", "shippingRate": "5.00" }),
    )
    .await;
    let (_, path) = cart_to_pay(&app, "https://cdn.example.test/tee.jpg").await;

    let page = get(&app, &path).await;

    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(
        page.content_type.as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(page.cache_control.as_deref(), Some("private, no-store"));
    let body = &page.body;
    assert!(
        body.contains("<header><p>Ada&#39;s &#60;Shop&#62; &#38; Co</p></header>"),
        "the store's name, escaped as askama does: {body}"
    );
    assert!(!body.contains("<Shop>"), "the store's name is escaped");
    for shown in [
        "Organic Tee",
        "Enamel Mug",
        r#"<img src="https://cdn.example.test/tee.jpg" alt="A photo of Organic Tee""#,
        "Quantity 2 × $12.50",
        "$25.00",
        "<dt>Subtotal</dt><dd>$37.50</dd>",
        "<dt>Shipping</dt><dd>$5.00</dd>",
        r#"<span class="currency">USD</span> $42.50"#,
        "Pay $42.50",
    ] {
        assert!(body.contains(shown), "the page shows {shown:?}: {body}");
    }

    // Usable on a phone and with a keyboard or a screen reader: a viewport, a language, a label
    // for every field, fields in the order they are filled, the button last.
    assert!(
        body.contains(r#"<meta name="viewport" content="width=device-width, initial-scale=1">"#)
    );
    assert!(body.contains(r#"<html lang="en">"#));
    let mut last = 0;
    for name in super::FIELDS {
        assert!(body.contains(&format!(r#"<label for="{name}">"#)), "{name}");
        let at = body
            .find(&format!(r#"<input id="{name}" name="{name}""#))
            .unwrap_or_else(|| panic!("an input {name}"));
        assert!(at > last, "{name} comes after the field before it");
        last = at;
    }
    assert!(body.find(r#"<button type="submit""#).unwrap() > last);
    assert!(body.contains(r#"aria-describedby="payment_token-hint""#));
}

async fn a_yen_store_shows_whole_yen(backend: Backend) {
    let app = spawn_app_on(backend).await;
    update_store(&app, json!({ "currencyCode": "JPY" })).await;
    let product = app
        .create_product(json!({
            "title": "Tenugui",
            "options": ["Pattern"],
            "variants": [{
                "sku": format!("SKU-{}", Uuid::now_v7().simple()),
                "price": "1200",
                "options": ["Waves"],
                "inventoryQuantity": 5
            }]
        }))
        .await;
    let variant = product["variants"]["nodes"][0]["id"].as_str().unwrap();
    let created = create_cart(&app, &[(variant, 2)]).await;

    let page = get(&app, &checkout_path(&created["cart"])).await;

    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Quantity 2 × ¥1,200"), "{}", page.body);
    assert!(
        page.body
            .contains(r#"<span class="currency">JPY</span> ¥2,400"#)
    );
    assert!(!page.body.contains("¥2,400."), "yen have no minor digits");
}
