//! Read your writes: the invalidations a request's own writes recorded, collected while it runs
//! so the endpoint purges them before it answers and marks them purged at the origin. A
//! merchant who saves a product and reloads the storefront sees the change at once, and the
//! purge worker leaves these rows to the request for a few seconds (it purges them should the
//! request die first) and sends them on to the CDN.

use std::cell::RefCell;
use std::future::Future;

use uuid::Uuid;

tokio::task_local! {
    static WRITTEN: RefCell<Written>;
}

/// What a request's writes invalidated: the rows recorded and their tags.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Written {
    pub rows: Vec<Uuid>,
    pub tags: Vec<String>,
}

impl Written {
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// Notes a recorded invalidation; whether a request collects it (false outside requests).
pub fn note(row: Uuid, tags: &[String]) -> bool {
    WRITTEN
        .try_with(|written| {
            let mut written = written.borrow_mut();
            written.rows.push(row);
            written.tags.extend_from_slice(tags);
        })
        .is_ok()
}

/// Runs `work`, returning its output and what its writes invalidated.
pub async fn collect<F: Future>(work: F) -> (F::Output, Written) {
    WRITTEN
        .scope(RefCell::new(Written::default()), async {
            let output = work.await;
            let mut written = WRITTEN.with(|written| written.take());
            written.tags.sort();
            written.tags.dedup();
            (output, written)
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn invalidations_noted_inside_are_collected_and_outside_are_not() {
        let outside = Uuid::now_v7();
        assert!(!note(outside, &["pr-outside".to_string()]));
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let ((), written) = collect(async {
            assert!(note(a, &["pr-b".to_string(), "pr-a".to_string()]));
            assert!(note(b, &["pr-a".to_string()]));
        })
        .await;
        assert_eq!(written.rows, vec![a, b]);
        assert_eq!(written.tags, vec!["pr-a".to_string(), "pr-b".to_string()]);
    }
}
