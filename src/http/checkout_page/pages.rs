//! Every page a checkout link answers with, as a response: the form, the confirmation, the
//! payment under way, and the clear pages for a link that leads nowhere (unknown, expired) or a
//! failure (logged, never shown).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use super::form::FormView;
use super::summary;
use super::templates::{MessagePage, PayPage, ProcessingPage, ThankYouPage, respond};
use crate::cart::Cart;
use crate::checkout::Address;
use crate::error::AppError;
use crate::orders::{self, Order};
use crate::stores::Store;

/// Seconds between the processing page's checks.
const REFRESH_SECONDS: u32 = 2;

/// The form's address: the checkout link itself.
pub fn page_url(token: &str) -> String {
    format!("/checkouts/{token}")
}

/// The confirmation's address.
pub fn thank_you_url(token: &str) -> String {
    format!("/checkouts/{token}/thank-you")
}

/// 303 See Other: after a POST the browser GETs `url`, so a reload does not submit again.
pub fn see_other(url: &str) -> Response {
    Redirect::to(url).into_response()
}

/// The form for `cart`, its lines priced for the country entered; `unavailable` lines are marked.
pub async fn pay(
    db: &impl ConnectionTrait,
    store: &Store,
    cart: &Cart,
    form: &FormView,
    unavailable: &[Uuid],
    status: StatusCode,
) -> Response {
    let summary = match summary::of_cart(db, store, cart, &form.country(), unavailable).await {
        Ok(summary) => summary,
        Err(err) => return failure(&store.name, err),
    };
    let action = page_url(&cart.token);
    let page = PayPage {
        store: &store.name,
        action: &action,
        summary: &summary,
        form,
    };
    respond(status, &page)
}

/// The confirmation of the order `cart` became.
pub async fn thank_you(db: &impl ConnectionTrait, store: &Store, cart: &Cart) -> Response {
    let order = match orders::read::of_cart(db, store, cart.id).await {
        Ok(Some(order)) => order,
        Ok(None) => {
            let missing = anyhow::anyhow!("completed cart {} has no order", cart.id);
            return failure(&store.name, AppError::Internal(missing));
        }
        Err(err) => return failure(&store.name, err),
    };
    let summary = match summary::of_order(db, store, &order).await {
        Ok(summary) => summary,
        Err(err) => return failure(&store.name, err),
    };
    let status = status_label(&order);
    let page = ThankYouPage {
        store: &store.name,
        order_name: &orders::name(&order),
        status: &status,
        email: &order.email,
        address: &address_lines(&order),
        summary: &summary,
    };
    respond(StatusCode::OK, &page)
}

/// A payment under way: the page looks at the checkout again every few seconds, and from there
/// goes on to the confirmation or back to the form.
pub fn processing(store: &Store, token: &str) -> Response {
    let page = ProcessingPage {
        store: &store.name,
        check_url: &page_url(token),
        refresh_seconds: REFRESH_SECONDS,
    };
    respond(StatusCode::OK, &page)
}

/// 410 for a cart that expired or moved into another cart.
pub fn gone(store: &Store) -> Response {
    message(
        StatusCode::GONE,
        &store.name,
        "This checkout has expired",
        "Nothing was charged. Return to the store to fill your cart again.",
    )
}

/// 404 for a link no cart answers to.
pub fn not_found() -> Response {
    message(
        StatusCode::NOT_FOUND,
        "Checkout",
        "Checkout not found",
        "This checkout link is not valid. Check the link, or return to the store.",
    )
}

/// 400 for a form this page did not send.
pub fn bad_form(store: &Store) -> Response {
    message(
        StatusCode::BAD_REQUEST,
        &store.name,
        "The form could not be read",
        "Nothing was charged. Go back to the checkout and try again.",
    )
}

/// 500: the cause goes to the log, the shopper gets a page.
pub fn failure(store: &str, err: AppError) -> Response {
    tracing::error!(error = ?err, "the checkout page failed");
    message(
        StatusCode::INTERNAL_SERVER_ERROR,
        store,
        "Something went wrong",
        "We could not show this checkout just now. Please reload the page in a moment.",
    )
}

fn message(status: StatusCode, store: &str, title: &str, body: &str) -> Response {
    respond(status, &MessagePage { store, title, body })
}

/// `confirmed` → `Confirmed`.
fn status_label(order: &Order) -> String {
    let name = orders::Status::of(order).as_str();
    let mut chars = name.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The shipping address, one line per row.
fn address_lines(order: &Order) -> Vec<String> {
    let Ok(address) = serde_json::from_value::<Address>(order.shipping_address.clone()) else {
        return Vec::new();
    };
    let name = joined(
        [address.first_name.as_deref(), Some(&address.last_name)],
        " ",
    );
    let place = joined(
        [
            Some(address.city.as_str()),
            address.province.as_deref(),
            Some(&address.zip),
        ],
        ", ",
    );
    [
        Some(name.as_str()),
        Some(&address.address1),
        address.address2.as_deref(),
        Some(&place),
        Some(&address.country_code),
        address.phone.as_deref(),
    ]
    .into_iter()
    .flatten()
    .filter(|line| !line.is_empty())
    .map(str::to_string)
    .collect()
}

/// The parts given and not empty, joined by `separator`.
fn joined<'a>(parts: impl IntoIterator<Item = Option<&'a str>>, separator: &str) -> String {
    let parts: Vec<&str> = parts
        .into_iter()
        .flatten()
        .filter(|part| !part.is_empty())
        .collect();
    parts.join(separator)
}
