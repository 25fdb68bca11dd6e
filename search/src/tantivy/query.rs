//! Shoppers' queries as Tantivy queries. Each word must match somewhere (title, keywords or
//! body), exactly or within the typos its length allows, the last one as a prefix while it is
//! being typed; phrases must match as written; excluded words must not match. A word scores by
//! where and how it matched (exact before fuzzy, title before keywords before body), so a
//! document's score is a small whole number that ranking can compare in buckets, like
//! Meilisearch's ranking rules. Filters score nothing.

use std::ops::Bound;

use tantivy::query::{
    BooleanQuery, ConstScoreQuery, DisjunctionMaxQuery, FuzzyTermQuery, Occur, PhraseQuery, Query,
    RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TokenStream;
use tantivy::{Index, Term};
use uuid::Uuid;

use super::schema::{Fields, Kind, WORDS, filter_value};
use crate::query::Filter;
use crate::text::ShopperText;
use crate::typos::allowed_typos;

type Clause = (Occur, Box<dyn Query>);

/// Which documents a query looks at: the store's of one kind, perhaps one collection's.
#[derive(Debug, Clone, Copy)]
pub struct Scope {
    pub store_id: Uuid,
    pub kind: Kind,
    pub collection: Option<Uuid>,
}

/// Builds queries against one index.
pub struct Queries<'a> {
    pub index: &'a Index,
    pub fields: &'a Fields,
}

impl Queries<'_> {
    /// Documents in `scope` matching `text`, narrowed by `filters` (grouped:
    /// alternatives within a group, groups ANDed).
    pub fn documents(
        &self,
        scope: Scope,
        text: &ShopperText,
        prefix: bool,
        filters: &[Vec<&Filter>],
    ) -> BooleanQuery {
        let mut clauses = vec![
            unscored(term(self.fields.store_term(scope.store_id))),
            unscored(term(self.fields.kind_term(scope.kind))),
        ];
        if let Some(collection) = scope.collection {
            clauses.push(unscored(term(self.fields.collection_term(collection))));
        }
        clauses.extend(self.text(text, prefix));
        for group in filters {
            let alternatives: Vec<Clause> = group
                .iter()
                .map(|filter| (Occur::Should, self.filter(filter)))
                .collect();
            clauses.push(unscored(Box::new(BooleanQuery::new(alternatives))));
        }
        BooleanQuery::new(clauses)
    }

    fn text(&self, text: &ShopperText, prefix: bool) -> Vec<Clause> {
        let mut clauses = Vec::new();
        let words: Vec<Vec<String>> = text.words.iter().map(|word| self.words(word)).collect();
        let last_word = words.len().saturating_sub(1);
        for (position, tokens) in words.iter().enumerate() {
            for (index, token) in tokens.iter().enumerate() {
                let open =
                    prefix && text.open_ended && position == last_word && index + 1 == tokens.len();
                clauses.push((Occur::Must, self.word(token, open)));
            }
        }
        for phrase in &text.phrases {
            let tokens = self.words(phrase);
            if !tokens.is_empty() {
                clauses.push((Occur::Must, self.phrase(&tokens)));
            }
        }
        for excluded in &text.excluded {
            for token in self.words(excluded) {
                let anywhere = self
                    .searched()
                    .map(|field| (Occur::Should, term(Term::from_field_text(field, &token))))
                    .collect();
                clauses.push((Occur::MustNot, Box::new(BooleanQuery::new(anywhere))));
            }
        }
        clauses
    }

    /// One word: the best of exact and fuzzy (or prefix) matches in each searched field.
    fn word(&self, token: &str, open: bool) -> Box<dyn Query> {
        let typos = allowed_typos(token);
        let mut disjuncts: Vec<Box<dyn Query>> = Vec::new();
        for (rank, field) in self.searched().enumerate() {
            let exact_score = 6.0 - rank as f32;
            let loose_score = 3.0 - rank as f32;
            let word = Term::from_field_text(field, token);
            disjuncts.push(Box::new(ConstScoreQuery::new(
                term(word.clone()),
                exact_score,
            )));
            let loose = match open {
                true => Some(FuzzyTermQuery::new_prefix(word, typos, true)),
                false if typos > 0 => Some(FuzzyTermQuery::new(word, typos, true)),
                false => None,
            };
            if let Some(loose) = loose {
                disjuncts.push(Box::new(ConstScoreQuery::new(Box::new(loose), loose_score)));
            }
        }
        Box::new(DisjunctionMaxQuery::new(disjuncts))
    }

    fn phrase(&self, tokens: &[String]) -> Box<dyn Query> {
        let in_field = |field: Field| -> Box<dyn Query> {
            match tokens {
                [single] => term(Term::from_field_text(field, single)),
                _ => Box::new(PhraseQuery::new(
                    tokens
                        .iter()
                        .map(|token| Term::from_field_text(field, token))
                        .collect(),
                )),
            }
        };
        let anywhere = self
            .searched()
            .map(|field| (Occur::Should, in_field(field)))
            .collect();
        Box::new(ConstScoreQuery::new(
            Box::new(BooleanQuery::new(anywhere)),
            6.0,
        ))
    }

    fn filter(&self, filter: &Filter) -> Box<dyn Query> {
        match filter {
            Filter::Available(available) => term(Term::from_field_u64(
                self.fields.available,
                u64::from(*available),
            )),
            Filter::Price { min, max } => {
                let bound = |value: &Option<i64>| match value {
                    Some(value) => Bound::Included(Term::from_field_i64(self.fields.price, *value)),
                    None => Bound::Unbounded,
                };
                Box::new(RangeQuery::new(bound(min), bound(max)))
            }
            other => {
                let value = filter_value(other).unwrap_or_default();
                term(Term::from_field_text(self.fields.filter, &value))
            }
        }
    }

    /// The searched fields, most important first.
    fn searched(&self) -> impl Iterator<Item = Field> + use<> {
        [self.fields.title, self.fields.keywords, self.fields.body].into_iter()
    }

    /// `text`'s words as the index holds them.
    pub fn words(&self, text: &str) -> Vec<String> {
        let mut analyzer = self
            .index
            .tokenizers()
            .get(WORDS)
            .expect("the words analyzer is registered when the index opens");
        let mut stream = analyzer.token_stream(text);
        let mut words = Vec::new();
        while stream.advance() {
            words.push(stream.token().text.clone());
        }
        words
    }
}

fn term(term: Term) -> Box<dyn Query> {
    Box::new(TermQuery::new(term, IndexRecordOption::Basic))
}

fn unscored(query: Box<dyn Query>) -> Clause {
    (Occur::Must, Box::new(ConstScoreQuery::new(query, 0.0)))
}
