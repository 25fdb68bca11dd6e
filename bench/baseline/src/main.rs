//! The baseline of the load benchmarks (`bench/cart.sh`): a plain axum server that answers every
//! request with the same small JSON body, doing no work. Driven by the same load generator with the
//! same connections as Vitrine, it shows what this machine's HTTP stack costs on its own, so a
//! figure for Vitrine reads as a fraction of it. It must stay this trivial.
//!
//!     baseline 127.0.0.1:8081

use axum::{Json, Router};
use serde_json::{Value, json};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let address = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8081".to_string());
    let listener = tokio::net::TcpListener::bind(&address).await?;
    println!("baseline listening on http://{}", listener.local_addr()?);
    // Any path and method: the benchmark posts to the GraphQL path, and that is all it needs.
    let app = Router::new().fallback(answer);
    axum::serve(listener, app).await
}

/// The fixed answer, shaped and sized like a `cartLinesAdd` answer.
async fn answer() -> Json<Value> {
    Json(json!({ "data": { "cartLinesAdd": {
        "cart": { "id": "gid://shopify/Cart/0", "totalQuantity": 1 },
        "userErrors": [],
        "warnings": []
    } } }))
}
