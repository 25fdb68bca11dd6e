//! The store itself: its currency is fixed once variants carry prices in it.

use serde_json::json;

use crate::helpers::{Backend, sized_product, spawn_app_on};

const STORE_CURRENCY: &str = "mutation($currency: String!) { storeUpdate(input: { currencyCode: $currency }) { shop { paymentSettings { currencyCode } } userErrors { field message code } } }";

async fn the_currency_cannot_change_once_variants_have_prices(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let before_products = app
        .admin(STORE_CURRENCY, "", json!({ "currency": "EUR" }))
        .await;
    assert_eq!(before_products["storeUpdate"]["userErrors"], json!([]));
    assert_eq!(
        before_products["storeUpdate"]["shop"]["paymentSettings"]["currencyCode"],
        "EUR"
    );
    app.create_product(sized_product("Euro Tee", "EU")).await;

    let refused = app
        .admin(STORE_CURRENCY, "", json!({ "currency": "JPY" }))
        .await;

    let error = &refused["storeUpdate"]["userErrors"][0];
    assert_eq!(error["code"], "INVALID", "{backend:?}: {refused}");
    assert_eq!(error["field"], json!(["currencyCode"]));
    let shop = app
        .storefront("{ shop { paymentSettings { currencyCode } } product(handle: \"euro-tee\") { priceRange { minVariantPrice { amount currencyCode } } } }", json!({}))
        .await;
    assert_eq!(shop["shop"]["paymentSettings"]["currencyCode"], "EUR");
    assert_eq!(
        shop["product"]["priceRange"]["minVariantPrice"],
        json!({ "amount": "10.00", "currencyCode": "EUR" })
    );
    let same = app
        .admin(STORE_CURRENCY, "", json!({ "currency": "EUR" }))
        .await;
    assert_eq!(
        same["storeUpdate"]["userErrors"],
        json!([]),
        "restating it is fine"
    );
}

crate::on_both_backends!(the_currency_cannot_change_once_variants_have_prices);
