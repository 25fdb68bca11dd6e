//! The storefront search syntax of `products(query:)`: free-text words and `field:value` terms
//! (`title:`, `tag:`, `product_type:`, `vendor:`, `available_for_sale:`), quoted phrases, a
//! trailing `*` for prefix matches, and `-term` or `NOT term` to exclude. Terms are combined with
//! AND; the words `AND` and `OR` are accepted and read as AND.

/// One parsed term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub field: Field,
    pub value: String,
    pub prefix: bool,
    pub negated: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Text,
    Title,
    Tag,
    ProductType,
    Vendor,
    Handle,
    AvailableForSale,
}

/// Parses a query string; unknown fields are searched as free text.
pub fn parse(query: &str) -> Vec<Term> {
    let mut terms = Vec::new();
    let mut negate_next = false;
    for token in tokenize(query) {
        match token.as_str() {
            "AND" | "OR" => continue,
            "NOT" => {
                negate_next = true;
                continue;
            }
            _ => {}
        }
        let (negated, token) = match token.strip_prefix('-') {
            Some(rest) if !rest.is_empty() => (true, rest.to_string()),
            _ => (negate_next, token),
        };
        negate_next = false;
        let (field, raw) = match token.split_once(':') {
            Some((name, value)) => match field_named(name) {
                Some(field) => (field, value.to_string()),
                None => (Field::Text, token.clone()),
            },
            None => (Field::Text, token.clone()),
        };
        let raw = raw.trim_matches('"');
        let (value, prefix) = match raw.strip_suffix('*') {
            Some(stem) => (stem.to_string(), true),
            None => (raw.to_string(), false),
        };
        if !value.is_empty() {
            terms.push(Term {
                field,
                value,
                prefix,
                negated,
            });
        }
    }
    terms
}

fn field_named(name: &str) -> Option<Field> {
    Some(match name {
        "title" => Field::Title,
        "tag" => Field::Tag,
        "product_type" => Field::ProductType,
        "vendor" => Field::Vendor,
        "handle" => Field::Handle,
        "available_for_sale" => Field::AvailableForSale,
        _ => return None,
    })
}

/// Splits on whitespace outside double quotes.
fn tokenize(query: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in query.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    tokens.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        tokens.push(current);
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_phrases_prefixes_and_negations_are_understood() {
        let terms = parse(r#"shirt tag:summer -vendor:"Acme Co" title:cot* NOT red OR blue"#);
        let summary: Vec<(Field, &str, bool, bool)> = terms
            .iter()
            .map(|t| (t.field, t.value.as_str(), t.prefix, t.negated))
            .collect();
        assert_eq!(
            summary,
            vec![
                (Field::Text, "shirt", false, false),
                (Field::Tag, "summer", false, false),
                (Field::Vendor, "Acme Co", false, true),
                (Field::Title, "cot", true, false),
                (Field::Text, "red", false, true),
                (Field::Text, "blue", false, false),
            ]
        );
    }
}
