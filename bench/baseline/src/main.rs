//! The baseline of the load benchmarks (`bench/cart.sh`, `bench/checkout.sh`, `bench/edge.sh`): a
//! plain axum server that answers every request with the same JSON body, serialized once, doing
//! no work. Driven by the same load generator with the same connections as Vitrine, it shows what
//! this machine's HTTP stack costs on its own, so a figure for Vitrine reads as a fraction of it.
//! It must stay this trivial: the only choice, made once at startup, is which benchmark's answer
//! the fixed body imitates, so that benchmark's wrk script accepts it.
//!
//!     baseline 127.0.0.1:8081            # a cartLinesAdd answer
//!     baseline 127.0.0.1:8081 checkout   # a cartComplete answer
//!     baseline 127.0.0.1:8081 edge       # a product page of exactly 3 KB (3,072 bytes)

use axum::Router;
use axum::body::Bytes;
use axum::http::header;
use serde_json::{Value, json};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let address = args.next().unwrap_or_else(|| "127.0.0.1:8081".to_string());
    let body = match args.next().as_deref() {
        Some("checkout") => checkout_answer(),
        Some("edge") => product_page_answer(EDGE_BODY_BYTES),
        _ => cart_answer(),
    };
    // Serialized once: the body is fixed, so no request pays for encoding it.
    let body = Bytes::from(body.to_string());
    let listener = tokio::net::TcpListener::bind(&address).await?;
    println!("baseline listening on http://{}", listener.local_addr()?);
    // Any path and method: the benchmarks post (or, for edge.sh, GET) to the GraphQL path, and
    // that is all they need.
    let app = Router::new().fallback(move || {
        let body = body.clone();
        async move { ([(header::CONTENT_TYPE, "application/json")], body) }
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

/// The size of `bench/edge.sh`'s answer: about a cached product page's.
const EDGE_BODY_BYTES: usize = 3 * 1024;

/// Shaped like a `product` answer and padded (in its description) to exactly `bytes` bytes of
/// JSON, so the baseline moves as many bytes per request as a cached page does.
fn product_page_answer(bytes: usize) -> Value {
    let page = |description: String| {
        json!({ "data": { "product": {
            "id": "gid://shopify/Product/00000000-0000-0000-0000-000000000000",
            "handle": "baseline-tee",
            "title": "Baseline Tee",
            "availableForSale": true,
            "description": description,
            "priceRange": {
                "minVariantPrice": { "amount": "10.0", "currencyCode": "USD" },
                "maxVariantPrice": { "amount": "10.0", "currencyCode": "USD" }
            },
            "tags": ["bench"]
        } } })
    };
    let unpadded = page(String::new()).to_string().len();
    page("x".repeat(bytes.saturating_sub(unpadded)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_edge_answer_is_exactly_3_kb() {
        assert_eq!(product_page_answer(EDGE_BODY_BYTES).to_string().len(), 3072);
    }
}
