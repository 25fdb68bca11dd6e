//! What admin mutations share: decoding the global IDs they are given into typed input errors,
//! and the `SEOInput` object.

use async_graphql::{ID, InputObject};
use uuid::Uuid;

use crate::error::{AppError, InputErrorCode, Result};
use crate::ids::{self, GidKind};

/// The UUID of a global ID of `kind`, or a `NOT_FOUND` input error on `field`.
pub fn decode_id(kind: GidKind, id: &ID, field: &[&str]) -> Result<Uuid> {
    ids::decode(kind, id).ok_or_else(|| {
        AppError::invalid(
            field,
            InputErrorCode::NotFound,
            format!("no {} with this id", kind.name()),
        )
    })
}

/// The UUIDs of a list of global IDs; the error names the position of the first bad one.
pub fn decode_ids(kind: GidKind, list: &[ID], field: &str) -> Result<Vec<Uuid>> {
    list.iter()
        .enumerate()
        .map(|(index, id)| decode_id(kind, id, &[field, &index.to_string()]))
        .collect()
}

/// Search-engine title and description.
#[derive(InputObject, Default)]
#[graphql(name = "SEOInput")]
pub struct SeoInput {
    /// The page title.
    pub title: Option<String>,
    /// The page description.
    pub description: Option<String>,
}

impl SeoInput {
    /// The title and description of an optional SEO input.
    pub fn split(seo: Option<SeoInput>) -> (Option<String>, Option<String>) {
        seo.map_or((None, None), |seo| (seo.title, seo.description))
    }
}
