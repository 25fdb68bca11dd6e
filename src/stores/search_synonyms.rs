//! A store's search synonyms: groups of terms a shopper may use for one another ("tee",
//! "t-shirt"). They live under the `search_synonyms` key of the store's settings document; admins
//! set them through `storeUpdate(input: {searchSynonyms})`. They are applied when a product is
//! indexed: a product whose words hold one term of a group is also found by the others (the same
//! on every search backend, and per store though the backends' indexes are shared).

use serde_json::Value;

use super::Store;
use crate::error::{AppError, InputErrorCode, Result};

/// Settings key of the synonyms.
pub const SEARCH_SYNONYMS: &str = "search_synonyms";

const MAX_GROUPS: usize = 500;
const MAX_TERMS: usize = 20;
const MAX_TERM_CHARS: usize = 50;

/// Groups of terms, each term as words in lower case separated by single spaces.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Synonyms {
    groups: Vec<Vec<String>>,
}

impl Synonyms {
    /// The store's synonyms; none when it has none.
    pub fn of(store: &Store) -> Synonyms {
        let groups = store
            .settings
            .get(SEARCH_SYNONYMS)
            .cloned()
            .and_then(|groups| serde_json::from_value(groups).ok())
            .unwrap_or_default();
        Synonyms { groups }
    }

    /// Checks groups as a merchant gives them: at most 500, each of 2 to 20 distinct terms of 1
    /// to 50 characters.
    pub fn parse(groups: Vec<Vec<String>>) -> Result<Synonyms> {
        let refuse =
            |code, message: String| Err(AppError::invalid(&["searchSynonyms"], code, message));
        if groups.len() > MAX_GROUPS {
            return refuse(
                InputErrorCode::TooMany,
                format!("at most {MAX_GROUPS} groups of synonyms"),
            );
        }
        let mut parsed = Vec::with_capacity(groups.len());
        for group in groups {
            let mut terms: Vec<String> = group.iter().map(|term| normalized(term)).collect();
            if let Some(term) = group
                .iter()
                .find(|term| term.chars().count() > MAX_TERM_CHARS)
            {
                return refuse(
                    InputErrorCode::TooLong,
                    format!("`{term}` is longer than {MAX_TERM_CHARS} characters"),
                );
            }
            if terms.iter().any(String::is_empty) {
                return refuse(InputErrorCode::Blank, "a synonym can't be blank".into());
            }
            terms.sort();
            terms.dedup();
            if terms.len() < 2 || terms.len() > MAX_TERMS {
                return refuse(
                    InputErrorCode::Invalid,
                    format!("a group holds 2 to {MAX_TERMS} different terms"),
                );
            }
            parsed.push(terms);
        }
        Ok(Synonyms { groups: parsed })
    }

    pub fn groups(&self) -> &[Vec<String>] {
        &self.groups
    }

    /// Writes the synonyms into a store's settings document.
    pub fn apply(&self, settings: &mut Value) {
        settings[SEARCH_SYNONYMS] = serde_json::json!(self.groups);
    }

    /// The terms a text is also found by: the other terms of every group one of whose terms it
    /// holds as whole words.
    pub fn expand(&self, text: &str) -> Vec<String> {
        let text = format!(" {} ", normalized(text));
        let mut also = Vec::new();
        for group in &self.groups {
            if group.iter().any(|term| text.contains(&format!(" {term} "))) {
                also.extend(
                    group
                        .iter()
                        .filter(|term| !text.contains(&format!(" {term} ")))
                        .cloned(),
                );
            }
        }
        also.sort();
        also.dedup();
        also
    }
}

/// Words in lower case, split on anything but letters and digits, joined by single spaces.
fn normalized(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups(groups: &[&[&str]]) -> Vec<Vec<String>> {
        groups
            .iter()
            .map(|group| group.iter().map(|term| term.to_string()).collect())
            .collect()
    }

    #[test]
    fn a_text_is_found_by_the_other_terms_of_the_groups_it_holds_as_whole_words() {
        let synonyms = Synonyms::parse(groups(&[
            &["Tee", "T-Shirt"],
            &["trousers", "pants", "slacks"],
        ]))
        .unwrap();
        assert_eq!(synonyms.expand("Red tee"), ["t shirt"]);
        assert_eq!(synonyms.expand("Linen T-shirt"), ["tee"]);
        assert_eq!(synonyms.expand("Wool Pants"), ["slacks", "trousers"]);
        assert!(
            synonyms.expand("Teepee tent").is_empty(),
            "whole words only"
        );
    }

    #[test]
    fn groups_are_checked() {
        let refused = |given: &[&[&str]]| Synonyms::parse(groups(given)).unwrap_err().to_string();
        assert!(refused(&[&["tee"]]).contains("2 to 20"));
        assert!(refused(&[&["tee", "TEE"]]).contains("2 to 20"));
        assert!(refused(&[&["tee", " - "]]).contains("blank"));
        let long = "x".repeat(51);
        assert!(refused(&[&["tee", long.as_str()]]).contains("longer"));
    }
}
