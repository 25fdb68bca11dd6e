//! Operating the index: `vitrine search check` finds the documents the index holds wrong and
//! `--repair` has the running server's indexer mend them; `vitrine search reindex` rebuilds the
//! index aside while the server keeps answering from the old one, then the server switches to the
//! new one. A title renamed behind the indexer's back (no purge row) stands for an index gone
//! wrong: only the check's repair or a rebuild from the catalog can bring it in.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use entities::product;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use vitrine::ids::{self, GidKind};

use super::freshness::within_a_second;
use super::listings::titles;
use crate::helpers::{Backend, TestApp, run_cli, sized_product, spawn_app_on};
use crate::on_both_backends;

async fn rename_behind_the_indexers_back(app: &TestApp, created: &Value, title: &str) {
    let id = ids::decode(GidKind::Product, created["id"].as_str().unwrap()).unwrap();
    product::Entity::update_many()
        .col_expr(product::Column::Title, Expr::value(title))
        .filter(product::Column::Id.eq(id))
        .exec(app.db())
        .await
        .unwrap();
}

async fn the_check_finds_stale_documents_and_the_repair_mends_them(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let parka = app.create_product(sized_product("Azure Parka", "AP")).await;
    app.create_product(sized_product("Linen Shirt", "LS")).await;
    app.search_caught_up().await;
    run_cli(&app, &["search", "check"])
        .await
        .expect("an index in step with the catalog passes the check");

    rename_behind_the_indexers_back(&app, &parka, "Crimson Parka").await;
    let refused = run_cli(&app, &["search", "check", "--store", &app.store.domain])
        .await
        .expect_err("a stale document fails the check");
    assert!(refused.to_string().starts_with("1 documents"), "{refused}");

    run_cli(&app, &["search", "check", "--repair"])
        .await
        .expect("a repair owes the stale document to the indexer");
    within_a_second(&app, "crimzon", &["Crimson Parka"]).await;
    app.search_caught_up().await;
    run_cli(&app, &["search", "check"])
        .await
        .expect("the repaired index passes the check");
}

async fn a_reindex_swaps_in_a_new_index_while_search_answers(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let parka = app.create_product(sized_product("Azure Parka", "AP")).await;
    app.create_product(sized_product("Linen Shirt", "LS")).await;
    for n in 0..20 {
        let title = format!("Wool Sweater {n}");
        app.create_product(sized_product(&title, &format!("WS{n}")))
            .await;
    }
    app.search_caught_up().await;
    rename_behind_the_indexers_back(&app, &parka, "Crimson Parka").await;

    // A shopper searches all through the rebuild, with a typo that only the index forgives.
    let app = Arc::new(app);
    let rebuilding = Arc::new(AtomicBool::new(true));
    let answered = Arc::new(AtomicUsize::new(0));
    let shopper = tokio::spawn({
        let (app, rebuilding, answered) = (app.clone(), rebuilding.clone(), answered.clone());
        async move {
            while rebuilding.load(Ordering::Acquire) {
                let found = titles(&app, json!({ "first": 10, "query": "linnen" })).await;
                assert_eq!(
                    found,
                    ["Linen Shirt"],
                    "search answers from the index during a rebuild"
                );
                answered.fetch_add(1, Ordering::Relaxed);
                tokio::task::yield_now().await;
            }
        }
    });
    run_cli(&app, &["search", "reindex"])
        .await
        .expect("the index is rebuilt");
    rebuilding.store(false, Ordering::Release);
    shopper
        .await
        .expect("every search during the rebuild found its product");
    assert!(
        answered.load(Ordering::Relaxed) > 0,
        "searches ran during the rebuild"
    );

    // Only a rebuild from the catalog knows the rename: the server searches the new index.
    within_a_second(&app, "crimzon", &["Crimson Parka"]).await;
    within_a_second(&app, "linnen", &["Linen Shirt"]).await;
    app.search_caught_up().await;
    run_cli(&app, &["search", "check"])
        .await
        .expect("the rebuilt index is in step with the catalog");
}

on_both_backends!(
    the_check_finds_stale_documents_and_the_repair_mends_them,
    a_reindex_swaps_in_a_new_index_while_search_answers,
);
