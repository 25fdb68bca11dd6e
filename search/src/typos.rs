//! How many typos a word may carry and still match, by its length: none under 4 characters, one
//! from 4, two from 8. That is Meilisearch's rule shifted down by one character (its defaults are
//! 5 and 9), so that four-letter words forgive a typo ("bleu shrit" finds the blue shirt); the
//! Meilisearch backend sets these sizes on its indexes and the Tantivy backend builds its fuzzy
//! terms from them, so both agree. A transposition counts as one typo.

/// Words this long (in characters) or longer may carry one typo.
pub const ONE_TYPO_FROM: usize = 4;
/// Words this long or longer may carry two.
pub const TWO_TYPOS_FROM: usize = 8;

/// The edit distance a query word of this text may be from an indexed word.
pub fn allowed_typos(word: &str) -> u8 {
    match word.chars().count() {
        n if n >= TWO_TYPOS_FROM => 2,
        n if n >= ONE_TYPO_FROM => 1,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longer_words_may_carry_more_typos() {
        assert_eq!(allowed_typos("tee"), 0);
        assert_eq!(allowed_typos("bleu"), 1);
        assert_eq!(allowed_typos("shrit"), 1);
        assert_eq!(allowed_typos("sweatshrt"), 2);
        assert_eq!(allowed_typos("café"), 1);
    }
}
