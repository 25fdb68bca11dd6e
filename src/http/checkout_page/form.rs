//! The checkout form, both ways: a submitted form read into checkout's input (as `cartComplete`
//! maps its GraphQL input), and the form to render, each field with its value and the refusal
//! that names it, worded for shoppers. Every render carries a fresh idempotency key; both submits
//! of one rendered form carry the same one, so the second replays the first's answer.

use std::collections::BTreeMap;

use serde::Deserialize;
use uuid::Uuid;

use super::fields::{self, Group, SPECS, Spec};
use crate::cart::{BuyerIdentity, Cart};
use crate::checkout::{Address, CheckoutInput, Refusal, RefusalCode};

/// The longest idempotency key taken (as `cartComplete`).
const MAX_KEY_CHARS: usize = 255;

/// The hidden field that carries the idempotency key.
pub const KEY_FIELD: &str = "idempotency_key";

/// A submitted form: field name to value.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(transparent)]
pub struct Submitted(BTreeMap<String, String>);

impl Submitted {
    fn value(&self, name: &str) -> String {
        self.0.get(name).cloned().unwrap_or_default()
    }

    /// The form's idempotency key, when it has a usable one.
    pub fn idempotency_key(&self) -> Option<String> {
        let key = self.value(KEY_FIELD).trim().to_string();
        (!key.is_empty() && key.chars().count() <= MAX_KEY_CHARS).then_some(key)
    }

    /// Checkout's input; checkout trims and checks it (an empty optional part counts as absent).
    pub fn input(&self) -> CheckoutInput {
        let text = |name: &str| self.value(name);
        let optional = |name: &str| Some(self.value(name));
        CheckoutInput {
            email: text("email"),
            shipping_address: Address {
                first_name: optional("first_name"),
                last_name: text("last_name"),
                address1: text("address1"),
                address2: optional("address2"),
                city: text("city"),
                province: optional("province"),
                zip: text("zip"),
                country_code: text("country_code"),
                phone: optional("phone"),
            },
            billing_address: None,
            payment_token: text("payment_token"),
        }
    }
}

/// One field as the page shows it.
pub struct Field {
    pub spec: &'static Spec,
    pub value: String,
    pub error: Option<String>,
}

impl Field {
    /// The ids of the hint and the error, for `aria-describedby` (empty when neither shows).
    pub fn described_by(&self) -> String {
        let hint = self.spec.hint.map(|_| format!("{}-hint", self.spec.name));
        let error = self
            .error
            .as_ref()
            .map(|_| format!("{}-error", self.spec.name));
        hint.into_iter().chain(error).collect::<Vec<_>>().join(" ")
    }
}

/// The form to render.
pub struct FormView {
    /// The idempotency key of this render.
    pub key: String,
    pub fields: Vec<Field>,
    /// What is wrong that belongs to no one field (the cart, stock, the key).
    pub problems: Vec<String>,
}

impl FormView {
    /// An empty form, with what the cart already knows of its buyer.
    pub fn new(cart: &Cart) -> FormView {
        let buyer = BuyerIdentity::of(cart);
        let mut known = BTreeMap::new();
        known.extend(buyer.email.map(|email| ("email".to_string(), email)));
        known.extend(
            buyer
                .country_code
                .map(|code| ("country_code".to_string(), code)),
        );
        known.extend(buyer.phone.map(|phone| ("phone".to_string(), phone)));
        FormView::filled(&Submitted(known), &[])
    }

    /// The submitted form again, with the refusals beside their fields. The card token is
    /// cleared after a decline or failed payment: the shopper tries another card.
    pub fn refused(submitted: &Submitted, refusals: &[Refusal]) -> FormView {
        let mut form = FormView::filled(submitted, refusals);
        let payment_refused = refusals.iter().any(|r| {
            matches!(
                r.code,
                RefusalCode::PaymentDeclined | RefusalCode::PaymentFailed
            )
        });
        if payment_refused {
            for field in form
                .fields
                .iter_mut()
                .filter(|f| f.spec.group == Group::Payment)
            {
                field.value.clear();
            }
        }
        form
    }

    fn filled(submitted: &Submitted, refusals: &[Refusal]) -> FormView {
        let mut problems = Vec::new();
        let mut errors: BTreeMap<&str, String> = BTreeMap::new();
        for refusal in refusals {
            match fields::named_by(&refusal.field) {
                Some(spec) => {
                    errors
                        .entry(spec.name)
                        .or_insert_with(|| field_message(spec, refusal));
                }
                None => problems.push(form_message(refusal)),
            }
        }
        let fields = SPECS
            .iter()
            .map(|spec| Field {
                spec,
                value: submitted.value(spec.name),
                error: errors.remove(spec.name),
            })
            .collect();
        FormView {
            key: Uuid::now_v7().to_string(),
            fields,
            problems,
        }
    }

    /// The fields of one part of the form.
    fn group(&self, group: Group) -> Vec<&Field> {
        self.fields
            .iter()
            .filter(|f| f.spec.group == group)
            .collect()
    }

    pub fn contact(&self) -> Vec<&Field> {
        self.group(Group::Contact)
    }

    pub fn shipping(&self) -> Vec<&Field> {
        self.group(Group::Shipping)
    }

    pub fn payment(&self) -> Vec<&Field> {
        self.group(Group::Payment)
    }

    /// The country entered, when it looks like one (`GB`); empty otherwise. Totals are quoted for
    /// it, as checkout will charge them.
    pub fn country(&self) -> String {
        let entered = self
            .fields
            .iter()
            .find(|f| f.spec.name == "country_code")
            .map(|f| f.value.trim().to_ascii_uppercase())
            .unwrap_or_default();
        let plausible = entered.len() == 2 && entered.bytes().all(|b| b.is_ascii_uppercase());
        if plausible { entered } else { String::new() }
    }

    /// Every field error, in form order, for the summary at the top.
    pub fn errors(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.fields
            .iter()
            .filter_map(|f| f.error.as_deref().map(|e| (f.spec.name, e)))
    }

    /// Whether anything is wrong.
    pub fn has_errors(&self) -> bool {
        !self.problems.is_empty() || self.errors().next().is_some()
    }
}

/// A refusal beside its field: checkout names fields as the API does (`zip can't be blank`); the
/// page says the label (`Postal code can't be blank`).
fn field_message(spec: &Spec, refusal: &Refusal) -> String {
    match refusal.code {
        RefusalCode::PaymentDeclined => "Your card was declined. Try another card.".into(),
        RefusalCode::PaymentFailed => {
            "The payment could not be made and nothing was charged. Please try again.".into()
        }
        _ => {
            let api_name = spec.path.last().copied().unwrap_or_default();
            match refusal.message.strip_prefix(api_name) {
                Some(rest) if !api_name.is_empty() => format!("{}{rest}", spec.label),
                _ => sentence(&refusal.message),
            }
        }
    }
}

/// A refusal that names no field of the form.
fn form_message(refusal: &Refusal) -> String {
    match refusal.code {
        RefusalCode::MerchandiseOutOfStock => {
            "Some items are no longer available; they are marked in your order.".into()
        }
        RefusalCode::IdempotencyKeyReused => {
            "Your details changed after the form was sent. Please check them and pay again.".into()
        }
        _ => sentence(&refusal.message),
    }
}

/// `message` with a capital first letter and a full stop.
fn sentence(message: &str) -> String {
    let mut chars = message.trim().chars();
    let mut text: String = chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    if !text.ends_with('.') {
        text.push('.');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(code: RefusalCode, path: &[&str], message: &str) -> Refusal {
        Refusal::new(code, path.iter().map(|p| p.to_string()).collect(), message)
    }

    #[test]
    fn refusals_sit_beside_their_fields_in_shoppers_words() {
        let refusals = [
            refusal(
                RefusalCode::Invalid,
                &["input", "shippingAddress", "zip"],
                "zip can't be blank",
            ),
            refusal(RefusalCode::Invalid, &["cartId"], "the cart is empty"),
        ];
        let form = FormView::refused(&Submitted::default(), &refusals);
        let errors: Vec<_> = form.errors().collect();
        assert_eq!(errors, vec![("zip", "Postal code can't be blank")]);
        assert_eq!(form.problems, vec!["The cart is empty.".to_string()]);
        let zip = form.fields.iter().find(|f| f.spec.name == "zip").unwrap();
        assert_eq!(zip.described_by(), "zip-error");
    }

    #[test]
    fn a_decline_clears_the_card_and_keeps_the_rest() {
        let mut values = BTreeMap::new();
        values.insert("email".to_string(), "ada@example.com".to_string());
        values.insert(
            "payment_token".to_string(),
            "tok_chargeDeclined".to_string(),
        );
        let declined = refusal(
            RefusalCode::PaymentDeclined,
            &["input", "paymentToken"],
            "the card was declined",
        );
        let form = FormView::refused(&Submitted(values), &[declined]);
        let value = |name: &str| {
            let field = form.fields.iter().find(|f| f.spec.name == name).unwrap();
            (field.value.clone(), field.error.clone())
        };
        assert_eq!(value("email"), ("ada@example.com".into(), None));
        assert_eq!(
            value("payment_token"),
            (
                String::new(),
                Some("Your card was declined. Try another card.".into())
            )
        );
    }

    #[test]
    fn every_render_has_its_own_key() {
        let first = FormView::refused(&Submitted::default(), &[]);
        let second = FormView::refused(&Submitted::default(), &[]);
        assert_ne!(first.key, second.key);
    }
}
