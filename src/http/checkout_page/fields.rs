//! The checkout form's fields, in one table: each field's form name (also its element id), its
//! label, input type and `autocomplete` token, and the path of the checkout input it fills, which
//! is also the path checkout's refusals name it by. Billing is the shipping address: the page
//! asks for one address.

/// The part of the form a field sits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Contact,
    Shipping,
    Payment,
}

/// One field of the form.
#[derive(Debug)]
pub struct Spec {
    /// The form name and element id.
    pub name: &'static str,
    /// Its path in checkout's input after `input` (`["shippingAddress", "zip"]`).
    pub path: &'static [&'static str],
    pub label: &'static str,
    /// The `<input type>`.
    pub kind: &'static str,
    /// The `autocomplete` token, so browsers fill the field in.
    pub autocomplete: &'static str,
    pub required: bool,
    /// Help shown under the label.
    pub hint: Option<&'static str>,
    pub group: Group,
}

const fn field(
    name: &'static str,
    path: &'static [&'static str],
    label: &'static str,
    autocomplete: &'static str,
    required: bool,
    group: Group,
) -> Spec {
    Spec {
        name,
        path,
        label,
        kind: "text",
        autocomplete,
        required,
        hint: None,
        group,
    }
}

/// Every field, in the order the form shows them (and so the keyboard visits them).
pub const SPECS: [Spec; 11] = [
    Spec {
        kind: "email",
        ..field("email", &["email"], "Email", "email", true, Group::Contact)
    },
    field(
        "first_name",
        &["shippingAddress", "firstName"],
        "First name",
        "shipping given-name",
        false,
        Group::Shipping,
    ),
    field(
        "last_name",
        &["shippingAddress", "lastName"],
        "Last name",
        "shipping family-name",
        true,
        Group::Shipping,
    ),
    field(
        "address1",
        &["shippingAddress", "address1"],
        "Address",
        "shipping address-line1",
        true,
        Group::Shipping,
    ),
    field(
        "address2",
        &["shippingAddress", "address2"],
        "Apartment, suite, etc.",
        "shipping address-line2",
        false,
        Group::Shipping,
    ),
    field(
        "city",
        &["shippingAddress", "city"],
        "City",
        "shipping address-level2",
        true,
        Group::Shipping,
    ),
    field(
        "province",
        &["shippingAddress", "province"],
        "State or province",
        "shipping address-level1",
        false,
        Group::Shipping,
    ),
    field(
        "zip",
        &["shippingAddress", "zip"],
        "Postal code",
        "shipping postal-code",
        true,
        Group::Shipping,
    ),
    Spec {
        hint: Some("Two letters, such as US, GB or JP."),
        ..field(
            "country_code",
            &["shippingAddress", "countryCode"],
            "Country code",
            "shipping country",
            true,
            Group::Shipping,
        )
    },
    Spec {
        kind: "tel",
        ..field(
            "phone",
            &["shippingAddress", "phone"],
            "Phone",
            "shipping tel",
            false,
            Group::Shipping,
        )
    },
    // A card token typed in stands for the card: with the built-in test gateway, Stripe's test
    // tokens. Real Stripe would need Stripe Elements (its JavaScript) to turn a card into a
    // token in the browser; that is out of scope for this no-JavaScript page.
    Spec {
        hint: Some("Test cards: tok_visa is approved; tok_chargeDeclined is declined."),
        ..field(
            "payment_token",
            &["paymentToken"],
            "Card token",
            "off",
            true,
            Group::Payment,
        )
    },
];

/// The field a refusal's path names (`["input", "shippingAddress", "zip"]`), if any.
pub fn named_by(path: &[String]) -> Option<&'static Spec> {
    let rest = path.strip_prefix(&["input".to_string()])?;
    SPECS.iter().find(|spec| spec.path == rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(parts: &[&str]) -> Vec<String> {
        parts.iter().map(|p| p.to_string()).collect()
    }

    #[test]
    fn refusal_paths_lead_to_their_fields() {
        let zip = named_by(&path(&["input", "shippingAddress", "zip"])).unwrap();
        assert_eq!(zip.name, "zip");
        let card = named_by(&path(&["input", "paymentToken"])).unwrap();
        assert_eq!(card.name, "payment_token");
        assert!(named_by(&path(&["cartId"])).is_none());
        assert!(named_by(&path(&["input", "billingAddress", "zip"])).is_none());
    }

    #[test]
    fn names_and_paths_are_unique() {
        for (i, spec) in SPECS.iter().enumerate() {
            for other in &SPECS[i + 1..] {
                assert_ne!(spec.name, other.name);
                assert_ne!(spec.path, other.path);
            }
        }
    }
}
