//! Paging through product lists the Relay way: forward and backward, sorted, never skipping or
//! repeating a product while the catalog changes, and at most 250 per page.

use serde_json::{Value, json};

use crate::helpers::{As, collection_of, sized_product, spawn_app};

const PRODUCTS: &str = include_str!("../../schema/operations/storefront/products.graphql");
const COLLECTION: &str =
    include_str!("../../schema/operations/storefront/collection_products.graphql");

#[tokio::test]
async fn a_collection_pages_forward_and_backward() {
    let app = spawn_app().await;
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

#[tokio::test]
async fn sorting_by_price_orders_by_the_lowest_variant_price() {
    let app = spawn_app().await;
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

#[tokio::test]
async fn pages_neither_skip_nor_repeat_products_while_the_catalog_changes() {
    let app = spawn_app().await;
    for title in ["Alpha", "Charlie", "Echo", "Golf"] {
        app.create_product(sized_product(title, title)).await;
    }
    let page = |after: Value| {
        app.storefront(
            PRODUCTS,
            json!({ "first": 2, "after": after, "sortKey": "TITLE" }),
        )
    };
    let handles = |data: &Value| {
        data["products"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["handle"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
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

#[tokio::test]
async fn more_than_250_per_page_is_a_bad_user_input_error() {
    let app = spawn_app().await;
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
