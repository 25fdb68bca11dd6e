//! Stock that carts hold: deleting a held variant or product removes it from carts and takes its
//! stock out through the ledger, a set below the held units is refused with a typed error, and
//! the database itself refuses more reserved than on hand. On PostgreSQL and SQLite.

use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use serde_json::json;
use vitrine::inventory::ledger;

use crate::carts::create_cart;
use crate::helpers::{As, BACKENDS, TestApp, sized_product, spawn_app_on};
use crate::inventory::variant_uuid;

const INVENTORY: &str = include_str!("../../schema/operations/admin/inventory.graphql");
const VARIANTS: &str = include_str!("../../schema/operations/admin/variants_bulk.graphql");

/// A cart holding `quantity` units of `variant` (a gid), made through the cart API.
async fn hold_in_a_cart(app: &TestApp, variant: &str, quantity: i64) {
    let created = create_cart(app, &[(variant, quantity)]).await;
    assert_eq!(created["cart"]["totalQuantity"], quantity, "{created}");
}

async fn count(app: &TestApp, table: &str) -> u64 {
    let query = Query::select()
        .expr(Expr::cust("COUNT(*)"))
        .from(Alias::new(table))
        .to_owned();
    let row = app.db().query_one(&query).await.unwrap().unwrap();
    row.try_get_by_index::<i64>(0).unwrap() as u64
}

#[tokio::test]
async fn deleting_a_variant_that_sits_in_a_cart_removes_it_from_the_cart() {
    for backend in BACKENDS {
        let app = spawn_app_on(backend).await;
        let product = app.create_product(sized_product("Held Tee", "H")).await;
        let small = product["variants"]["nodes"][0]["id"]
            .as_str()
            .unwrap()
            .to_string();
        hold_in_a_cart(&app, &small, 2).await;

        let removed = app
            .admin(
                VARIANTS,
                "VariantsBulkDelete",
                json!({ "productId": product["id"], "variantsIds": [small] }),
            )
            .await;

        assert_eq!(
            removed["productVariantsBulkDelete"]["userErrors"],
            json!([]),
            "{backend:?}"
        );
        assert_eq!(
            count(&app, "cart_lines").await,
            0,
            "{backend:?}: the line left the cart"
        );
        assert_eq!(
            count(&app, "inventory_reservations").await,
            0,
            "{backend:?}"
        );
        assert_eq!(count(&app, "carts").await, 1, "{backend:?}: the cart stays");
        let store = app.store_model().await;
        let sums = ledger::totals(app.db(), &store, variant_uuid(&small))
            .await
            .unwrap();
        assert_eq!(
            sums,
            (0, 0),
            "{backend:?}: the stock left through the ledger"
        );
    }
}

#[tokio::test]
async fn deleting_a_product_held_by_a_cart_removes_it_cleanly() {
    for backend in BACKENDS {
        let app = spawn_app_on(backend).await;
        let product = app.create_product(sized_product("Gone Tee", "G")).await;
        let small = product["variants"]["nodes"][0]["id"]
            .as_str()
            .unwrap()
            .to_string();
        hold_in_a_cart(&app, &small, 1).await;
        let deleted = app
            .admin(
                include_str!("../../schema/operations/admin/product_delete.graphql"),
                "ProductDelete",
                json!({ "id": product["id"] }),
            )
            .await;
        assert_eq!(
            deleted["productDelete"]["userErrors"],
            json!([]),
            "{backend:?}"
        );
        assert_eq!(count(&app, "cart_lines").await, 0, "{backend:?}");
        assert_eq!(
            count(&app, "inventory_reservations").await,
            0,
            "{backend:?}"
        );
        assert_eq!(count(&app, "inventory_levels").await, 0, "{backend:?}");
        let store = app.store_model().await;
        let sums = ledger::totals(app.db(), &store, variant_uuid(&small))
            .await
            .unwrap();
        assert_eq!(sums, (0, 0), "{backend:?}");
    }
}

#[tokio::test]
async fn the_database_refuses_more_reserved_than_on_hand() {
    for backend in BACKENDS {
        let app = spawn_app_on(backend).await;
        let product = app.create_product(sized_product("Checked Tee", "K")).await;
        let small = variant_uuid(product["variants"]["nodes"][0]["id"].as_str().unwrap());
        let overdraw = Query::update()
            .table(Alias::new("inventory_levels"))
            .value(
                Alias::new("reserved"),
                Expr::col(Alias::new("on_hand")).add(1),
            )
            .and_where(Expr::col(Alias::new("variant_id")).eq(small))
            .to_owned();
        let tx = app.database.begin().await.unwrap();
        let refused = tx
            .execute(&overdraw)
            .await
            .expect_err("the CHECK constraint holds");
        assert!(
            refused
                .to_string()
                .contains("inventory_levels_reserved_within_on_hand"),
            "{backend:?}: {refused}"
        );
    }
}

#[tokio::test]
async fn a_set_below_the_reserved_units_is_refused_with_a_typed_error() {
    for backend in BACKENDS {
        let app = spawn_app_on(backend).await;
        let product = app.create_product(sized_product("Reserved Tee", "R")).await;
        let small = product["variants"]["nodes"][0]["id"]
            .as_str()
            .unwrap()
            .to_string();
        hold_in_a_cart(&app, &small, 3).await;
        let (_, body) = app
            .request(
                As::Admin(&app.store),
                INVENTORY,
                Some("InventorySet"),
                json!({ "quantities": [{ "variantId": small, "quantity": 2 }] }),
            )
            .await;
        let error = &body["data"]["inventorySetQuantities"]["userErrors"][0];
        assert_eq!(
            error["code"], "GREATER_THAN_OR_EQUAL_TO",
            "{backend:?}: {body}"
        );
        assert_eq!(error["field"], json!(["quantities", "0", "quantity"]));
    }
}
