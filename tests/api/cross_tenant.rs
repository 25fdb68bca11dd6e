//! RELIABILITY.md T19, the cross-tenant ID sweep, driven by the schema: for every root field
//! (query and mutation) and every place in its arguments that takes an `ID` (input objects
//! included), store B calls it with each of store A's IDs, and the answer must be exactly the
//! answer for an ID that exists nowhere, so B learns nothing, not even that A's object exists.
//! Afterwards A's objects are as they were. Run with B's admin token and B's storefront token.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::helpers::{As, TestApp, create_store, sized_product, spawn_app};
use vitrine::stores::CreatedStore;

const INTROSPECTION: &str = r#"
fragment Ref on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } }
query Sweep {
  __schema {
    queryType { name }
    mutationType { name }
    types {
      kind name
      fields { name args { name type { ...Ref } } type { ...Ref } }
      inputFields { name type { ...Ref } }
      enumValues { name }
    }
  }
}"#;

/// The IDs of one store's objects, by gid type.
type Fixtures = BTreeMap<&'static str, Vec<String>>;

async fn fixtures(app: &TestApp, store: &CreatedStore, name: &str) -> Fixtures {
    let as_admin = |document: &'static str, operation: &'static str, variables: Value| async move {
        let (_, body) = app
            .request(As::Admin(store), document, Some(operation), variables)
            .await;
        assert!(body.get("errors").is_none(), "{body}");
        body["data"].clone()
    };
    let subscription = as_admin(
        crate::webhooks::WEBHOOKS,
        "WebhookSubscriptionCreate",
        json!({
            "topic": "PRODUCTS_CREATE",
            "webhookSubscription": { "callbackUrl": format!("http://127.0.0.1:9/{name}") }
        }),
    )
    .await["webhookSubscriptionCreate"]["webhookSubscription"]["id"]
        .clone();
    let product = as_admin(
        crate::helpers::PRODUCT_CREATE,
        "ProductCreate",
        json!({ "input": sized_product(&format!("{name} Tee"), name) }),
    )
    .await["productCreate"]["product"]
        .clone();
    let variants: Vec<String> = product["variants"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_string())
        .collect();
    let collection = as_admin(
        include_str!("../../schema/operations/admin/collections.graphql"),
        "CollectionCreate",
        json!({ "input": { "title": format!("{name} Picks"), "products": [product["id"]] } }),
    )
    .await["collectionCreate"]["collection"]["id"]
        .clone();
    let page = as_admin(
        include_str!("../../schema/operations/admin/content.graphql"),
        "PageCreate",
        json!({ "input": { "title": format!("{name} About"), "body": "<p>hi</p>" } }),
    )
    .await["pageCreate"]["page"]["id"]
        .clone();
    let (_, body) = app
        .request(
            As::Storefront(store),
            crate::carts::CART,
            Some("CartCreate"),
            json!({ "input": { "lines": [{ "merchandiseId": variants[0], "quantity": 1 }] } }),
        )
        .await;
    let cart = &body["data"]["cartCreate"]["cart"];
    let order = placed_order(app, store, &variants[2]).await;
    let text = |v: &Value| v.as_str().expect("an id").to_string();
    let delivery = first_delivery(app, store, &text(&subscription)).await;
    BTreeMap::from([
        ("WebhookSubscription", vec![text(&subscription)]),
        ("WebhookDelivery", vec![delivery]),
        ("Product", vec![text(&product["id"])]),
        ("ProductVariant", variants),
        ("Collection", vec![text(&collection)]),
        ("Page", vec![text(&page)]),
        ("Cart", vec![text(&cart["id"])]),
        ("CartLine", vec![text(&cart["lines"]["nodes"][0]["id"])]),
        ("Order", vec![order]),
    ])
}

/// The id of the first delivery the relay makes for `subscription`.
async fn first_delivery(app: &TestApp, store: &CreatedStore, subscription: &str) -> String {
    for _ in 0..500 {
        let log = crate::webhooks::deliveries_of(app, store, subscription).await;
        if let Some(delivery) = log.last() {
            return delivery["id"].as_str().unwrap().to_string();
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("the relay made no delivery for {subscription}");
}

/// A store's paid order of one unit of `variant`; returns its id.
async fn placed_order(app: &TestApp, store: &CreatedStore, variant: &str) -> String {
    let (_, body) = app
        .request(
            As::Storefront(store),
            crate::carts::CART,
            Some("CartCreate"),
            json!({ "input": { "lines": [{ "merchandiseId": variant, "quantity": 1 }] } }),
        )
        .await;
    let cart = body["data"]["cartCreate"]["cart"]["id"].clone();
    let variables = json!({
        "cartId": cart,
        "idempotencyKey": Uuid::now_v7().to_string(),
        "input": crate::checkout::input("tok_visa"),
    });
    let (_, body) = app
        .request(
            As::Storefront(store),
            crate::checkout::CHECKOUT,
            Some("CartComplete"),
            variables,
        )
        .await;
    let payload = &body["data"]["cartComplete"];
    assert_eq!(payload["userErrors"], json!([]), "{body}");
    payload["order"]["id"]
        .as_str()
        .expect("an order")
        .to_string()
}

/// An ID of `kind` that exists nowhere.
fn unknown(kind: &str) -> String {
    match kind {
        "Cart" => format!("gid://shopify/Cart/{}", Uuid::now_v7().simple()),
        other => format!("gid://shopify/{other}/{}", Uuid::now_v7()),
    }
}

struct Schema {
    types: BTreeMap<String, Value>,
}

/// How many input objects deep optional ID-holding parts are filled.
const INPUT_DEPTH: usize = 3;

impl Schema {
    fn named(&self, reference: &Value) -> (String, &Value) {
        let mut current = reference;
        while current["name"].is_null() {
            assert!(
                !current["ofType"].is_null(),
                "a type reference deeper than the introspection's `Ref` reads: {reference}"
            );
            current = &current["ofType"];
        }
        let name = current["name"].as_str().unwrap().to_string();
        let ty = &self.types[&name];
        (name, ty)
    }

    /// Whether a value of this type reference holds an `ID` somewhere.
    fn holds_id(&self, reference: &Value, depth: usize) -> bool {
        let (name, ty) = self.named(reference);
        if name == "ID" {
            return true;
        }
        depth > 0
            && ty["kind"] == "INPUT_OBJECT"
            && ty["inputFields"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| self.holds_id(&f["type"], depth - 1))
    }

    /// A value for `reference`: required parts and parts holding IDs, IDs from `id`. Optional
    /// parts are filled `INPUT_DEPTH` input objects deep at most, so that a recursive input (a
    /// menu item's items) ends.
    fn value(&self, reference: &Value, path: &str, id: &mut dyn FnMut(&str) -> String) -> Value {
        self.value_within(reference, path, id, INPUT_DEPTH)
    }

    fn value_within(
        &self,
        reference: &Value,
        path: &str,
        id: &mut dyn FnMut(&str) -> String,
        depth: usize,
    ) -> Value {
        match reference["kind"].as_str().unwrap() {
            "NON_NULL" => self.value_within(&reference["ofType"], path, id, depth),
            "LIST" => {
                json!([self.value_within(&reference["ofType"], &format!("{path}.0"), id, depth)])
            }
            _ => {
                let (name, ty) = self.named(reference);
                match (ty["kind"].as_str().unwrap(), name.as_str()) {
                    (_, "ID") => json!(id(path)),
                    (_, "Int") => json!(1),
                    (_, "Float") => json!(1.0),
                    (_, "Boolean") => json!(false),
                    (_, "Decimal") => json!("1.00"),
                    (_, "URL") => json!("https://cdn.example.test/x.jpg"),
                    (_, "CountryCode") => json!("US"),
                    ("ENUM", _) => ty["enumValues"][0]["name"].clone(),
                    ("INPUT_OBJECT", _) => {
                        let mut object = Map::new();
                        for field in ty["inputFields"].as_array().unwrap() {
                            let required = field["type"]["kind"] == "NON_NULL";
                            let wanted = depth > 0 && self.holds_id(&field["type"], 3);
                            if required || wanted {
                                let name = field["name"].as_str().unwrap();
                                let at = format!("{path}.{name}");
                                let inner = depth.saturating_sub(1);
                                let value = self.value_within(&field["type"], &at, id, inner);
                                object.insert(name.into(), value);
                            }
                        }
                        Value::Object(object)
                    }
                    _ => json!("x"),
                }
            }
        }
    }

    /// Every scalar field without required arguments, and `__typename` of every object field,
    /// `depth` levels down.
    fn selection(&self, reference: &Value, depth: usize) -> String {
        let (_, ty) = self.named(reference);
        let mut parts = vec!["__typename".to_string()];
        if let Some(fields) = ty["fields"].as_array().filter(|_| depth > 0) {
            for field in fields {
                let needs_args = field["args"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|a| a["type"]["kind"] == "NON_NULL");
                if needs_args {
                    continue;
                }
                let (_, inner) = self.named(&field["type"]);
                let name = field["name"].as_str().unwrap();
                match inner["kind"].as_str().unwrap() {
                    "SCALAR" | "ENUM" => parts.push(name.to_string()),
                    _ => parts.push(format!(
                        "{name} {{ {} }}",
                        self.selection(&field["type"], depth - 1)
                    )),
                }
            }
        }
        parts.join(" ")
    }
}

/// One call of a root field: the document and its variables.
fn call(
    schema: &Schema,
    operation: &str,
    field: &Value,
    id: &mut dyn FnMut(&str) -> String,
) -> (String, Value) {
    let name = field["name"].as_str().unwrap();
    let mut declared = Vec::new();
    let mut passed = Vec::new();
    let mut variables = Map::new();
    for arg in field["args"].as_array().unwrap() {
        let required = arg["type"]["kind"] == "NON_NULL";
        if !required && !schema.holds_id(&arg["type"], 3) {
            continue;
        }
        let arg_name = arg["name"].as_str().unwrap();
        declared.push(format!("${arg_name}: {}", type_name(&arg["type"])));
        passed.push(format!("{arg_name}: ${arg_name}"));
        variables.insert(arg_name.into(), schema.value(&arg["type"], arg_name, id));
    }
    let declared = if declared.is_empty() {
        String::new()
    } else {
        format!("({})", declared.join(", "))
    };
    let passed = if passed.is_empty() {
        String::new()
    } else {
        format!("({})", passed.join(", "))
    };
    let selection = schema.selection(&field["type"], 2);
    (
        format!("{operation} Sweep{declared} {{ {name}{passed} {{ {selection} }} }}"),
        Value::Object(variables),
    )
}

fn type_name(reference: &Value) -> String {
    match reference["kind"].as_str().unwrap() {
        "NON_NULL" => format!("{}!", type_name(&reference["ofType"])),
        "LIST" => format!("[{}]", type_name(&reference["ofType"])),
        _ => reference["name"].as_str().unwrap().to_string(),
    }
}

/// The ID positions of a root field's arguments, as paths like `lines.0.merchandiseId`.
fn id_positions(schema: &Schema, operation: &str, field: &Value) -> Vec<String> {
    let mut positions = Vec::new();
    call(schema, operation, field, &mut |path| {
        positions.push(path.to_string());
        String::new()
    });
    positions
}

/// What A's objects look like to A: read before and after the sweep.
async fn a_view(app: &TestApp, a: &Fixtures) -> Value {
    let mut seen = Vec::new();
    for ids in a.values() {
        for id in ids {
            let document = if id.contains("/Cart/") {
                "query($id: ID!) { cart(id: $id) { id totalQuantity note lines(first: 10) { nodes { id quantity } } } }"
            } else if id.contains("/WebhookSubscription/") {
                "query($id: ID!) { webhookSubscription(id: $id) { id topic callbackUrl } }"
            } else if id.contains("/WebhookDelivery/") {
                continue;
            } else if id.contains("/Order/") {
                "query($id: ID!) { order(id: $id) { id status financialStatus trackingNumber payments { status } } }"
            } else {
                "query($id: ID!) { node(id: $id) { id ... on Product { title handle variants(first: 10) { nodes { id price { amount } } } } ... on Collection { title products(first: 10) { nodes { id } } } ... on Page { title body } } }"
            };
            let (_, body) = app
                .request(As::Admin(&app.store), document, None, json!({ "id": id }))
                .await;
            seen.push(body);
        }
    }
    json!(seen)
}

#[tokio::test]
async fn store_b_learns_nothing_from_store_a_ids_in_any_field() {
    let app = spawn_app().await;
    let a = fixtures(&app, &app.store, "A").await;
    let b_store = create_store(&app.database, "Store B").await;
    let b = fixtures(&app, &b_store, "B").await;
    let before = a_view(&app, &a).await;

    let (_, body) = app
        .request(As::Admin(&b_store), INTROSPECTION, None, json!({}))
        .await;
    let raw = &body["data"]["__schema"];
    let schema = Schema {
        types: raw["types"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| (t["name"].as_str().unwrap().to_string(), t.clone()))
            .collect(),
    };
    let mut checked = 0;
    let mut fields_swept = Vec::new();
    for (operation, root) in [
        ("query", &raw["queryType"]["name"]),
        ("mutation", &raw["mutationType"]["name"]),
    ] {
        let root = &schema.types[root.as_str().unwrap()];
        for field in root["fields"].as_array().unwrap() {
            let positions = id_positions(&schema, operation, field);
            if positions.is_empty() {
                continue;
            }
            fields_swept.push(field["name"].as_str().unwrap().to_string());
            for target in &positions {
                for (kind, ids) in &a {
                    for foreign in ids {
                        let fill = |path: &str, at_target: &str| {
                            if path == target {
                                at_target.to_string()
                            } else {
                                b.get(kind)
                                    .map(|own| own[0].clone())
                                    .unwrap_or_else(|| unknown(kind))
                            }
                        };
                        let (document, with_foreign) =
                            call(&schema, operation, field, &mut |p| fill(p, foreign));
                        let nowhere = unknown(kind);
                        let (_, with_unknown) =
                            call(&schema, operation, field, &mut |p| fill(p, &nowhere));
                        for who in [As::Admin(&b_store), As::Storefront(&b_store)] {
                            let (status_f, answer_f) = app
                                .request(who, &document, None, with_foreign.clone())
                                .await;
                            let (status_u, answer_u) = app
                                .request(who, &document, None, with_unknown.clone())
                                .await;
                            assert_eq!(status_f, status_u, "{document} {with_foreign}");
                            assert_eq!(
                                normalized(answer_f, foreign, &nowhere),
                                normalized(answer_u, foreign, &nowhere),
                                "{document}\nA's id {foreign} at {target} differs from an unknown id"
                            );
                            checked += 1;
                        }
                    }
                }
            }
        }
    }
    println!(
        "T19 sweep: {checked} calls over {} fields: {fields_swept:?}",
        fields_swept.len()
    );
    for expected in [
        "cart",
        "node",
        "nodes",
        "product",
        "cartLinesAdd",
        "cartLinesUpdate",
        "productUpdate",
        "inventorySetQuantities",
        "webhookSubscriptionUpdate",
        "webhookSubscriptionDelete",
        "webhookDeliveryRetry",
    ] {
        assert!(
            fields_swept.iter().any(|f| f == expected),
            "{expected} was swept"
        );
    }
    assert_eq!(
        a_view(&app, &a).await,
        before,
        "store A's objects are untouched"
    );
}

/// An answer with the ID it was given written the same way, so echoes of the input compare equal.
fn normalized(answer: Value, foreign: &str, nowhere: &str) -> String {
    answer
        .to_string()
        .replace(foreign, "<id>")
        .replace(nowhere, "<id>")
}
