//! The Stripe adapter over HTTP against the fake Stripe: approvals, declines, idempotent replays,
//! lost answers, server errors, capture, void, refund, listing by creation time and
//! authentication. No database needed.

use std::time::Duration;

use chrono::{TimeDelta, Utc};
use vitrine::payments::{
    AuthorizationStatus, AuthorizeRequest, GatewayError, PaymentGateway, StripeConfig,
    StripeGateway, gateway_from,
};

use crate::fake_stripe::FakeStripe;
use crate::helpers::settings_for;

/// Long enough for any local answer on a busy machine.
const PATIENT: Duration = Duration::from_secs(5);

fn request(token: &str, key: &str) -> AuthorizeRequest {
    AuthorizeRequest {
        amount_minor: 2500,
        currency: "USD".into(),
        payment_token: token.into(),
        idempotency_key: key.into(),
        description: "Order #1001".into(),
    }
}

async fn started() -> (FakeStripe, StripeGateway) {
    let fake = FakeStripe::start().await;
    let stripe = fake.adapter(PATIENT);
    (fake, stripe)
}

fn is_refused<T: std::fmt::Debug>(result: &Result<T, GatewayError>) -> bool {
    matches!(result, Err(GatewayError::Refused(_)))
}

fn is_unavailable<T: std::fmt::Debug>(result: &Result<T, GatewayError>) -> bool {
    matches!(result, Err(GatewayError::Unavailable(_)))
}

#[tokio::test]
async fn an_approved_card_is_authorized_for_seven_days() {
    let (fake, stripe) = started().await;

    let authorization = stripe.authorize(&request("tok_visa", "order-1")).await;

    let authorization = authorization.expect("authorized");
    assert_eq!(authorization.status, AuthorizationStatus::Authorized);
    assert_eq!(authorization.amount_minor, 2500);
    let lifetime = authorization.expires_at - Utc::now();
    assert!(
        lifetime > TimeDelta::days(7) - TimeDelta::minutes(1),
        "{lifetime}"
    );
    let recorded = fake
        .gateway()
        .recorded_of(&authorization.reference)
        .unwrap();
    assert_eq!(recorded.request, request("tok_visa", "order-1"));
    assert_eq!(recorded.authorization, authorization);
}

#[tokio::test]
async fn declined_cards_are_declined_with_their_decline_code() {
    let (fake, stripe) = started().await;
    for (token, code) in [
        ("tok_chargeDeclined", "generic_decline"),
        ("tok_chargeDeclinedInsufficientFunds", "insufficient_funds"),
    ] {
        let declined = stripe.authorize(&request(token, token)).await;
        assert!(
            matches!(&declined, Err(GatewayError::Declined { code: c, .. }) if c == code),
            "{declined:?}"
        );
    }
    let unknown = stripe.authorize(&request("tok_unknown", "order-3")).await;
    assert!(is_refused(&unknown), "{unknown:?}");
    assert!(fake.intents().is_empty());
}

#[tokio::test]
async fn the_same_key_replays_the_same_payment_intent() {
    let (fake, stripe) = started().await;

    let first = stripe
        .authorize(&request("tok_mastercard", "order-1"))
        .await;
    let again = stripe
        .authorize(&request("tok_mastercard", "order-1"))
        .await;

    assert_eq!(again, first);
    assert_eq!(fake.intents().len(), 1);
    assert_eq!(fake.gateway().authorize_calls(), 2);
}

#[tokio::test]
async fn a_key_reused_with_other_parameters_is_refused() {
    let (fake, stripe) = started().await;
    stripe
        .authorize(&request("tok_visa", "order-1"))
        .await
        .unwrap();
    let mut other_amount = request("tok_visa", "order-1");
    other_amount.amount_minor = 9900;

    let reused = stripe.authorize(&other_amount).await;

    assert!(
        matches!(&reused, Err(GatewayError::Refused(m)) if m.contains("idempotency_error")),
        "{reused:?}"
    );
    assert_eq!(fake.intents().len(), 1);
}

#[tokio::test]
async fn a_lost_answer_is_unavailable_then_found_and_replayed_as_one_intent() {
    let fake = FakeStripe::start().await;
    let impatient = fake.adapter(Duration::from_secs(1));
    let lost = request("tok_vitrine_lostResponse", "order-1");

    let first = impatient.authorize(&lost).await;
    assert!(is_unavailable(&first), "{first:?}");

    let stripe = fake.adapter(PATIENT);
    let found = stripe.find_authorization("order-1").await.unwrap();
    let replayed = stripe.authorize(&lost).await.expect("the stored answer");
    assert_eq!(found, Some(replayed.clone()));
    assert_eq!(replayed.status, AuthorizationStatus::Authorized);
    assert_eq!(fake.intents().len(), 1);
    assert_eq!(stripe.find_authorization("order-2").await, Ok(None));
}

#[tokio::test]
async fn a_server_error_is_unavailable_and_creates_nothing() {
    let (fake, stripe) = started().await;
    let failing = request("tok_vitrine_serverError", "order-1");

    let first = stripe.authorize(&failing).await;
    let again = stripe.authorize(&failing).await;

    assert!(
        is_unavailable(&first) && is_unavailable(&again),
        "{first:?}"
    );
    assert_eq!(stripe.find_authorization("order-1").await, Ok(None));
    assert!(fake.intents().is_empty());
}

#[tokio::test]
async fn a_gateway_that_does_not_listen_is_unavailable() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let api_base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let config = StripeConfig {
        api_base,
        timeout: PATIENT,
        ..StripeConfig::new("sk_test_nobody")
    };
    let stripe = StripeGateway::new(config).unwrap();

    let result = stripe.authorize(&request("tok_visa", "order-1")).await;

    assert!(is_unavailable(&result), "{result:?}");
}

#[tokio::test]
async fn capture_takes_all_or_part_of_the_authorization_once() {
    let (fake, stripe) = started().await;
    let whole = stripe.authorize(&request("tok_visa", "order-1")).await;
    let part = stripe.authorize(&request("tok_amex", "order-2")).await;
    let (whole, part) = (whole.unwrap().reference, part.unwrap().reference);

    let above = stripe.capture(&whole, 2501, "capture-0").await;
    assert!(is_refused(&above), "{above:?}");
    let captured = stripe.capture(&whole, 2500, "capture-1").await.unwrap();
    let partial = stripe.capture(&part, 1000, "capture-2").await.unwrap();
    let replayed = stripe.capture(&whole, 2500, "capture-1").await;
    let twice = stripe.capture(&whole, 2500, "capture-3").await;

    assert_eq!(captured.status, AuthorizationStatus::Captured);
    assert_eq!(captured.captured_minor, 2500);
    assert_eq!(
        (partial.status, partial.captured_minor),
        (AuthorizationStatus::Captured, 1000)
    );
    assert_eq!(replayed, Ok(captured));
    assert!(is_refused(&twice), "{twice:?}");
    assert_eq!(fake.gateway().captures_of(&whole), 4);
}

#[tokio::test]
async fn void_releases_an_uncaptured_authorization_only() {
    let (_fake, stripe) = started().await;
    let held = stripe.authorize(&request("tok_visa", "order-1")).await;
    let held = held.unwrap().reference;

    let voided = stripe.void(&held, "void-1").await.unwrap();
    let replayed = stripe.void(&held, "void-1").await;
    let capture = stripe.capture(&held, 2500, "capture-1").await;

    assert_eq!(voided.status, AuthorizationStatus::Voided);
    assert_eq!(replayed, Ok(voided));
    assert!(is_refused(&capture), "{capture:?}");
    let unknown = stripe.void("pi_unknown", "void-2").await;
    assert!(is_refused(&unknown), "{unknown:?}");
}

#[tokio::test]
async fn refunds_return_part_of_the_capture_and_never_more() {
    let (fake, stripe) = started().await;
    let held = stripe.authorize(&request("tok_visa", "order-1")).await;
    let held = held.unwrap().reference;
    stripe.capture(&held, 2000, "capture-1").await.unwrap();

    let first = stripe.refund(&held, 1500, "refund-1").await.unwrap();
    let replayed = stripe.refund(&held, 1500, "refund-1").await;
    let above = stripe.refund(&held, 501, "refund-2").await;

    assert_eq!(first.amount_minor, 1500);
    assert_eq!(replayed, Ok(first.clone()));
    assert!(is_refused(&above), "{above:?}");
    assert_eq!(fake.gateway().refunds_of(&held), vec![first]);
    let now = stripe.find_authorization("order-1").await.unwrap().unwrap();
    assert_eq!((now.captured_minor, now.refunded_minor), (2000, 1500));
}

#[tokio::test]
async fn authorizations_since_walks_every_page_with_keys_and_amounts_as_they_stand() {
    let (fake, stripe) = started().await;
    let before = Utc::now() - TimeDelta::seconds(1);
    const INTENTS: usize = 120;
    for n in 0..INTENTS {
        let order = request("tok_visa", &format!("order-{n}"));
        fake.gateway().authorize(&order).await.unwrap();
    }
    let declined = request("tok_chargeDeclined", "order-declined");
    assert!(fake.gateway().authorize(&declined).await.is_err());
    let taken = stripe.find_authorization("order-1").await.unwrap().unwrap();
    stripe
        .capture(&taken.reference, 2500, "capture-1")
        .await
        .unwrap();
    stripe
        .refund(&taken.reference, 700, "refund-1")
        .await
        .unwrap();
    let released = stripe.find_authorization("order-2").await.unwrap().unwrap();
    stripe.void(&released.reference, "void-2").await.unwrap();
    let requests = fake.requests();

    let listed = stripe.authorizations_since(before).await.unwrap();

    assert_eq!(fake.requests() - requests, 2, "two pages of at most 100");
    let mut keys: Vec<_> = listed.iter().map(|k| k.idempotency_key.clone()).collect();
    keys.sort();
    let mut expected: Vec<_> = (0..INTENTS).map(|n| format!("order-{n}")).collect();
    expected.sort();
    assert_eq!(keys, expected);
    let of = |key: &str| {
        let keyed = listed.iter().find(|k| k.idempotency_key == key).unwrap();
        keyed.authorization.clone()
    };
    let refunded = of("order-1");
    assert_eq!(refunded.status, AuthorizationStatus::Captured);
    assert_eq!(
        (refunded.captured_minor, refunded.refunded_minor),
        (2500, 700)
    );
    assert_eq!(of("order-2").status, AuthorizationStatus::Voided);
    assert_eq!(of("order-3").status, AuthorizationStatus::Authorized);
    let later = Utc::now() + TimeDelta::seconds(2);
    assert_eq!(stripe.authorizations_since(later).await, Ok(Vec::new()));
}

#[tokio::test]
async fn a_wrong_secret_key_is_refused_before_anything_happens() {
    let fake = FakeStripe::start().await;
    let config = StripeConfig {
        api_base: fake.base_url().into(),
        timeout: PATIENT,
        ..StripeConfig::new("sk_test_wrong")
    };
    let stripe = StripeGateway::new(config).unwrap();

    let result = stripe.authorize(&request("tok_visa", "order-1")).await;

    assert!(is_refused(&result), "{result:?}");
    assert_eq!(fake.requests(), 1);
    assert_eq!(fake.gateway().authorize_calls(), 0);
}

#[tokio::test]
async fn the_settings_choose_stripe_only_when_a_secret_key_is_set() {
    let fake = FakeStripe::start().await;
    let mut settings = settings_for("postgres://unused".into());
    assert_eq!(gateway_from(&settings).unwrap().name(), "test");

    fake.configure(&mut settings);
    let gateway = gateway_from(&settings).unwrap();
    let authorized = gateway.authorize(&request("tok_visa", "order-1")).await;

    assert_eq!(gateway.name(), "stripe");
    assert!(authorized.is_ok(), "{authorized:?}");
    settings.gateway_timeout_seconds = 0.0;
    assert!(gateway_from(&settings).is_err());
}

#[tokio::test]
async fn the_fake_replays_a_stored_answer_byte_for_byte_and_its_status() {
    let fake = FakeStripe::start().await;
    let client = reqwest::Client::new();
    let send = |token: &'static str, amount: &'static str| {
        let form = [
            ("amount", amount),
            ("currency", "usd"),
            ("capture_method", "manual"),
            ("confirm", "true"),
            ("payment_method_data[type]", "card"),
            ("payment_method_data[card][token]", token),
            ("metadata[idempotency_key]", token),
        ];
        let request = client
            .post(format!("{}/v1/payment_intents", fake.base_url()))
            .bearer_auth(crate::fake_stripe::SECRET_KEY)
            .header("Idempotency-Key", token)
            .form(&form);
        async move {
            let response = request.send().await.expect("an answer");
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };

    for token in ["tok_visa", "tok_chargeDeclinedInsufficientFunds"] {
        let first = send(token, "2500").await;
        assert_eq!(send(token, "2500").await, first);
        let reused = send(token, "2600").await;
        assert_eq!(reused.0, 400);
        assert!(reused.1.contains("idempotency_error"), "{}", reused.1);
    }
    let declined = send("tok_chargeDeclined", "2500").await;
    assert_eq!(declined.0, 402);
    let body: serde_json::Value = serde_json::from_str(&declined.1).unwrap();
    assert_eq!(body["error"]["type"], "card_error");
    assert_eq!(body["error"]["code"], "card_declined");
    assert_eq!(body["error"]["decline_code"], "generic_decline");
}
