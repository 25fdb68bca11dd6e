//! Relay pagination (`first/after`, `last/before`), at most 250 items per page, over two kinds of
//! lists: product listings read in keyset windows (the cursor holds the item's sort value and id),
//! and short lists read by offset (the cursor holds the item's position). Cursors are opaque
//! base64 strings; a malformed one is a `BAD_USER_INPUT` error, never a crash.

use std::future::Future;

use async_graphql::connection::{Connection, Edge, EmptyFields};
use async_graphql::{ObjectType, OutputType};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, SecondsFormat, Utc};
use uuid::Uuid;

use crate::catalog::listing::{Listed, ListingKey, SortValue, Window};
use crate::error::{AppError, Result};

pub const MAX_PAGE_SIZE: i32 = 250;
/// The furthest position an offset cursor may name (offset lists are short).
const MAX_POSITION: u64 = 1 << 31;

/// The cost of a connection field (see `limits`): itself, plus what it selects once per item it
/// may return. A page size that is missing or negative is refused when the field runs.
pub fn page_cost(first: Option<i32>, last: Option<i32>, child_complexity: usize) -> usize {
    let size = match (first, last) {
        (Some(first), Some(last)) => first.min(last),
        (Some(size), None) | (None, Some(size)) => size,
        (None, None) => 1,
    };
    let size = usize::try_from(size).unwrap_or(0);
    size.saturating_mul(child_complexity).saturating_add(1)
}

/// The pagination arguments of a connection field.
#[derive(Debug, Clone, Default)]
pub struct PageArgs {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
}

/// One page: each item with its cursor, and whether more lie on either side.
pub struct Page<T> {
    pub items: Vec<(String, T)>,
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
            .map(|(cursor, item)| Edge::new(cursor, wrap(item)))
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
    cursor_text(cursor)
        .and_then(|text| text.strip_prefix("v1:").and_then(|n| n.parse().ok()))
        .filter(|position| *position <= MAX_POSITION)
        .ok_or_else(|| invalid_cursor(cursor))
}

fn cursor_text(cursor: &str) -> Option<String> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
}

fn invalid_cursor(cursor: &str) -> AppError {
    AppError::BadRequest(format!("`{cursor}` is not a valid cursor"))
}

/// The cursor of a product in a listing: `v2:{order}:{kind}:{id}:{sort value}`.
pub fn encode_key(key: &ListingKey) -> String {
    let (kind, value) = match &key.value {
        SortValue::None => ("i", String::new()),
        SortValue::Text(text) => ("t", text.clone()),
        SortValue::Number(number) => ("n", number.to_string()),
        SortValue::Time(time) => ("d", time.to_rfc3339_opts(SecondsFormat::Nanos, true)),
    };
    URL_SAFE_NO_PAD.encode(format!("v2:{}:{kind}:{}:{value}", key.sort, key.id))
}

fn decode_key(cursor: &str) -> Result<ListingKey> {
    let text = cursor_text(cursor).ok_or_else(|| invalid_cursor(cursor))?;
    let mut parts = text.splitn(5, ':');
    let (Some("v2"), Some(sort), Some(kind), Some(id), Some(value)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(invalid_cursor(cursor));
    };
    let id = Uuid::parse_str(id).map_err(|_| invalid_cursor(cursor))?;
    let value = match kind {
        "i" => Some(SortValue::None),
        "t" => Some(SortValue::Text(value.to_string())),
        "n" => value.parse().ok().map(SortValue::Number),
        "d" => DateTime::parse_from_rfc3339(value)
            .ok()
            .map(|time| SortValue::Time(time.with_timezone(&Utc))),
        _ => None,
    };
    let value = value.ok_or_else(|| invalid_cursor(cursor))?;
    Ok(ListingKey {
        sort: sort.to_string(),
        value,
        id,
    })
}

/// Fetches one page of a keyset listing; `fetch(window)` returns the listing's products strictly
/// between the window's keys, at most `limit`, in listing order.
pub async fn keyset_page<F, Fut>(args: &PageArgs, fetch: F) -> Result<Page<Listed>>
where
    F: FnOnce(Window) -> Fut,
    Fut: Future<Output = Result<Vec<Listed>>>,
{
    let first = page_size("first", args.first)?;
    let last = page_size("last", args.last)?;
    let after = args.after.as_deref().map(decode_key).transpose()?;
    let before = args.before.as_deref().map(decode_key).transpose()?;
    let (had_after, had_before) = (after.is_some(), before.is_some());
    let keyed = |items: Vec<Listed>| {
        items
            .into_iter()
            .map(|listed| (encode_key(&listed.key), listed))
            .collect()
    };
    match (first, last) {
        (None, None) => Err(AppError::BadRequest(
            "you must provide one of `first` or `last`".into(),
        )),
        (Some(first), last) => {
            let window = Window {
                after,
                before,
                limit: first + 1,
                from_end: false,
                offset: 0,
            };
            let mut items = fetch(window).await?;
            let has_next = items.len() as u64 > first;
            items.truncate(first as usize);
            let skip = last.map_or(0, |last| items.len().saturating_sub(last as usize));
            items.drain(..skip);
            Ok(Page {
                items: keyed(items),
                has_previous: had_after || skip > 0,
                has_next,
            })
        }
        (None, Some(last)) => {
            let window = Window {
                after,
                before,
                limit: last + 1,
                from_end: true,
                offset: 0,
            };
            let mut items = fetch(window).await?;
            let has_previous = items.len() as u64 > last;
            if has_previous {
                items.remove(0);
            }
            Ok(Page {
                items: keyed(items),
                has_previous,
                has_next: had_before,
            })
        }
    }
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
    // Positions are at most MAX_POSITION, so `+ 1` cannot overflow.
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

fn positioned<T>(items: Vec<T>, offset: u64) -> Vec<(String, T)> {
    items
        .into_iter()
        .enumerate()
        .map(|(index, item)| (encode_cursor(offset + index as u64), item))
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

    #[tokio::test]
    async fn a_cursor_at_the_end_of_u64_is_refused_not_overflowed() {
        let huge = PageArgs {
            first: Some(1),
            after: Some(URL_SAFE_NO_PAD.encode(format!("v1:{}", u64::MAX))),
            ..PageArgs::default()
        };
        assert!(matches!(
            page_of_vec(&huge, vec![1]).await,
            Err(AppError::BadRequest(_))
        ));
    }

    #[test]
    fn listing_keys_round_trip_through_their_cursors() {
        let id = Uuid::now_v7();
        let values = [
            SortValue::None,
            SortValue::Text("Tee: blue / L".into()),
            SortValue::Number(-42),
            SortValue::Time(Utc::now()),
        ];
        for value in values {
            let key = ListingKey {
                sort: "title".into(),
                value,
                id,
            };
            assert_eq!(decode_key(&encode_key(&key)).unwrap(), key);
        }
        for bad in [
            "v2:price:n:not-a-uuid:1",
            "v2:price:n:00000000-0000-0000-0000-000000000000:x",
            "v2:n:00000000-0000-0000-0000-000000000000:1",
            "v9:i",
        ] {
            assert!(decode_key(&URL_SAFE_NO_PAD.encode(bad)).is_err(), "{bad}");
        }
    }
}
