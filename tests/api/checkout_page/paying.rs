//! Paying through the page: a good form becomes one confirmed order and a redirect to its
//! confirmation; a missing field comes back beside its field and changes nothing; a declined card
//! leaves the cart open for another card under a new key; one form sent twice makes one order.

use std::time::Duration;

use super::{
    assert_redirects, buyer_form, cart_to_pay, get, key_in, post, thank_you_path,
    the_confirmed_order, without,
};
use crate::checkout::{eventually, key_count, orders_of};
use crate::helpers::{Backend, spawn_app_on, spawn_app_with_gateway};
use crate::on_both_backends;
use vitrine::payments::TestGateway;

on_both_backends!(
    a_paid_form_redirects_to_the_confirmation_of_one_confirmed_order,
    a_missing_field_is_shown_beside_it_and_changes_nothing,
    a_declined_card_keeps_the_cart_open_and_another_card_pays,
    one_form_submitted_twice_makes_one_order,
    a_payment_not_known_yet_shows_a_page_that_looks_again,
);

const IMAGE: &str = "https://cdn.example.test/tee.jpg";

async fn a_paid_form_redirects_to_the_confirmation_of_one_confirmed_order(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let (_, path) = cart_to_pay(&app, IMAGE).await;
    let key = key_in(&get(&app, &path).await.body);

    let paid = post(&app, &path, &buyer_form(&key, "tok_visa")).await;

    assert_redirects(&paid, &thank_you_path(&path));
    let order = the_confirmed_order(&app).await;
    assert_eq!(order.total_minor, 3750);
    assert_eq!(order.email, "ada@example.com");
    assert_eq!(app.gateway.authorize_calls(), 1);

    let confirmation = get(&app, &thank_you_path(&path)).await;
    assert_eq!(confirmation.status, 200, "{}", confirmation.body);
    assert_eq!(
        confirmation.cache_control.as_deref(),
        Some("private, no-store")
    );
    for shown in [
        r#"<strong id="order-number">#1001</strong>"#,
        r#"<strong id="order-status">Confirmed</strong>"#,
        "ada@example.com",
        "Ada Lovelace",
        "London, N1 9GU",
        "Organic Tee",
        r#"<span class="currency">USD</span> $37.50"#,
    ] {
        assert!(
            confirmation.body.contains(shown),
            "{shown:?}: {}",
            confirmation.body
        );
    }
    // The link itself now leads to the confirmation.
    assert_redirects(&get(&app, &path).await, &thank_you_path(&path));
}

async fn a_missing_field_is_shown_beside_it_and_changes_nothing(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let (_, path) = cart_to_pay(&app, IMAGE).await;
    let key = key_in(&get(&app, &path).await.body);

    let refused = post(&app, &path, &without(&buyer_form(&key, "tok_visa"), "zip")).await;

    assert_eq!(refused.status, 422, "{}", refused.body);
    let body = &refused.body;
    for shown in [
        r#"<div class="error-summary" id="error-summary" role="alert" tabindex="-1" autofocus>"#,
        // Escaped as askama escapes: `'` is `&#39;`.
        r##"<a href="#zip">Postal code can&#39;t be blank</a>"##,
        r#"<p class="error" id="zip-error"><span class="visually-hidden">Error:</span> Postal code can&#39;t be blank</p>"#,
        r#"aria-invalid="true" aria-describedby="zip-error""#,
        // What was typed stays; the card too, as nothing was charged.
        r#"value="ada@example.com""#,
        r#"value="tok_visa""#,
    ] {
        assert!(body.contains(shown), "{shown:?}: {body}");
    }
    assert_eq!(body.matches(" aria-invalid=").count(), 1, "only the zip");
    assert_ne!(key_in(body), key, "every render has its own key");
    assert!(orders_of(&app).await.is_empty());
    assert_eq!(app.gateway.authorize_calls(), 0);
    assert_eq!(key_count(&app).await, 0, "an invalid form keeps no key");
    assert_eq!(get(&app, &path).await.status, 200, "the cart is still open");
}

async fn a_declined_card_keeps_the_cart_open_and_another_card_pays(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let (_, path) = cart_to_pay(&app, IMAGE).await;
    let first_key = key_in(&get(&app, &path).await.body);
    let declined_form = buyer_form(&first_key, "tok_chargeDeclined");

    let declined = post(&app, &path, &declined_form).await;

    assert_eq!(declined.status, 422, "{}", declined.body);
    assert!(declined.body.contains(
        r#"<p class="error" id="payment_token-error"><span class="visually-hidden">Error:</span> Your card was declined. Try another card.</p>"#
    ), "{}", declined.body);
    assert!(declined.body.contains(r#"value="ada@example.com""#));
    assert!(
        !declined.body.contains("tok_chargeDeclined\""),
        "the declined card is cleared"
    );
    assert_eq!(get(&app, &path).await.status, 200, "the cart is open again");
    let second_key = key_in(&declined.body);
    assert_ne!(second_key, first_key, "a retry gets a new key");

    // The declined form sent again replays its decline; nothing reaches the gateway.
    let replayed = post(&app, &path, &declined_form).await;
    assert_eq!(replayed.status, 422);
    assert!(replayed.body.contains("Your card was declined."));
    assert_eq!(app.gateway.authorize_calls(), 1);

    let paid = post(&app, &path, &buyer_form(&second_key, "tok_visa")).await;

    assert_redirects(&paid, &thank_you_path(&path));
    // The declined attempt's order is the one paid.
    the_confirmed_order(&app).await;
    assert_eq!(app.gateway.authorize_calls(), 2);
}

async fn one_form_submitted_twice_makes_one_order(backend: Backend) {
    // A slow gateway, so the second submit arrives while the first is paying.
    let gateway = TestGateway::new().with_latency(Duration::from_millis(400));
    let app = spawn_app_with_gateway(backend, gateway, |_| {}).await;
    let (_, path) = cart_to_pay(&app, IMAGE).await;
    let form = buyer_form(&key_in(&get(&app, &path).await.body), "tok_visa");

    let (first, second) = tokio::join!(post(&app, &path, &form), post(&app, &path, &form));

    assert_redirects(&first, &thank_you_path(&path));
    assert_redirects(&second, &thank_you_path(&path));
    the_confirmed_order(&app).await;
    assert_eq!(app.gateway.authorize_calls(), 1, "paid once");
    assert_eq!(app.gateway.recorded().len(), 1);
    // Sent a third time, long after: the same answer.
    assert_redirects(&post(&app, &path, &form).await, &thank_you_path(&path));
    assert_eq!(app.gateway.authorize_calls(), 1);
}

async fn a_payment_not_known_yet_shows_a_page_that_looks_again(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let (_, path) = cart_to_pay(&app, IMAGE).await;
    let key = key_in(&get(&app, &path).await.body);

    // The gateway fails: nobody knows yet whether the card was charged.
    let pending = post(&app, &path, &buyer_form(&key, "tok_vitrine_serverError")).await;

    assert_eq!(pending.status, 200, "{}", pending.body);
    assert!(
        pending
            .body
            .contains("<h1>Your payment is being processed</h1>")
    );
    let refresh = format!(r#"<meta http-equiv="refresh" content="2;url={path}">"#);
    assert!(pending.body.contains(&refresh), "{}", pending.body);
    assert_eq!(pending.cache_control.as_deref(), Some("private, no-store"));
    // The completer learns nothing was held and gives the cart back: the link shows the form.
    let form_again = || async { get(&app, &path).await.body.contains(r#"id="pay""#) };
    eventually(Duration::from_secs(10), "the form again", form_again).await;
    assert!(orders_of(&app).await.iter().all(|o| o.status == "pending"));
}
