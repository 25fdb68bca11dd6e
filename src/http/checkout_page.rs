//! The hosted checkout page at a cart's `checkoutUrl`: server-rendered HTML, no JavaScript.
//!
//! - `GET /checkouts/{token}`: the cart's lines, images and totals, and a form for the email,
//!   shipping address and card; a completed cart redirects to its confirmation, a payment under
//!   way shows a page that checks again by itself, an expired or unknown link a clear page.
//! - `POST /checkouts/{token}`: pays (`submit`), through the same `Checkout::complete` as
//!   `cartComplete`, so a form submitted twice makes one order.
//! - `GET /checkouts/{token}/thank-you`: the order's number, status, address and lines.
//!
//! The link's token finds the cart and so the store (`lookup`), whatever the `Host`. Nothing here
//! prices or checks out on its own: it reads through the domain and renders. Every answer is
//! `Cache-Control: private, no-store`, and may not be framed.

mod fields;
mod form;
mod lookup;
mod pages;
mod submit;
mod summary;
mod templates;

use axum::Router;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware;
use axum::response::Response;
use axum::routing::get;

use self::form::FormView;
use self::lookup::{Found, Stage};
use super::HttpState;

/// The page's routes.
pub fn routes() -> Router<HttpState> {
    Router::new()
        .route("/checkouts/{token}", get(show).post(pay))
        .route("/checkouts/{token}/thank-you", get(thank_you))
        .layer(middleware::map_response(private_headers))
}

/// The form, or where the checkout stands.
async fn show(State(state): State<HttpState>, Path(token): Path<String>) -> Response {
    let db = state.app.db.reader();
    match lookup::find(db, &token).await {
        Ok(Some(found)) if found.stage == Stage::Open => {
            let form = FormView::new(&found.cart);
            pages::pay(db, &found.store, &found.cart, &form, &[], StatusCode::OK).await
        }
        Ok(found) => elsewhere(found),
        Err(err) => pages::failure("Checkout", err),
    }
}

/// Pays with the submitted form.
async fn pay(
    State(state): State<HttpState>,
    Path(token): Path<String>,
    form: Result<Form<form::Submitted>, FormRejection>,
) -> Response {
    let found = match lookup::find(state.app.db.reader(), &token).await {
        // A checkout under way may be this form's first submit: paying again with the form's
        // key waits for it and answers as it did.
        Ok(Some(found)) if matches!(found.stage, Stage::Open | Stage::Paying) => found,
        Ok(found) => return elsewhere(found),
        Err(err) => return pages::failure("Checkout", err),
    };
    match form {
        Ok(Form(submitted)) => submit::pay(&state.app, found, submitted).await,
        Err(_) => pages::bad_form(&found.store),
    }
}

/// The confirmation of a completed checkout.
async fn thank_you(State(state): State<HttpState>, Path(token): Path<String>) -> Response {
    let db = state.app.db.reader();
    match lookup::find(db, &token).await {
        Ok(Some(found)) if found.stage == Stage::Completed => {
            pages::thank_you(db, &found.store, &found.cart).await
        }
        Ok(found) => elsewhere(found),
        Err(err) => pages::failure("Checkout", err),
    }
}

/// Where a link leads when the page asked for is not the one its checkout shows.
fn elsewhere(found: Option<Found>) -> Response {
    let Some(found) = found else {
        return pages::not_found();
    };
    let token = &found.cart.token;
    match found.stage {
        Stage::Open => pages::see_other(&pages::page_url(token)),
        Stage::Paying => pages::processing(&found.store, token),
        Stage::Completed => pages::see_other(&pages::thank_you_url(token)),
        Stage::Gone => pages::gone(&found.store),
    }
}

/// Pages about one shopper's cart and order: never stored by a cache, never framed by another
/// site, and their links (which carry the cart's token) never sent on as a referrer.
async fn private_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CACHE_CONTROL, "private, no-store"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; img-src http: https:; style-src 'unsafe-inline'; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}
