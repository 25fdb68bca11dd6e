//! Product pictures the browser can load: a small HTTP server on 127.0.0.1 that answers every
//! path with one SVG, so the screenshots show lines with their images without any network.

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use tokio::net::TcpListener;

const PICTURE: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 128 128">
<rect width="128" height="128" fill="#dbe7f5"/>
<path d="M40 30 L56 22 Q64 30 72 22 L88 30 L100 50 L86 56 L86 104 L42 104 L42 56 L28 50 Z" fill="#0b4f9c"/>
</svg>"##;

/// Starts the server; returns its address (`http://127.0.0.1:<port>`).
pub async fn serve() -> String {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port for pictures");
    let address = format!("http://{}", listener.local_addr().expect("its address"));
    let router = Router::new().fallback(get(picture));
    tokio::spawn(async move { axum::serve(listener, router).await });
    address
}

async fn picture() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "image/svg+xml")], PICTURE)
}
