//! A fake Stripe for the tests: an HTTP front on 127.0.0.1 over `vitrine::payments::TestGateway`,
//! speaking the subset of Stripe's API the adapter uses (PaymentIntents with manual capture,
//! cancel, refunds, search by metadata, lists by creation time) with Stripe's idempotency, auth and error shapes. The card
//! tokens behave as the test gateway says, so their rules live in one place; only the lost
//! response is the fake's own: it does the work, then answers after the client has given up.

mod render;
mod routes;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tokio::net::TcpListener;
use vitrine::config::{Secret, Settings};
use vitrine::payments::{Authorization, StripeConfig, StripeGateway, TestGateway};

/// The only key the fake accepts.
pub const SECRET_KEY: &str = "sk_test_vitrine_fake";

/// How long a lost response keeps the client waiting: past any timeout a test sets.
const LOST_RESPONSE_HANG: Duration = Duration::from_secs(30);

/// A running fake Stripe.
pub struct FakeStripe {
    base_url: String,
    gateway: TestGateway,
    requests: Arc<AtomicUsize>,
}

/// What the handlers share.
#[derive(Clone)]
struct Fake {
    gateway: TestGateway,
    requests: Arc<AtomicUsize>,
}

impl FakeStripe {
    /// Starts a fake Stripe with empty books on a free port.
    pub async fn start() -> FakeStripe {
        let gateway = TestGateway::new();
        let requests = Arc::new(AtomicUsize::new(0));
        let fake = Fake {
            gateway: gateway.clone(),
            requests: requests.clone(),
        };
        let router = Router::new()
            .route(
                "/v1/payment_intents",
                post(routes::create_intent).get(routes::list_intents),
            )
            .route("/v1/payment_intents/search", get(routes::search_intents))
            .route("/v1/payment_intents/{id}/capture", post(routes::capture))
            .route("/v1/payment_intents/{id}/cancel", post(routes::cancel))
            .route("/v1/refunds", post(routes::create_refund))
            .layer(middleware::from_fn_with_state(fake.clone(), authenticate))
            .with_state(fake);
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("local address").port();
        tokio::spawn(async move { axum::serve(listener, router).await });
        FakeStripe {
            base_url: format!("http://127.0.0.1:{port}"),
            gateway,
            requests,
        }
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The books behind the fake, with their call counters.
    pub fn gateway(&self) -> &TestGateway {
        &self.gateway
    }

    /// Every PaymentIntent that holds or held money.
    pub fn intents(&self) -> Vec<Authorization> {
        self.gateway.authorizations()
    }

    /// HTTP requests received, rejected ones included.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// An adapter pointed at the fake whose calls give up after `timeout`.
    pub fn adapter(&self, timeout: Duration) -> StripeGateway {
        let config = StripeConfig {
            timeout,
            api_base: self.base_url.clone(),
            ..StripeConfig::new(SECRET_KEY)
        };
        StripeGateway::new(config).expect("a Stripe adapter")
    }

    /// Points `settings` at the fake, as `STRIPE_SECRET_KEY` and `STRIPE_API_BASE` would.
    pub fn configure(&self, settings: &mut Settings) {
        settings.stripe_secret_key = Some(Secret::new(SECRET_KEY));
        settings.stripe_api_base = self.base_url.clone();
    }
}

/// Counts the request, then lets it through only with `Authorization: Bearer <SECRET_KEY>`.
async fn authenticate(State(fake): State<Fake>, request: Request, next: Next) -> Response {
    fake.requests.fetch_add(1, Ordering::SeqCst);
    let expected = format!("Bearer {SECRET_KEY}");
    let given = request.headers().get(header::AUTHORIZATION);
    if given.and_then(|v| v.to_str().ok()) != Some(expected.as_str()) {
        let message = "Invalid API Key provided.";
        let kind = "invalid_request_error";
        return render::error(StatusCode::UNAUTHORIZED, kind, None, message).into_response();
    }
    next.run(request).await
}
