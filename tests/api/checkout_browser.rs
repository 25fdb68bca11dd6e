//! The hosted checkout page in a real browser: headless Chromium on a phone-sized screen, driven
//! over the DevTools protocol from a cart made through `cartCreate` to the confirmation. A paid
//! order; a declined card, then a good one; a missing field; the pay button clicked twice. Each
//! step leaves a screenshot in `$CARGO_TARGET_DIR/test-artifacts/checkout/<test>/` (`target/` when
//! `CARGO_TARGET_DIR` is unset), kept after the run.

mod chromium;
mod pictures;

use std::path::{Path, PathBuf};
use std::time::Duration;

use vitrine::payments::TestGateway;

use self::chromium::{Chromium, Tab};
use crate::checkout::{eventually, orders_of};
use crate::checkout_page::{FIELDS, cart_to_pay, get, the_confirmed_order};
use crate::helpers::{Backend, TestApp, spawn_app_with_gateway};

/// The longest a test waits for the server to reach a state.
const LIMIT: Duration = Duration::from_secs(30);

/// Where a test's screenshots go; emptied first, so it holds this run's steps only.
fn artifacts(test: &str) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    let dir = target.join("test-artifacts").join("checkout").join(test);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// A store with a cart of two lines (with pictures), paying through `gateway`, and a browser
/// on the cart's checkout page.
struct Checkout {
    app: TestApp,
    path: String,
    chromium: Chromium,
    tab: Tab,
}

impl Checkout {
    async fn open(test: &str, gateway: TestGateway) -> Checkout {
        let app = spawn_app_with_gateway(Backend::Postgres, gateway, |_| {}).await;
        let pictures = pictures::serve().await;
        let (_, path) = cart_to_pay(&app, &format!("{pictures}/product.svg")).await;
        let chromium = Chromium::launch().await;
        let url = format!("{}{path}", app.address);
        let tab = chromium.open(&url, &artifacts(test)).await;
        tab.wait_for_page(&path, "#pay").await;
        Checkout {
            app,
            path,
            chromium,
            tab,
        }
    }

    /// Types a buyer's details into the form, paying with `card`, leaving out `skip`.
    async fn fill(&self, card: &str, skip: &[&str]) {
        for (id, text) in [
            ("email", "ada@example.com"),
            ("first_name", "Ada"),
            ("last_name", "Lovelace"),
            ("address1", "12 Analytical Row"),
            ("city", "London"),
            ("zip", "N1 9GU"),
            ("country_code", "GB"),
            ("phone", "+44 20 7946 0018"),
            ("payment_token", card),
        ] {
            if !skip.contains(&id) {
                self.tab.type_into(id, text).await;
            }
        }
    }

    /// Waits for the confirmation and checks it shows a confirmed order.
    async fn confirmed(&self) {
        self.tab.wait_for_page("/thank-you", "#order-number").await;
        self.tab.screenshot("confirmation").await;
        assert_eq!(self.tab.text("#order-number").await, "#1001");
        assert_eq!(self.tab.text("#order-status").await, "Confirmed");
        the_confirmed_order(&self.app).await;
    }

    /// Waits for the form to come back with an error beside the field `id`.
    async fn refused_at(&self, id: &str) {
        let condition = format!(
            "location.pathname === {:?} && document.querySelector('#{id}-error') !== null",
            self.path
        );
        self.tab
            .wait_for(&condition, &format!("the error beside #{id}"))
            .await;
    }

    async fn close(self) {
        self.chromium.close().await;
    }
}

#[tokio::test]
async fn a_shopper_pays_on_a_phone_and_sees_the_confirmation() {
    let checkout = Checkout::open("paid", TestGateway::new()).await;
    let tab = &checkout.tab;
    tab.screenshot("checkout").await;
    assert!(
        tab.value::<bool>("document.documentElement.scrollWidth <= window.innerWidth")
            .await,
        "nothing is wider than a phone"
    );
    assert!(tab.text("#total").await.ends_with("$37.50"));

    // The keyboard visits the fields in the order they are filled, then the pay button.
    tab.click("#email").await;
    let mut visited = Vec::new();
    for _ in 0..11 {
        tab.press("Tab").await;
        visited.push(tab.value::<String>("document.activeElement.id").await);
    }
    let expected: Vec<&str> = FIELDS[1..].iter().copied().chain(["pay"]).collect();
    assert_eq!(visited, expected);

    checkout.fill("tok_visa", &[]).await;
    tab.screenshot("filled").await;
    tab.click("#pay").await;

    checkout.confirmed().await;
    assert_eq!(checkout.app.gateway.authorize_calls(), 1);
    checkout.close().await;
}

#[tokio::test]
async fn a_declined_card_then_a_good_one_pays_once() {
    let checkout = Checkout::open("declined-then-paid", TestGateway::new()).await;
    let tab = &checkout.tab;
    checkout.fill("tok_chargeDeclined", &[]).await;
    tab.click("#pay").await;

    checkout.refused_at("payment_token").await;
    tab.screenshot("declined").await;
    assert!(tab.text("#payment_token-error").await.contains("declined"));
    assert_eq!(
        tab.value::<String>("document.querySelector('#payment_token').value")
            .await,
        ""
    );
    assert_eq!(
        tab.value::<String>("document.querySelector('#email').value")
            .await,
        "ada@example.com",
        "the rest of the form is kept"
    );
    assert!(
        orders_of(&checkout.app)
            .await
            .iter()
            .all(|o| o.status == "pending")
    );
    assert_eq!(
        get(&checkout.app, &checkout.path).await.status,
        200,
        "still open"
    );

    tab.type_into("payment_token", "tok_visa").await;
    tab.screenshot("another-card").await;
    tab.click("#pay").await;

    checkout.confirmed().await;
    assert_eq!(checkout.app.gateway.authorize_calls(), 2);
    checkout.close().await;
}

#[tokio::test]
async fn a_missing_field_is_shown_beside_it_then_filled_in() {
    let checkout = Checkout::open("missing-field", TestGateway::new()).await;
    let tab = &checkout.tab;
    checkout.fill("tok_visa", &["zip"]).await;
    // Sent from the keyboard: Enter in the last field.
    tab.press("Enter").await;

    checkout.refused_at("zip").await;
    tab.screenshot("missing-zip").await;
    assert_eq!(
        tab.value::<String>("document.activeElement.id").await,
        "error-summary",
        "the summary of problems has the focus, so it is read first"
    );
    assert_eq!(
        tab.text("#zip-error").await,
        "Error: Postal code can't be blank"
    );
    let zip = "document.querySelector('#zip')";
    assert_eq!(
        tab.value::<String>(&format!("{zip}.getAttribute('aria-invalid')"))
            .await,
        "true"
    );
    assert_eq!(
        tab.value::<String>(&format!("{zip}.getAttribute('aria-describedby')"))
            .await,
        "zip-error"
    );
    assert_eq!(
        tab.value::<String>("document.querySelector('#error-summary a').getAttribute('href')")
            .await,
        "#zip"
    );
    assert!(
        orders_of(&checkout.app).await.is_empty(),
        "nothing was placed"
    );
    assert_eq!(checkout.app.gateway.authorize_calls(), 0);

    tab.type_into("zip", "N1 9GU").await;
    tab.click("#pay").await;

    checkout.confirmed().await;
    checkout.close().await;
}

#[tokio::test]
async fn pay_clicked_twice_makes_one_order() {
    // A slow gateway keeps the first submit paying while the second is sent.
    let gateway = TestGateway::new().with_latency(Duration::from_millis(1500));
    let checkout = Checkout::open("clicked-twice", gateway).await;
    let tab = &checkout.tab;
    checkout.fill("tok_visa", &[]).await;
    let pay = tab.point_of("#pay").await;
    // Between the two clicks the browser is mid-navigation: no stable picture to keep.
    tab.screenshot("filled").await;

    tab.click_at(pay).await;
    let app = &checkout.app;
    let first_paying = || async { app.gateway.authorize_calls() == 1 };
    eventually(LIMIT, "the first submit reaching the gateway", first_paying).await;
    tab.click_at(pay).await;
    let sent_again = || async { tab.posts() == 2 };
    eventually(LIMIT, "the second submit", sent_again).await;

    checkout.confirmed().await;
    assert_eq!(tab.posts(), 2, "the form was sent twice, no more");
    assert_eq!(app.gateway.authorize_calls(), 1, "paid once");
    assert_eq!(app.gateway.recorded().len(), 1);
    checkout.close().await;
}
