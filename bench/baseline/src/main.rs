//! The baseline of the load benchmarks (`bench/cart.sh`, `bench/checkout.sh`): a plain axum server
//! that answers every request with the same small JSON body, doing no work. Driven by the same
//! load generator with the same connections as Vitrine, it shows what this machine's HTTP stack
//! costs on its own, so a figure for Vitrine reads as a fraction of it. It must stay this trivial:
//! the only choice, made once at startup, is which benchmark's answer the fixed body imitates, so
//! that benchmark's wrk script accepts it.
//!
//!     baseline 127.0.0.1:8081            # a cartLinesAdd answer
//!     baseline 127.0.0.1:8081 checkout   # a cartComplete answer

use axum::{Json, Router};
use serde_json::{Value, json};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let address = args.next().unwrap_or_else(|| "127.0.0.1:8081".to_string());
    let body = match args.next().as_deref() {
        Some("checkout") => checkout_answer(),
        _ => cart_answer(),
    };
    let listener = tokio::net::TcpListener::bind(&address).await?;
    println!("baseline listening on http://{}", listener.local_addr()?);
    // Any path and method: the benchmark posts to the GraphQL path, and that is all it needs.
    let app = Router::new().fallback(move || {
        let body = body.clone();
        async move { Json(body) }
    });
    axum::serve(listener, app).await
}

/// Shaped and sized like a `cartLinesAdd` answer.
fn cart_answer() -> Value {
    json!({ "data": { "cartLinesAdd": {
        "cart": { "id": "gid://shopify/Cart/0", "totalQuantity": 1 },
        "userErrors": [],
        "warnings": []
    } } })
}

/// Shaped and sized like the `cartComplete` answer `bench/checkout.sh` asks for.
fn checkout_answer() -> Value {
    json!({
        "data": { "cartComplete": {
            "order": {
                "id": "gid://shopify/Order/00000000-0000-0000-0000-000000000000",
                "name": "#1001",
                "totalPrice": { "amount": "10.00", "currencyCode": "USD" }
            },
            "orderAccessToken": "00000000000000000000000000000000",
            "userErrors": []
        } },
        "extensions": { "cost": { "maxCost": 500000, "requestedQueryCost": 12 } }
    })
}
