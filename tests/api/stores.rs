//! The store itself: its currency is fixed once variants carry prices (or shipping amounts) in
//! it, and an admin sets the checkout settings (shipping, tax, payment capture) and reads them
//! back; a bad setting is a typed user error that changes nothing.

use serde_json::{Value, json};
use vitrine::pricing::PricingRules;
use vitrine::stores::CapturePolicy;

use crate::helpers::{As, Backend, TestApp, sized_product, spawn_app_on};

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

const SETTINGS: &str = include_str!("../../schema/operations/admin/store_settings.graphql");

async fn update_settings(app: &TestApp, input: Value) -> Value {
    let data = app
        .admin(SETTINGS, "StoreSettingsUpdate", json!({ "input": input }))
        .await;
    data["storeUpdate"]["userErrors"].clone()
}

async fn settings(app: &TestApp) -> Value {
    app.admin(SETTINGS, "StoreSettings", json!({})).await["storeSettings"].clone()
}

async fn an_admin_sets_shipping_tax_and_capture_and_reads_them_back(backend: Backend) {
    let app = spawn_app_on(backend).await;
    assert_eq!(
        settings(&app).await,
        json!({
            "shippingRate": { "amount": "0.00", "currencyCode": "USD" },
            "freeShippingThreshold": null,
            "taxesIncluded": false,
            "taxRates": [],
            "paymentCapture": "IMMEDIATE",
        }),
        "{backend:?}: a store that set nothing charges no shipping and no tax"
    );

    let errors = update_settings(
        &app,
        json!({
            "shippingRate": "4.99",
            "freeShippingThreshold": "50",
            "taxesIncluded": true,
            "taxRates": [
                { "countryCode": "US", "rate": "8.875" },
                { "countryCode": "DE", "rate": "19.00" },
            ],
            "paymentCapture": "ON_FULFILLMENT",
        }),
    )
    .await;

    assert_eq!(errors, json!([]), "{backend:?}");
    assert_eq!(
        settings(&app).await,
        json!({
            "shippingRate": { "amount": "4.99", "currencyCode": "USD" },
            "freeShippingThreshold": { "amount": "50.00", "currencyCode": "USD" },
            "taxesIncluded": true,
            "taxRates": [
                { "countryCode": "DE", "rate": "19" },
                { "countryCode": "US", "rate": "8.875" },
            ],
            "paymentCapture": "ON_FULFILLMENT",
        })
    );
    let store = app.store_model().await;
    let rules = PricingRules::of(&store);
    assert_eq!(rules.shipping.flat_rate_minor, 499);
    assert_eq!(rules.shipping.free_above_minor, Some(5_000));
    assert_eq!(rules.tax.rate_for("de").to_string(), "19");
    assert_eq!(CapturePolicy::of(&store), CapturePolicy::OnFulfillment);

    let errors = update_settings(
        &app,
        json!({ "freeShippingThreshold": null, "taxRates": [], "name": "Renamed" }),
    )
    .await;
    assert_eq!(errors, json!([]));
    let after = settings(&app).await;
    assert_eq!(
        after["freeShippingThreshold"],
        Value::Null,
        "null clears it"
    );
    assert_eq!(after["taxRates"], json!([]), "the table is replaced whole");
    assert_eq!(after["shippingRate"]["amount"], "4.99", "absent stays");
    assert_eq!(after["taxesIncluded"], true);

    let (_, storefront) = app
        .request(
            As::Storefront(&app.store),
            SETTINGS,
            Some("StoreSettings"),
            json!({}),
        )
        .await;
    assert_eq!(
        storefront["errors"][0]["extensions"]["code"],
        "ACCESS_DENIED"
    );
}

async fn a_bad_checkout_setting_is_a_typed_user_error_that_changes_nothing(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let good = json!({
        "shippingRate": "4.99",
        "taxRates": [{ "countryCode": "US", "rate": "8.875" }],
    });
    assert_eq!(update_settings(&app, good).await, json!([]));
    let before = settings(&app).await;
    let cases = [
        (
            json!([{ "countryCode": "US", "rate": "150" }]),
            "LESS_THAN_OR_EQUAL_TO",
            json!(["taxRates", "0", "rate"]),
        ),
        (
            json!([{ "countryCode": "FR", "rate": "20" }, { "countryCode": "DE", "rate": "abc" }]),
            "INVALID",
            json!(["taxRates", "1", "rate"]),
        ),
        (
            json!([{ "countryCode": "FR", "rate": "-1" }]),
            "GREATER_THAN_OR_EQUAL_TO",
            json!(["taxRates", "0", "rate"]),
        ),
        (
            json!([{ "countryCode": "FR", "rate": "5.12345" }]),
            "INVALID",
            json!(["taxRates", "0", "rate"]),
        ),
        (
            json!([{ "countryCode": "FR", "rate": "5" }, { "countryCode": "FR", "rate": "6" }]),
            "DUPLICATE",
            json!(["taxRates", "1", "countryCode"]),
        ),
    ];

    for (rates, code, field) in cases {
        // A valid change in the same input must not be applied either.
        let input = json!({ "shippingRate": "9.99", "taxesIncluded": true, "taxRates": rates });
        let errors = update_settings(&app, input).await;

        assert_eq!(errors[0]["code"], code, "{backend:?} {rates}: {errors}");
        assert_eq!(errors[0]["field"], field, "{rates}");
        assert_eq!(settings(&app).await, before, "{rates} changed nothing");
    }
    let errors = update_settings(&app, json!({ "shippingRate": "4.999" })).await;
    assert_eq!(errors[0]["field"], json!(["shippingRate"]));
    assert_eq!(errors[0]["code"], "INVALID");
    assert_eq!(settings(&app).await, before);
}

async fn the_currency_cannot_change_under_shipping_amounts_it_does_not_restate(backend: Backend) {
    let app = spawn_app_on(backend).await;
    assert_eq!(
        update_settings(&app, json!({ "shippingRate": "4.99" })).await,
        json!([])
    );

    let refused = update_settings(&app, json!({ "currencyCode": "JPY" })).await;

    assert_eq!(refused[0]["field"], json!(["currencyCode"]), "{backend:?}");
    assert_eq!(settings(&app).await["shippingRate"]["amount"], "4.99");
    let restated = update_settings(
        &app,
        json!({ "currencyCode": "JPY", "shippingRate": "500" }),
    )
    .await;
    assert_eq!(restated, json!([]));
    assert_eq!(
        settings(&app).await["shippingRate"],
        json!({ "amount": "500", "currencyCode": "JPY" })
    );
}

crate::on_both_backends!(
    the_currency_cannot_change_once_variants_have_prices,
    an_admin_sets_shipping_tax_and_capture_and_reads_them_back,
    a_bad_checkout_setting_is_a_typed_user_error_that_changes_nothing,
    the_currency_cannot_change_under_shipping_amounts_it_does_not_restate,
);
