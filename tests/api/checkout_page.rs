//! The hosted checkout page over plain HTTP: what it shows, what a submitted form does, and where
//! every kind of link leads. The page is found at the path of the cart's `checkoutUrl`; shoppers
//! here are a client that does not follow redirects, so each answer is checked as sent. Shared
//! here (and with `checkout_browser`): carts to pay for, a buyer's form, reading pages.

mod links;
mod paying;
mod showing;

use entities::order;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::carts::create_cart;
use crate::checkout::orders_of;
use crate::helpers::TestApp;

/// The form's fields in the order the page shows them (and the keyboard visits them).
pub const FIELDS: [&str; 11] = [
    "email",
    "first_name",
    "last_name",
    "address1",
    "address2",
    "city",
    "province",
    "zip",
    "country_code",
    "phone",
    "payment_token",
];

/// A page as the server sent it.
pub struct Page {
    pub status: u16,
    /// Where a redirect points.
    pub location: Option<String>,
    pub cache_control: Option<String>,
    pub content_type: Option<String>,
    pub body: String,
}

/// A shopper's browser without redirects: every answer is seen as sent.
fn shopper() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client")
}

async fn read(response: reqwest::Response) -> Page {
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_string)
    };
    Page {
        status: response.status().as_u16(),
        location: header("location"),
        cache_control: header("cache-control"),
        content_type: header("content-type"),
        body: response.text().await.expect("a body"),
    }
}

/// GETs `path` of the app.
pub async fn get(app: &TestApp, path: &str) -> Page {
    let response = shopper()
        .get(format!("{}{path}", app.address))
        .send()
        .await
        .expect("GET");
    read(response).await
}

/// POSTs a form to `path` of the app.
pub async fn post(app: &TestApp, path: &str, form: &[(String, String)]) -> Page {
    let response = shopper()
        .post(format!("{}{path}", app.address))
        .form(form)
        .send()
        .await
        .expect("POST");
    read(response).await
}

/// The path of a cart's `checkoutUrl` (`/checkouts/<token>`): the page answers there on any host.
pub fn checkout_path(cart: &Value) -> String {
    let url = cart["checkoutUrl"].as_str().expect("a checkoutUrl");
    let path = url.find("/checkouts/").map(|at| &url[at..]);
    path.expect("checkoutUrl ends in /checkouts/<token>")
        .to_string()
}

/// A product of one variant priced 12.50 with `stock` units and an image at `image`; returns the
/// variant's gid.
pub async fn imaged_variant(app: &TestApp, title: &str, stock: i64, image: &str) -> String {
    let product = app
        .create_product(json!({
            "title": title,
            "options": ["Size"],
            "variants": [{
                "sku": format!("SKU-{}", Uuid::now_v7().simple()),
                "price": "12.50",
                "options": ["M"],
                "inventoryQuantity": stock
            }],
            "images": [{ "url": image, "altText": format!("A photo of {title}") }]
        }))
        .await;
    product["variants"]["nodes"][0]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// A cart made through `cartCreate` with two units of a tee and one mug (12.50 each: 37.50);
/// returns the cart and the page's path.
pub async fn cart_to_pay(app: &TestApp, image: &str) -> (Value, String) {
    let tee = imaged_variant(app, "Organic Tee", 5, image).await;
    let mug = imaged_variant(app, "Enamel Mug", 3, image).await;
    let created = create_cart(app, &[(&tee, 2), (&mug, 1)]).await;
    let cart = created["cart"].clone();
    let path = checkout_path(&cart);
    (cart, path)
}

/// A buyer's whole form, paying with `card`, under `key`.
pub fn buyer_form(key: &str, card: &str) -> Vec<(String, String)> {
    [
        ("idempotency_key", key),
        ("email", "ada@example.com"),
        ("first_name", "Ada"),
        ("last_name", "Lovelace"),
        ("address1", "12 Analytical Row"),
        ("address2", ""),
        ("city", "London"),
        ("province", ""),
        ("zip", "N1 9GU"),
        ("country_code", "GB"),
        ("phone", "+44 20 7946 0018"),
        ("payment_token", card),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_string(), value.to_string()))
    .collect()
}

/// The form without one field.
pub fn without(form: &[(String, String)], name: &str) -> Vec<(String, String)> {
    form.iter().filter(|(n, _)| n != name).cloned().collect()
}

/// The idempotency key a rendered form carries.
pub fn key_in(body: &str) -> String {
    let marker = r#"name="idempotency_key" value=""#;
    let start = body.find(marker).expect("a form with a key") + marker.len();
    let end = body[start..].find('"').expect("the key's closing quote");
    body[start..start + end].to_string()
}

/// The page of a cart's checkout after its confirmation's redirect: `<path>/thank-you`.
pub fn thank_you_path(path: &str) -> String {
    format!("{path}/thank-you")
}

/// Asserts that `page` sends the browser on (303 See Other) to `to`.
pub fn assert_redirects(page: &Page, to: &str) {
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(page.location.as_deref(), Some(to));
}

/// The store's only order, which must be confirmed.
pub async fn the_confirmed_order(app: &TestApp) -> order::Model {
    let mut orders = orders_of(app).await;
    assert_eq!(orders.len(), 1, "one order: {orders:?}");
    let order = orders.remove(0);
    assert_eq!(order.status, "confirmed");
    order
}
