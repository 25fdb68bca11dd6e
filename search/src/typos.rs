//! How many typos a word may carry and still match, by its length, as Meilisearch allows by
//! default: none under 5 characters, one from 5, two from 9. Both backends use this rule, so they
//! agree on what "bleu shrit" finds.

/// Words this long (in characters) or longer may carry one typo.
pub const ONE_TYPO_FROM: usize = 5;
/// Words this long or longer may carry two.
pub const TWO_TYPOS_FROM: usize = 9;

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
        assert_eq!(allowed_typos("bleu"), 0);
        assert_eq!(allowed_typos("shrit"), 1);
        assert_eq!(allowed_typos("sweatshrt"), 2);
        assert_eq!(allowed_typos("café"), 0);
    }
}
