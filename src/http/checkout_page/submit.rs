//! Paying: a submitted form runs the checkout `cartComplete` runs (`Checkout::complete`), under
//! the form's idempotency key, and its answer becomes a page. An order redirects to the
//! confirmation (POST-redirect-GET); a refusal the shopper can fix shows the form again with a
//! new key; a payment still under way shows the processing page.
//!
//! A form submitted twice sends its key twice. The second request finds the first still running
//! (`CheckoutInProgress`) and waits for it, asking again with the same key until the stored answer
//! comes back, so both end on the first's page. The checkout itself runs in a task of its own:
//! the browser drops the first request when the second starts, and a dropped request must not
//! stop a checkout between its phases.

use std::time::Duration;

use axum::http::StatusCode;
use axum::response::Response;
use tokio::time::Instant;
use uuid::Uuid;

use super::form::{FormView, Submitted};
use super::lookup::Found;
use super::pages;
use crate::checkout::{Checkout, Outcome, RefusalCode, Request};
use crate::error::Result;
use crate::startup::AppState;
use crate::stores::Store;

/// How long a submit waits for its twin before showing the processing page instead.
const TWIN_WAIT: Duration = Duration::from_secs(10);
/// How often it asks again meanwhile.
const TWIN_POLL: Duration = Duration::from_millis(100);

/// Pays for the checkout `found` with the `submitted` form.
pub async fn pay(app: &AppState, found: Found, submitted: Submitted) -> Response {
    let Found { store, cart, .. } = found;
    let db = app.db.reader();
    let Some(idempotency_key) = submitted.idempotency_key() else {
        return pages::bad_form(&store);
    };
    let request = Request {
        cart_token: cart.token.clone(),
        idempotency_key,
        input: submitted.input(),
    };
    let outcome = match complete_waiting(&app.checkout, &store, request).await {
        Ok(outcome) => outcome,
        Err(err) => return pages::failure(&store.name, err),
    };
    let Some(first) = outcome.refusals.first() else {
        return pages::see_other(&pages::thank_you_url(&cart.token));
    };
    match first.code {
        RefusalCode::CartAlreadyCompleted => pages::see_other(&pages::thank_you_url(&cart.token)),
        RefusalCode::CheckoutInProgress | RefusalCode::PaymentPending => {
            pages::processing(&store, &cart.token)
        }
        RefusalCode::CartExpired => pages::gone(&store),
        RefusalCode::Invalid
        | RefusalCode::PaymentDeclined
        | RefusalCode::PaymentFailed
        | RefusalCode::MerchandiseOutOfStock
        | RefusalCode::IdempotencyKeyReused => {
            let form = FormView::refused(&submitted, &outcome.refusals);
            let unavailable: Vec<Uuid> = outcome
                .refusals
                .iter()
                .flat_map(|refusal| refusal.line_ids.iter().copied())
                .collect();
            pages::pay(
                db,
                &store,
                &cart,
                &form,
                &unavailable,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// Runs the checkout; while another request with the same key (or of the same cart) is running,
/// asks again until it has finished or `TWIN_WAIT` has passed.
async fn complete_waiting(checkout: &Checkout, store: &Store, request: Request) -> Result<Outcome> {
    let deadline = Instant::now() + TWIN_WAIT;
    loop {
        let outcome = checkout.complete_detached(store, request.clone()).await?;
        let in_progress = outcome
            .refusals
            .iter()
            .any(|refusal| refusal.code == RefusalCode::CheckoutInProgress);
        if !in_progress || Instant::now() + TWIN_POLL > deadline {
            return Ok(outcome);
        }
        tokio::time::sleep(TWIN_POLL).await;
    }
}
