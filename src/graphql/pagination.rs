//! Relay pagination (`first/after`, `last/before`) over offset windows. Cursors are opaque
//! base64 strings holding the item's position in the listing; at most 250 items per page.

use std::future::Future;

use async_graphql::connection::{Connection, Edge, EmptyFields};
use async_graphql::{ObjectType, OutputType};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::error::{AppError, Result};

pub const MAX_PAGE_SIZE: i32 = 250;

/// The pagination arguments of a connection field.
#[derive(Debug, Clone, Default)]
pub struct PageArgs {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
}

/// One page: each item with its position, and whether more lie on either side.
pub struct Page<T> {
    pub items: Vec<(u64, T)>,
    pub has_previous: bool,
    pub has_next: bool,
}

impl<T> Page<T> {
    /// The page as a Relay connection with extra connection fields.
    pub fn into_connection<N, E>(self, wrap: impl Fn(T) -> N, extra: E) -> Connection<String, N, E>
    where
        N: OutputType,
        E: ObjectType,
    {
        let mut connection =
            Connection::with_additional_fields(self.has_previous, self.has_next, extra);
        connection.edges = self
            .items
            .into_iter()
            .map(|(position, item)| Edge::new(encode_cursor(position), wrap(item)))
            .collect();
        connection
    }

    /// The page as a plain Relay connection.
    pub fn connection<N: OutputType>(self, wrap: impl Fn(T) -> N) -> Connection<String, N> {
        self.into_connection(wrap, EmptyFields)
    }
}

fn encode_cursor(position: u64) -> String {
    URL_SAFE_NO_PAD.encode(format!("v1:{position}"))
}

fn decode_cursor(cursor: &str) -> Result<u64> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.strip_prefix("v1:").and_then(|n| n.parse().ok()))
        .ok_or_else(|| AppError::BadRequest(format!("`{cursor}` is not a valid cursor")))
}

fn page_size(name: &str, value: Option<i32>) -> Result<Option<u64>> {
    match value {
        Some(n) if !(0..=MAX_PAGE_SIZE).contains(&n) => Err(AppError::BadRequest(format!(
            "`{name}` must be between 0 and {MAX_PAGE_SIZE}"
        ))),
        other => Ok(other.map(|n| n as u64)),
    }
}

/// Fetches one page. `fetch(offset, limit)` returns items of the listing in order; `count()` the
/// listing's length (only called for `last` without `before`).
pub async fn fetch_page<T, F, Fut, C, CFut>(args: &PageArgs, fetch: F, count: C) -> Result<Page<T>>
where
    F: FnOnce(u64, u64) -> Fut,
    Fut: Future<Output = Result<Vec<T>>>,
    C: FnOnce() -> CFut,
    CFut: Future<Output = Result<u64>>,
{
    let first = page_size("first", args.first)?;
    let last = page_size("last", args.last)?;
    let start = match &args.after {
        Some(cursor) => decode_cursor(cursor)? + 1,
        None => 0,
    };
    let end = args.before.as_deref().map(decode_cursor).transpose()?;
    match (first, last) {
        (None, None) => Err(AppError::BadRequest(
            "you must provide one of `first` or `last`".into(),
        )),
        (Some(first), last) => {
            let limit = end.map_or(first, |end| first.min(end.saturating_sub(start)));
            let mut items = fetch(start, limit + 1).await?;
            let has_next = items.len() as u64 > limit;
            items.truncate(limit as usize);
            let skip = last.map_or(0, |last| items.len().saturating_sub(last as usize));
            let offset = start + skip as u64;
            Ok(Page {
                items: positioned(items.into_iter().skip(skip).collect(), offset),
                has_previous: offset > 0,
                has_next,
            })
        }
        (None, Some(last)) => {
            let end = match end {
                Some(end) => end,
                None => count().await?,
            };
            let offset = start.max(end.saturating_sub(last));
            let items = fetch(offset, end.saturating_sub(offset)).await?;
            Ok(Page {
                items: positioned(items, offset),
                has_previous: offset > 0,
                has_next: args.before.is_some(),
            })
        }
    }
}

/// Pages through a list already in memory (a product's variants or images).
pub async fn page_of_vec<T: Clone>(args: &PageArgs, all: Vec<T>) -> Result<Page<T>> {
    let total = all.len() as u64;
    fetch_page(
        args,
        |offset, limit| {
            let items = all
                .iter()
                .skip(offset as usize)
                .take(limit as usize)
                .cloned()
                .collect();
            async move { Ok(items) }
        },
        || async move { Ok(total) },
    )
    .await
}

fn positioned<T>(items: Vec<T>, offset: u64) -> Vec<(u64, T)> {
    items
        .into_iter()
        .enumerate()
        .map(|(index, item)| (offset + index as u64, item))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(
        first: Option<i32>,
        after: Option<u64>,
        last: Option<i32>,
        before: Option<u64>,
    ) -> PageArgs {
        PageArgs {
            first,
            after: after.map(encode_cursor),
            last,
            before: before.map(encode_cursor),
        }
    }

    async fn positions(args: PageArgs) -> (Vec<u64>, bool, bool) {
        let page = page_of_vec(&args, (0..10).collect::<Vec<u64>>())
            .await
            .unwrap();
        (
            page.items.iter().map(|(_, v)| *v).collect(),
            page.has_previous,
            page.has_next,
        )
    }

    #[tokio::test]
    async fn forward_and_backward_pages_meet_in_the_middle() {
        assert_eq!(
            positions(args(Some(3), None, None, None)).await,
            (vec![0, 1, 2], false, true)
        );
        assert_eq!(
            positions(args(Some(3), Some(8), None, None)).await,
            (vec![9], true, false)
        );
        assert_eq!(
            positions(args(None, None, Some(3), None)).await,
            (vec![7, 8, 9], true, false)
        );
        assert_eq!(
            positions(args(None, None, Some(3), Some(2))).await,
            (vec![0, 1], false, true)
        );
    }

    #[tokio::test]
    async fn oversized_pages_and_bad_cursors_are_refused() {
        assert!(
            page_of_vec(&args(Some(251), None, None, None), vec![1])
                .await
                .is_err()
        );
        assert!(page_of_vec(&PageArgs::default(), vec![1]).await.is_err());
        let bad = PageArgs {
            first: Some(1),
            after: Some("nope".into()),
            ..PageArgs::default()
        };
        assert!(page_of_vec(&bad, vec![1]).await.is_err());
    }
}
