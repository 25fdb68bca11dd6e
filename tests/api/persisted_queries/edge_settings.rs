//! `storeUpdate(input: {edge})` and `storeSettings { edge }`: an admin sets response lifetimes
//! and trusted-documents mode; bad lifetimes are typed user errors that change nothing.

use serde_json::{Value, json};

use super::SETTINGS;
use crate::helpers::{Backend, TestApp, spawn_app_on};
use crate::on_both_backends;

on_both_backends!(
    an_admin_sets_edge_settings_and_reads_them_back,
    a_negative_or_too_long_lifetime_is_a_user_error_that_changes_nothing,
);

async fn edge(app: &TestApp) -> Value {
    app.admin(SETTINGS, "StoreEdgeSettings", json!({})).await["storeSettings"]["edge"].clone()
}

async fn update(app: &TestApp, edge: Value) -> Value {
    let input = json!({ "edge": edge });
    app.admin(SETTINGS, "StoreSettingsUpdate", json!({ "input": input }))
        .await["storeUpdate"]["userErrors"]
        .clone()
}

fn policy(seconds: i64) -> Value {
    json!({
        "maxAge": seconds,
        "sMaxage": seconds,
        "staleWhileRevalidate": seconds,
        "staleIfError": seconds,
    })
}

async fn an_admin_sets_edge_settings_and_reads_them_back(backend: Backend) {
    let app = spawn_app_on(backend).await;
    assert_eq!(
        edge(&app).await,
        json!({
            "trustedDocumentsOnly": false,
            "catalogCache": { "maxAge": 1, "sMaxage": 3600, "staleWhileRevalidate": 82800, "staleIfError": 86400 },
            "stockCache": { "maxAge": 1, "sMaxage": 1, "staleWhileRevalidate": 9, "staleIfError": 60 },
        }),
        "{backend:?}: Hydrogen-like defaults"
    );

    let errors = update(
        &app,
        json!({ "trustedDocumentsOnly": true, "stockCache": policy(0) }),
    )
    .await;

    assert_eq!(errors, json!([]), "{backend:?}");
    let after = edge(&app).await;
    assert_eq!(after["trustedDocumentsOnly"], true);
    assert_eq!(after["stockCache"], policy(0));
    assert_eq!(after["catalogCache"]["sMaxage"], 3600, "absent stays");
}

async fn a_negative_or_too_long_lifetime_is_a_user_error_that_changes_nothing(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let before = edge(&app).await;
    let negative =
        json!({ "maxAge": 1, "sMaxage": -5, "staleWhileRevalidate": 1, "staleIfError": 1 });
    let cases = [
        (
            json!({ "trustedDocumentsOnly": true, "catalogCache": negative }),
            "GREATER_THAN_OR_EQUAL_TO",
            json!(["edge", "catalogCache", "sMaxage"]),
        ),
        (
            json!({ "trustedDocumentsOnly": true, "stockCache": policy(400 * 24 * 3600) }),
            "LESS_THAN_OR_EQUAL_TO",
            json!(["edge", "stockCache", "maxAge"]),
        ),
    ];

    for (input, code, field) in cases {
        let errors = update(&app, input).await;

        assert_eq!(errors[0]["code"], code, "{backend:?}: {errors}");
        assert_eq!(errors[0]["field"], field);
        assert_eq!(edge(&app).await, before, "nothing changed");
    }
}
