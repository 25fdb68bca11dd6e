//! What a shopper typed, taken apart: words to match (typos tolerated), `"quoted phrases"` to
//! match as written, and `-words` to exclude. Both backends read the same parts, so they agree on
//! what a query means.

/// The parts of a search text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShopperText {
    pub words: Vec<String>,
    pub phrases: Vec<String>,
    pub excluded: Vec<String>,
    /// Whether the last word was still being typed (nothing after it), so that a prefix search
    /// may complete it.
    pub open_ended: bool,
}

impl ShopperText {
    pub fn parse(text: &str) -> ShopperText {
        let mut parsed = ShopperText::default();
        let mut rest = text;
        let mut last_was_word = false;
        loop {
            rest = rest.trim_start();
            if rest.is_empty() {
                break;
            }
            if let Some(quoted) = rest.strip_prefix('"') {
                let end = quoted.find('"').unwrap_or(quoted.len());
                let phrase = quoted[..end].trim();
                if !phrase.is_empty() {
                    parsed.phrases.push(phrase.to_string());
                }
                rest = quoted.get(end + 1..).unwrap_or("");
                last_was_word = false;
                continue;
            }
            let end = rest
                .find(|c: char| c.is_whitespace() || c == '"')
                .unwrap_or(rest.len());
            let token = &rest[..end];
            rest = &rest[end..];
            match token.strip_prefix('-') {
                Some(excluded) if !excluded.is_empty() => {
                    parsed.excluded.push(excluded.to_string());
                    last_was_word = false;
                }
                Some(_) => last_was_word = false,
                None => {
                    parsed.words.push(token.to_string());
                    last_was_word = true;
                }
            }
        }
        parsed.open_ended = last_was_word && !text.ends_with(char::is_whitespace);
        parsed
    }

    /// Whether nothing narrows the search: every product matches.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty() && self.phrases.is_empty() && self.excluded.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_phrases_and_exclusions_are_told_apart() {
        let parsed = ShopperText::parse(r#"bleu "cotton shirt" -wool  shi"#);
        assert_eq!(parsed.words, vec!["bleu", "shi"]);
        assert_eq!(parsed.phrases, vec!["cotton shirt"]);
        assert_eq!(parsed.excluded, vec!["wool"]);
        assert!(parsed.open_ended);
    }

    #[test]
    fn a_finished_word_or_an_unclosed_quote_is_not_open_ended() {
        assert!(!ShopperText::parse("shirt ").open_ended);
        let unclosed = ShopperText::parse(r#"tee "blue sh"#);
        assert_eq!(unclosed.phrases, vec!["blue sh"]);
        assert!(!unclosed.open_ended);
        assert!(ShopperText::parse("  - ").is_empty());
    }
}
