//! The pages' templates (`templates/checkout/*.html`, askama: compiled, type-checked, and
//! HTML-escaped by default) and turning one into a response.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::form::FormView;
use super::summary::Summary;

/// The form and the order summary.
#[derive(Template)]
#[template(path = "checkout/page.html")]
pub struct PayPage<'a> {
    pub store: &'a str,
    pub action: &'a str,
    pub summary: &'a Summary,
    pub form: &'a FormView,
}

/// The order confirmation.
#[derive(Template)]
#[template(path = "checkout/thank_you.html")]
pub struct ThankYouPage<'a> {
    pub store: &'a str,
    /// `#1001`.
    pub order_name: &'a str,
    pub status: &'a str,
    pub email: &'a str,
    pub address: &'a [String],
    pub summary: &'a Summary,
}

/// A payment under way: checks again by itself.
#[derive(Template)]
#[template(path = "checkout/processing.html")]
pub struct ProcessingPage<'a> {
    pub store: &'a str,
    pub check_url: &'a str,
    pub refresh_seconds: u32,
}

/// A page that only says something: not found, expired, an error.
#[derive(Template)]
#[template(path = "checkout/message.html")]
pub struct MessagePage<'a> {
    pub store: &'a str,
    pub title: &'a str,
    pub body: &'a str,
}

/// `template` rendered as an HTML response with `status`.
pub fn respond(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(err) => {
            tracing::error!(error = %err, "a checkout page failed to render");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Html("<!doctype html><title>Error</title><p>Something went wrong.</p>"),
            )
                .into_response()
        }
    }
}
