//! Paging through product lists the Relay way: forward and backward, sorted, never skipping or
//! repeating a product while the catalog changes, and at most 250 per page. On PostgreSQL and
//! SQLite.

use serde_json::{Value, json};

use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};

use crate::helpers::{As, Backend, TestApp, collection_of, sized_product, spawn_app_on};

const PRODUCTS: &str = include_str!("../../schema/operations/storefront/products.graphql");
const COLLECTION: &str =
    include_str!("../../schema/operations/storefront/collection_products.graphql");

async fn a_collection_pages_forward_and_backward(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let mut products = Vec::new();
    for n in 0..5 {
        products.push(
            app.create_product(sized_product(&format!("Tee {n}"), &format!("T{n}")))
                .await,
        );
    }
    let handle = collection_of(&app, "All Tees", &products).await;

    let first = app
        .storefront(COLLECTION, json!({ "handle": handle, "first": 2 }))
        .await;
    let page = &first["collection"]["products"];
    let titles = |page: &Value| {
        page["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["title"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(titles(page), vec!["Tee 0", "Tee 1"], "manual order");
    assert_eq!(page["pageInfo"]["hasNextPage"], true);
    assert_eq!(page["pageInfo"]["hasPreviousPage"], false);

    let after = page["pageInfo"]["endCursor"].clone();
    let second = app
        .storefront(
            COLLECTION,
            json!({ "handle": handle, "first": 10, "after": after }),
        )
        .await;
    assert_eq!(
        titles(&second["collection"]["products"]),
        vec!["Tee 2", "Tee 3", "Tee 4"]
    );
    assert_eq!(
        second["collection"]["products"]["pageInfo"]["hasNextPage"],
        false
    );
    assert_eq!(
        second["collection"]["products"]["pageInfo"]["hasPreviousPage"],
        true
    );

    let last = app
        .storefront(COLLECTION, json!({ "handle": handle, "last": 2 }))
        .await;
    assert_eq!(
        titles(&last["collection"]["products"]),
        vec!["Tee 3", "Tee 4"]
    );
    let before = last["collection"]["products"]["pageInfo"]["startCursor"].clone();
    let earlier = app
        .storefront(
            COLLECTION,
            json!({ "handle": handle, "last": 2, "before": before }),
        )
        .await;
    assert_eq!(
        titles(&earlier["collection"]["products"]),
        vec!["Tee 1", "Tee 2"]
    );

    let by_title = app
        .storefront(
            COLLECTION,
            json!({ "handle": handle, "first": 1, "sortKey": "TITLE", "reverse": true }),
        )
        .await;
    assert_eq!(titles(&by_title["collection"]["products"]), vec!["Tee 4"]);
}

async fn sorting_by_price_orders_by_the_lowest_variant_price(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let mut products = Vec::new();
    for (title, price) in [("Mid", "20.00"), ("Cheap", "5.00"), ("Dear", "90.00")] {
        let mut input = sized_product(title, title);
        input["variants"][0]["price"] = json!(price);
        input["variants"][1]["price"] = json!("95.00");
        input["variants"][2]["price"] = json!("99.00");
        products.push(app.create_product(input).await);
    }
    let handle = collection_of(&app, "Priced", &products).await;
    for (reverse, expected) in [
        (false, ["Cheap", "Mid", "Dear"]),
        (true, ["Dear", "Mid", "Cheap"]),
    ] {
        let data = app
            .storefront(
                COLLECTION,
                json!({ "handle": handle, "first": 10, "sortKey": "PRICE", "reverse": reverse }),
            )
            .await;
        let titles: Vec<&str> = data["collection"]["products"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["title"].as_str().unwrap())
            .collect();
        assert_eq!(titles, expected, "reverse: {reverse}");
    }
}

async fn pages_neither_skip_nor_repeat_products_while_the_catalog_changes(backend: Backend) {
    let app = spawn_app_on(backend).await;
    for title in ["Alpha", "Charlie", "Echo", "Golf"] {
        app.create_product(sized_product(title, title)).await;
    }
    let page = |after: Value| {
        app.storefront(
            PRODUCTS,
            json!({ "first": 2, "after": after, "sortKey": "TITLE" }),
        )
    };
    let first = page(Value::Null).await;
    assert_eq!(handles(&first), ["alpha", "charlie"]);

    // Two products land before the cursor and one after it while the shopper reads page one.
    for title in ["Bravo", "Beta", "Foxtrot"] {
        app.create_product(sized_product(title, title)).await;
    }
    let second = page(first["products"]["pageInfo"]["endCursor"].clone()).await;

    assert_eq!(handles(&second), ["echo", "foxtrot"], "no repeat, no skip");
    assert_eq!(second["products"]["pageInfo"]["hasPreviousPage"], true);
    let third = page(second["products"]["pageInfo"]["endCursor"].clone()).await;
    assert_eq!(handles(&third), ["golf"]);
    assert_eq!(third["products"]["pageInfo"]["hasNextPage"], false);
}

async fn more_than_250_per_page_is_a_bad_user_input_error(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let (status, body) = app
        .request(
            As::Storefront(&app.store),
            PRODUCTS,
            None,
            json!({ "first": 251 }),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
}

/// Bounds every walk through pages, so a cursor that goes nowhere fails instead of hanging.
const PAGES_AT_MOST: usize = 10;

/// Sets a product's units sold, as completed checkouts will.
async fn sell(app: &TestApp, handle: &str, units: i64) {
    let update = Query::update()
        .table(Alias::new("products"))
        .value(Alias::new("units_sold"), units)
        .and_where(Expr::col(Alias::new("handle")).eq(handle))
        .to_owned();
    let tx = app.database.begin().await.unwrap();
    tx.execute(&update).await.unwrap();
    tx.commit().await.unwrap();
}

fn handles(data: &Value) -> Vec<String> {
    data["products"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["handle"].as_str().unwrap().to_string())
        .collect()
}

async fn best_sellers_come_first_and_page_both_ways(backend: Backend) {
    let app = spawn_app_on(backend).await;
    for (title, sold) in [
        ("Ann", 30),
        ("Bea", 10),
        ("Cid", 50),
        ("Dee", 10),
        ("Eve", 0),
    ] {
        app.create_product(sized_product(title, title)).await;
        sell(&app, &title.to_lowercase(), sold).await;
    }
    let page = |args: Value| {
        let mut variables = json!({ "sortKey": "BEST_SELLING" });
        variables
            .as_object_mut()
            .unwrap()
            .extend(args.as_object().unwrap().clone());
        app.storefront(PRODUCTS, variables)
    };
    let all = page(json!({ "first": 10 })).await;
    let order = handles(&all);
    assert_eq!(order[..2], ["cid", "ann"], "{backend:?}");
    assert_eq!(order[4], "eve");
    let ties: Vec<&str> = order[2..4].iter().map(String::as_str).collect();
    assert!(ties == ["dee", "bea"] || ties == ["bea", "dee"]);

    let mut forward = Vec::new();
    let mut after = Value::Null;
    for _ in 0..PAGES_AT_MOST {
        let data = page(json!({ "first": 2, "after": after })).await;
        forward.extend(handles(&data));
        if data["products"]["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = data["products"]["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(forward, order, "{backend:?}: forward pages");

    let mut backward = Vec::new();
    let mut before = Value::Null;
    for _ in 0..PAGES_AT_MOST {
        let data = page(json!({ "last": 2, "before": before })).await;
        let mut chunk = handles(&data);
        chunk.extend(backward);
        backward = chunk;
        if data["products"]["pageInfo"]["hasPreviousPage"] == false {
            break;
        }
        before = data["products"]["pageInfo"]["startCursor"].clone();
        // A product that sells nothing lands behind the cursor while the shopper pages back.
        app.create_product(sized_product(
            &format!("Late {}", backward.len()),
            &format!("LT{}", backward.len()),
        ))
        .await;
    }
    assert_eq!(
        backward, order,
        "{backend:?}: backward pages, with writes in between"
    );

    let (_, foreign) = app
        .request(
            As::Storefront(&app.store),
            PRODUCTS,
            None,
            json!({ "first": 2, "after": all["products"]["pageInfo"]["startCursor"], "sortKey": "PRICE" }),
        )
        .await;
    assert_eq!(
        foreign["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{foreign}"
    );
}

async fn newest_first_pages_by_creation_time(backend: Backend) {
    let app = spawn_app_on(backend).await;
    for title in ["One", "Two", "Three", "Four", "Five"] {
        app.create_product(sized_product(title, title)).await;
    }
    let mut seen = Vec::new();
    let mut after = Value::Null;
    for _ in 0..PAGES_AT_MOST {
        let data = app
            .storefront(
                PRODUCTS,
                json!({ "first": 2, "after": after, "sortKey": "CREATED_AT", "reverse": true }),
            )
            .await;
        seen.extend(handles(&data));
        if data["products"]["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = data["products"]["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(seen, ["five", "four", "three", "two", "one"], "{backend:?}");
}

crate::on_both_backends!(
    a_collection_pages_forward_and_backward,
    sorting_by_price_orders_by_the_lowest_variant_price,
    pages_neither_skip_nor_repeat_products_while_the_catalog_changes,
    more_than_250_per_page_is_a_bad_user_input_error,
    best_sellers_come_first_and_page_both_ways,
    newest_first_pages_by_creation_time,
);
