//! Completed queries for predictive search, drawn from the titles of the products the typed text
//! finds: the shopper's last word completed to a title word that starts with it ("blue sh" gives
//! "blue shirt"), the part that matches what was typed marked as Shopify's `styledText` marks
//! matching portions: `<mark>blue sh</mark>irt`.

use crate::results::{Hit, QuerySuggestion};
use crate::text::ShopperText;

/// How many product titles a suggestion reads to find completions.
pub const TITLES_READ: usize = 20;

/// Up to `limit` distinct completed queries, in the order of the hits they come from.
pub fn queries(typed: &str, hits: &[Hit], limit: usize) -> Vec<QuerySuggestion> {
    let parsed = ShopperText::parse(typed);
    let Some(last) = parsed.words.last() else {
        return Vec::new();
    };
    let stem = last.to_lowercase();
    let before: Vec<String> = parsed.words[..parsed.words.len() - 1]
        .iter()
        .map(|word| word.to_lowercase())
        .collect();
    let mut suggestions: Vec<QuerySuggestion> = Vec::new();
    for hit in hits {
        let title = hit.title.to_lowercase();
        let completions = title
            .split(|c: char| !c.is_alphanumeric())
            .filter(|word| word.starts_with(&stem) && word.len() >= stem.len());
        for word in completions {
            let mut text = before.join(" ");
            if !text.is_empty() {
                text.push(' ');
            }
            let styled = format!("<mark>{text}{stem}</mark>{}", &word[stem.len()..]);
            text.push_str(word);
            if suggestions.iter().all(|known| known.text != text) {
                suggestions.push(QuerySuggestion { text, styled });
            }
            if suggestions.len() == limit {
                return suggestions;
            }
        }
    }
    suggestions
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn hit(title: &str) -> Hit {
        Hit {
            id: Uuid::nil(),
            title: title.into(),
        }
    }

    #[test]
    fn the_last_word_is_completed_from_titles_once_each() {
        let hits = [
            hit("Blue Shirt"),
            hit("Blue shirt, long"),
            hit("Short Shorts"),
        ];
        let suggestions = queries("Blue sh", &hits, 5);
        let texts: Vec<&str> = suggestions.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts, vec!["blue shirt", "blue short", "blue shorts"]);
        assert_eq!(suggestions[0].styled, "<mark>blue sh</mark>irt");
    }

    #[test]
    fn a_complete_word_is_marked_whole_and_the_limit_holds() {
        let suggestions = queries("shirt", &[hit("Shirt"), hit("Shirts")], 1);
        assert_eq!(
            suggestions,
            vec![QuerySuggestion {
                text: "shirt".into(),
                styled: "<mark>shirt</mark>".into()
            }]
        );
        assert!(queries("", &[hit("Shirt")], 3).is_empty());
    }
}
