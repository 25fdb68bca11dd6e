//! Product, variant and collection writes: one event per committed write, none for a refused one.

use serde_json::{Value, json};
use uuid::Uuid;
use vitrine::ids::{self, GidKind};

use super::{events_of_store, mark, since, topics};
use crate::helpers::{
    As, Backend, PRODUCT_CREATE, TestApp, create_store, sized_product, spawn_app_on,
};
use crate::on_both_backends;

const PRODUCT_UPDATE: &str =
    include_str!("../../../schema/operations/admin/product_update.graphql");
const PRODUCT_DELETE: &str =
    include_str!("../../../schema/operations/admin/product_delete.graphql");
const VARIANTS: &str = include_str!("../../../schema/operations/admin/variants_bulk.graphql");
const COLLECTIONS: &str = include_str!("../../../schema/operations/admin/collections.graphql");

const LEVEL: &str = "inventory_levels/update";

on_both_backends!(
    a_product_announces_its_creation_updates_and_deletion_in_order,
    each_variant_write_is_one_product_update_with_every_variant,
    collection_writes_and_membership_changes_announce_the_collection,
    a_refused_catalog_write_announces_nothing,
);

/// The gids of a product's variants, as `productCreate` returned them.
pub fn ids_of(product: &Value) -> Vec<String> {
    product["variants"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|variant| variant["id"].as_str().unwrap().to_string())
        .collect()
}

/// `field` of every variant in a product event.
fn variant_field(body: &Value, field: &str) -> Vec<Value> {
    body["variants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|variant| variant[field].clone())
        .collect()
}

/// Runs an admin mutation; returns its payload (`field`) after checking it refused nothing.
pub async fn accepted(app: &TestApp, document: &str, operation: &str, vars: Value) -> Value {
    let data = app.admin(document, operation, vars).await;
    let field = data.as_object().unwrap().keys().next().unwrap().clone();
    let payload = data[&field].clone();
    assert_eq!(payload["userErrors"], json!([]), "{operation}: {payload}");
    payload
}

/// Runs an admin mutation that must be refused with a user error.
async fn refused(app: &TestApp, document: &str, operation: &str, vars: Value) {
    let data = app.admin(document, operation, vars).await;
    let payload = data.as_object().unwrap().values().next().unwrap();
    assert_ne!(payload["userErrors"], json!([]), "{operation}: {payload}");
}

async fn a_product_announces_its_creation_updates_and_deletion_in_order(backend: Backend) {
    let app = spawn_app_on(backend).await;

    let product = app.create_product(sized_product("Outbox Tee", "OB")).await;
    let id = product["id"].as_str().unwrap();
    let [s, m, l] = <[String; 3]>::try_from(ids_of(&product)).unwrap();

    // Opening stock is an on-hand change; the variant created with none has nothing to announce.
    let created = since(&app, 0).await;
    assert_eq!(
        topics(&created),
        vec![
            (LEVEL, s.as_str()),
            (LEVEL, l.as_str()),
            ("products/create", id)
        ]
    );
    assert_eq!(created[0].payload["on_hand"], 5);
    let body = &created[2].payload;
    assert_eq!(body["id"], id);
    assert_eq!(body["title"], "Outbox Tee");
    assert_eq!(body["handle"], "outbox-tee");
    assert_eq!(body["status"], "active");
    assert_eq!(body["vendor"], "Acme");
    assert_eq!(body["product_type"], "Tees");
    assert_eq!(body["tags"], json!(["summer", "cotton"]));
    assert!(body["updated_at"].is_string(), "{body}");
    assert_eq!(
        variant_field(body, "id"),
        vec![json!(s), json!(m), json!(l)]
    );
    assert_eq!(
        variant_field(body, "sku"),
        [json!("OB-S"), json!("OB-M"), json!("OB-L")]
    );
    assert_eq!(
        variant_field(body, "title"),
        [json!("S"), json!("M"), json!("L")]
    );
    assert_eq!(
        variant_field(body, "price"),
        [json!("10.00"), json!("20.00"), json!("30.00")]
    );
    assert_eq!(
        variant_field(body, "inventory_quantity"),
        [json!(5), json!(0), json!(2)]
    );

    // An update without tags reads them back; one with tags carries the new ones.
    let at = mark(&app).await;
    for input in [json!({ "vendor": "Zeta" }), json!({ "tags": ["winter"] })] {
        let vars = json!({ "id": id, "input": input });
        accepted(&app, PRODUCT_UPDATE, "ProductUpdate", vars).await;
    }
    let updated = since(&app, at).await;
    assert_eq!(topics(&updated), vec![("products/update", id); 2]);
    assert_eq!(updated[0].payload["vendor"], "Zeta");
    assert_eq!(updated[0].payload["tags"], json!(["summer", "cotton"]));
    assert_eq!(
        variant_field(&updated[0].payload, "inventory_quantity"),
        [json!(5), json!(0), json!(2)]
    );
    assert_eq!(updated[1].payload["tags"], json!(["winter"]));

    // The stock leaves with the product, then the product goes.
    let at = mark(&app).await;
    accepted(&app, PRODUCT_DELETE, "ProductDelete", json!({ "id": id })).await;
    let deleted = since(&app, at).await;
    assert_eq!(
        topics(&deleted),
        vec![
            (LEVEL, s.as_str()),
            (LEVEL, l.as_str()),
            ("products/delete", id)
        ]
    );
    assert_eq!(deleted[1].payload["on_hand"], 0);
    assert_eq!(deleted[1].payload["available"], 0);
    assert_eq!(deleted[2].payload, json!({ "id": id }));

    // Another store's write is in its own sequence only.
    let other = create_store(&app.database, "Other Store").await;
    let input = json!({ "input": { "title": "Elsewhere" } });
    let (status, body) = app
        .request(
            As::Admin(&other),
            PRODUCT_CREATE,
            Some("ProductCreate"),
            input,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let elsewhere = body["data"]["productCreate"]["product"]["id"]
        .as_str()
        .unwrap();
    let theirs = events_of_store(&app, other.store_id).await;
    assert_eq!(topics(&theirs), vec![("products/create", elsewhere)]);
    assert_eq!(mark(&app).await, at + 3);
}

async fn each_variant_write_is_one_product_update_with_every_variant(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let product = app.create_product(sized_product("Variant Tee", "VT")).await;
    let id = product["id"].as_str().unwrap();
    let [s, m, _l] = <[String; 3]>::try_from(ids_of(&product)).unwrap();

    let at = mark(&app).await;
    let variants = json!([
        { "sku": "VT-XL", "price": "40.00", "options": ["XL"], "inventoryQuantity": 4 },
        { "sku": "VT-XXL", "price": "50.00", "options": ["XXL"] }
    ]);
    let vars = json!({ "productId": id, "variants": variants });
    let added = accepted(&app, VARIANTS, "VariantsBulkCreate", vars).await;
    let xl = added["productVariants"][0]["id"].as_str().unwrap();
    let events = since(&app, at).await;
    assert_eq!(topics(&events), vec![(LEVEL, xl), ("products/update", id)]);
    let body = &events[1].payload;
    let skus = ["VT-S", "VT-M", "VT-L", "VT-XL", "VT-XXL"].map(|sku| json!(sku));
    assert_eq!(variant_field(body, "sku"), skus);
    let quantities = [5, 0, 2, 4, 0].map(|n| json!(n));
    assert_eq!(variant_field(body, "inventory_quantity"), quantities);

    let at = mark(&app).await;
    let variants = json!([{ "id": s, "price": "11.00" }, { "id": m, "price": "21.00" }]);
    let vars = json!({ "productId": id, "variants": variants });
    accepted(&app, VARIANTS, "VariantsBulkUpdate", vars).await;
    let events = since(&app, at).await;
    assert_eq!(topics(&events), vec![("products/update", id)]);
    let prices = ["11.00", "21.00", "30.00", "40.00", "50.00"].map(|p| json!(p));
    assert_eq!(variant_field(&events[0].payload, "price"), prices);
    assert_eq!(
        variant_field(&events[0].payload, "inventory_quantity"),
        quantities
    );

    let at = mark(&app).await;
    let vars = json!({ "productId": id, "variantsIds": [s] });
    accepted(&app, VARIANTS, "VariantsBulkDelete", vars).await;
    let events = since(&app, at).await;
    assert_eq!(
        topics(&events),
        vec![(LEVEL, s.as_str()), ("products/update", id)]
    );
    assert_eq!(variant_field(&events[1].payload, "sku"), skus[1..].to_vec());
}

async fn collection_writes_and_membership_changes_announce_the_collection(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let a = app.create_product(json!({ "title": "Member A" })).await["id"].clone();
    let b = app.create_product(json!({ "title": "Member B" })).await["id"].clone();

    let at = mark(&app).await;
    let input = json!({ "input": { "title": "Outboxed", "products": [a] } });
    let created = accepted(&app, COLLECTIONS, "CollectionCreate", input).await;
    let id = created["collection"]["id"].as_str().unwrap();
    let change = |operation: &'static str, vars: Value| {
        let app = &app;
        async move { accepted(app, COLLECTIONS, operation, vars).await }
    };
    change(
        "CollectionAddProducts",
        json!({ "id": id, "productIds": [b] }),
    )
    .await;
    // Adding a member again, or removing a non-member, changes nothing and announces nothing.
    change(
        "CollectionAddProducts",
        json!({ "id": id, "productIds": [b] }),
    )
    .await;
    change(
        "CollectionRemoveProducts",
        json!({ "id": id, "productIds": [a] }),
    )
    .await;
    change(
        "CollectionRemoveProducts",
        json!({ "id": id, "productIds": [a] }),
    )
    .await;
    change(
        "CollectionUpdate",
        json!({ "id": id, "input": { "title": "Renamed" } }),
    )
    .await;
    change("CollectionDelete", json!({ "id": id })).await;

    let events = since(&app, at).await;
    let expected = [
        "collections/create",
        "collections/update",
        "collections/update",
        "collections/update",
        "collections/delete",
    ];
    assert_eq!(topics(&events), expected.map(|topic| (topic, id)).to_vec());
    assert_eq!(events[0].payload["title"], "Outboxed");
    assert_eq!(events[0].payload["handle"], "outboxed");
    assert_eq!(events[3].payload["title"], "Renamed");
    assert_eq!(events[4].payload, json!({ "id": id }));
}

async fn a_refused_catalog_write_announces_nothing(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let product = app.create_product(sized_product("Existing", "EX")).await;
    let id = product["id"].as_str().unwrap();
    let at = mark(&app).await;

    let mut taken_handle = sized_product("Another", "AN");
    taken_handle["handle"] = json!("existing");
    refused(
        &app,
        PRODUCT_CREATE,
        "ProductCreate",
        json!({ "input": taken_handle }),
    )
    .await;
    // The first variant's stock and its event were written before the SKU clashed: rolled back.
    let mut taken_sku = sized_product("Fresh", "FR");
    taken_sku["variants"][2]["sku"] = json!("EX-L");
    refused(
        &app,
        PRODUCT_CREATE,
        "ProductCreate",
        json!({ "input": taken_sku }),
    )
    .await;
    let vars = json!({ "id": id, "input": { "title": " " } });
    refused(&app, PRODUCT_UPDATE, "ProductUpdate", vars).await;
    let vars = json!({ "productId": id, "variantsIds": ids_of(&product) });
    refused(&app, VARIANTS, "VariantsBulkDelete", vars).await;
    let unknown = ids::encode(GidKind::Product, Uuid::now_v7());
    let input = json!({ "input": { "title": "Nowhere", "products": [unknown] } });
    refused(&app, COLLECTIONS, "CollectionCreate", input).await;

    assert!(since(&app, at).await.is_empty());
}
