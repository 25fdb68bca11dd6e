//! Merchants build the catalog through admin mutations; invalid input changes nothing. Every
//! test runs on PostgreSQL and on the embedded SQLite default.

use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

use crate::helpers::{Backend, PRODUCT_CREATE, TestApp, sized_product, spawn_app_on};

const VARIANTS: &str = include_str!("../../schema/operations/admin/variants_bulk.graphql");
const INVENTORY: &str = include_str!("../../schema/operations/admin/inventory.graphql");
const CONTENT: &str = include_str!("../../schema/operations/admin/content.graphql");
const STOREFRONT_CONTENT: &str = include_str!("../../schema/operations/storefront/content.graphql");

async fn refused(app: &TestApp, input: Value) -> Value {
    let data = app
        .admin(PRODUCT_CREATE, "ProductCreate", json!({ "input": input }))
        .await;
    assert_eq!(data["productCreate"]["product"], Value::Null);
    data["productCreate"]["userErrors"][0].clone()
}

async fn catalog_size(app: &TestApp) -> (u64, u64) {
    let products = entities::product::Entity::find()
        .count(app.db())
        .await
        .unwrap();
    let variants = entities::product_variant::Entity::find()
        .count(app.db())
        .await
        .unwrap();
    (products, variants)
}

async fn every_invalid_product_input_is_a_typed_user_error_that_changes_nothing(backend: Backend) {
    let app = spawn_app_on(backend).await;
    app.create_product(sized_product("Existing", "EX")).await;
    let before = catalog_size(&app).await;
    let with = |change: &dyn Fn(&mut Value)| {
        let mut input = sized_product("Fresh", "FR");
        change(&mut input);
        input
    };
    let cases: Vec<(&str, Value, &str, Value)> = vec![
        (
            "blank title",
            with(&|i| i["title"] = json!("  ")),
            "BLANK",
            json!(["title"]),
        ),
        (
            "long title",
            with(&|i| i["title"] = json!("x".repeat(256))),
            "TOO_LONG",
            json!(["title"]),
        ),
        (
            "taken handle",
            with(&|i| i["handle"] = json!("existing")),
            "TAKEN",
            json!(["handle"]),
        ),
        (
            "taken sku",
            with(&|i| i["variants"][2]["sku"] = json!("EX-L")),
            "TAKEN",
            json!(["sku"]),
        ),
        (
            "too many decimals",
            with(&|i| i["variants"][0]["price"] = json!("1.999")),
            "INVALID",
            json!(["variants", "0", "price"]),
        ),
        (
            "negative price",
            with(&|i| i["variants"][1]["price"] = json!("-1.00")),
            "GREATER_THAN_OR_EQUAL_TO",
            json!(["variants", "1", "price"]),
        ),
        (
            "negative quantity",
            with(&|i| i["variants"][0]["inventoryQuantity"] = json!(-1)),
            "GREATER_THAN_OR_EQUAL_TO",
            json!(["variants", "0", "inventoryQuantity"]),
        ),
        (
            "duplicate options",
            with(&|i| i["variants"][1]["options"] = json!(["S"])),
            "DUPLICATE",
            json!(["options"]),
        ),
        (
            "bad handle",
            with(&|i| i["handle"] = json!("Not A Handle")),
            "INVALID",
            json!(["handle"]),
        ),
        (
            "101 variants",
            with(&|i| {
                i["variants"] = json!(
                    (0..101)
                        .map(|n| json!({ "options": [n.to_string()], "price": "1.00" }))
                        .collect::<Vec<_>>()
                )
            }),
            "TOO_MANY",
            json!(["variants"]),
        ),
    ];
    for (name, input, code, field) in cases {
        let error = refused(&app, input).await;
        assert_eq!(error["code"], code, "{name}: {error}");
        assert_eq!(error["field"], field, "{name}: {error}");
        assert!(
            error["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{name}"
        );
    }
    assert_eq!(
        catalog_size(&app).await,
        before,
        "refused inputs changed nothing"
    );
}

async fn variants_are_added_changed_and_removed_in_bulk(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let product = app.create_product(sized_product("Bulk Tee", "BT")).await;
    let id = product["id"].clone();

    let added = app.admin(VARIANTS, "VariantsBulkCreate", json!({ "productId": id, "variants": [{ "sku": "BT-XL", "price": "40.00", "options": ["XL"] }] })).await;
    assert_eq!(added["productVariantsBulkCreate"]["userErrors"], json!([]));
    assert_eq!(
        added["productVariantsBulkCreate"]["product"]["priceRange"]["maxVariantPrice"]["amount"],
        "40.00"
    );

    let small = product["variants"]["nodes"][0]["id"].clone();
    let changed = app.admin(VARIANTS, "VariantsBulkUpdate", json!({ "productId": id, "variants": [{ "id": small, "price": "12.50", "compareAtPrice": "15.00" }] })).await;
    assert_eq!(
        changed["productVariantsBulkUpdate"]["productVariants"][0]["price"]["amount"],
        "12.50"
    );

    let duplicate = app
        .admin(
            VARIANTS,
            "VariantsBulkCreate",
            json!({ "productId": id, "variants": [{ "options": ["S"], "price": "1.00" }] }),
        )
        .await;
    assert_eq!(
        duplicate["productVariantsBulkCreate"]["userErrors"][0]["code"],
        "DUPLICATE"
    );

    let removed = app
        .admin(
            VARIANTS,
            "VariantsBulkDelete",
            json!({ "productId": id, "variantsIds": [small] }),
        )
        .await;
    assert_eq!(
        removed["productVariantsBulkDelete"]["userErrors"],
        json!([])
    );
    let variants = entities::product_variant::Entity::find()
        .count(app.db())
        .await
        .unwrap();
    assert_eq!(variants, 3);
}

async fn setting_and_adjusting_stock_writes_the_ledger_and_refuses_going_below_zero(
    backend: Backend,
) {
    let app = spawn_app_on(backend).await;
    let product = app.create_product(sized_product("Stock Tee", "ST")).await;
    let small = product["variants"]["nodes"][0]["id"].clone();
    let ledger = || async {
        entities::inventory_movement::Entity::find()
            .count(app.db())
            .await
            .unwrap()
    };
    let initial = ledger().await;

    let set = app
        .admin(
            INVENTORY,
            "InventorySet",
            json!({ "quantities": [{ "variantId": small, "quantity": 12 }], "reason": "count" }),
        )
        .await;
    assert_eq!(
        set["inventorySetQuantities"]["inventoryLevels"][0]["onHand"],
        12
    );
    let adjusted = app
        .admin(
            INVENTORY,
            "InventoryAdjust",
            json!({ "changes": [{ "variantId": small, "quantity": -4 }] }),
        )
        .await;
    assert_eq!(
        adjusted["inventoryAdjustQuantities"]["inventoryLevels"][0]["available"],
        8
    );
    assert_eq!(ledger().await, initial + 2);

    let too_far = app
        .admin(
            INVENTORY,
            "InventoryAdjust",
            json!({ "changes": [{ "variantId": small, "quantity": -9 }] }),
        )
        .await;
    assert_eq!(
        too_far["inventoryAdjustQuantities"]["userErrors"][0]["code"],
        "GREATER_THAN_OR_EQUAL_TO"
    );
    assert_eq!(
        too_far["inventoryAdjustQuantities"]["userErrors"][0]["field"],
        json!(["changes", "0", "quantity"])
    );
    let negative = app
        .admin(
            INVENTORY,
            "InventorySet",
            json!({ "quantities": [{ "variantId": small, "quantity": -1 }] }),
        )
        .await;
    assert_eq!(
        negative["inventorySetQuantities"]["userErrors"][0]["code"],
        "GREATER_THAN_OR_EQUAL_TO"
    );
    assert_eq!(ledger().await, initial + 2, "refused changes wrote nothing");
}

async fn menus_pages_and_the_store_itself_are_managed_through_admin_mutations(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let items = json!([{ "title": "Shop", "url": "/collections/all", "items": [{ "title": "Tees", "url": "/collections/tees" }] }]);
    let menu = app
        .admin(
            CONTENT,
            "MenuUpsert",
            json!({ "handle": "main-menu", "title": "Main", "items": items }),
        )
        .await;
    assert_eq!(menu["menuUpsert"]["menu"]["itemsCount"], 2);
    let page = app
        .admin(
            CONTENT,
            "PageCreate",
            json!({ "input": { "title": "About Us", "body": "<p>Hello</p>" } }),
        )
        .await;
    assert_eq!(page["pageCreate"]["page"]["handle"], "about-us");
    let blank = app
        .admin(CONTENT, "PageCreate", json!({ "input": { "title": "" } }))
        .await;
    assert_eq!(blank["pageCreate"]["userErrors"][0]["code"], "BLANK");
    let renamed = app
        .admin(
            CONTENT,
            "StoreUpdate",
            json!({ "input": { "name": "Renamed" } }),
        )
        .await;
    assert_eq!(renamed["storeUpdate"]["shop"]["name"], "Renamed");

    let storefront = app
        .storefront(
            STOREFRONT_CONTENT,
            json!({ "menu": "main-menu", "page": "about-us" }),
        )
        .await;
    assert_eq!(storefront["menu"]["items"][0]["items"][0]["title"], "Tees");
    assert_eq!(storefront["page"]["bodySummary"], "Hello");
    let shop = app
        .storefront(
            include_str!("../../schema/operations/storefront/shop.graphql"),
            json!({}),
        )
        .await;
    assert_eq!(
        shop["shop"]["name"], "Renamed",
        "the cached store was refreshed"
    );
}

/// Ten variants priced 50.00; returns the product id and the variant ids.
async fn ten_variant_product(app: &TestApp) -> (Value, Vec<Value>) {
    let variants: Vec<Value> = (0..10)
        .map(|n| json!({ "options": [n.to_string()], "price": "50.00", "inventoryQuantity": 1 }))
        .collect();
    let product = app
        .create_product(json!({ "title": "Ranged Tee", "options": ["Size"], "variants": variants }))
        .await;
    let ids = product["variants"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].clone())
        .collect();
    (product["id"].clone(), ids)
}

const PRICES: &str = "query($id: ID!) { node(id: $id) { ... on Product { priceRange { minVariantPrice { amount } maxVariantPrice { amount } } variants(first: 20) { nodes { price { amount } } } } } }";

async fn concurrent_variant_price_changes_keep_the_price_range_true(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let (product_id, variants) = ten_variant_product(&app).await;
    for round in 0..10_u64 {
        let mut tasks = tokio::task::JoinSet::new();
        for (n, variant) in variants.iter().enumerate() {
            let price = format!("{}.00", 1 + (round * 31 + n as u64 * 17) % 97);
            let variables =
                json!({ "productId": product_id, "variants": [{ "id": variant, "price": price }] });
            let (address, token) = (app.address.clone(), app.store.admin_token.clone());
            tasks.spawn(async move {
                let body = json!({ "query": VARIANTS, "operationName": "VariantsBulkUpdate", "variables": variables });
                reqwest::Client::new()
                    .post(format!("{address}/api/2025-01/graphql.json"))
                    .header("X-Shopify-Access-Token", token)
                    .json(&body)
                    .send()
                    .await
                    .expect("send")
                    .json::<Value>()
                    .await
                    .expect("JSON")
            });
        }
        while let Some(done) = tasks.join_next().await {
            let body = done.unwrap();
            assert_eq!(
                body["data"]["productVariantsBulkUpdate"]["userErrors"],
                json!([]),
                "{body}"
            );
        }
        let data = app.admin(PRICES, "", json!({ "id": product_id })).await;
        let prices: Vec<f64> = data["node"]["variants"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["price"]["amount"].as_str().unwrap().parse().unwrap())
            .collect();
        let amount = |which: &str| -> f64 {
            data["node"]["priceRange"][which]["amount"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap()
        };
        let lowest = prices.iter().copied().fold(f64::MAX, f64::min);
        let highest = prices.iter().copied().fold(f64::MIN, f64::max);
        assert_eq!(
            amount("minVariantPrice"),
            lowest,
            "{backend:?} round {round}"
        );
        assert_eq!(
            amount("maxVariantPrice"),
            highest,
            "{backend:?} round {round}"
        );
    }
}

crate::on_both_backends!(
    concurrent_variant_price_changes_keep_the_price_range_true,
    every_invalid_product_input_is_a_typed_user_error_that_changes_nothing,
    variants_are_added_changed_and_removed_in_bulk,
    setting_and_adjusting_stock_writes_the_ledger_and_refuses_going_below_zero,
    menus_pages_and_the_store_itself_are_managed_through_admin_mutations
);
