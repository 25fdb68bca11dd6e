//! Read your writes: the tags a request's own writes invalidate, collected while it runs so the
//! endpoint can purge them before it answers. A merchant who saves a product and reloads the
//! storefront sees the change at once, without waiting for the purge worker, which still purges
//! every recorded invalidation (durably, for the CDN and for writes made outside a request).

use std::cell::RefCell;
use std::future::Future;

tokio::task_local! {
    static WRITTEN: RefCell<Vec<String>>;
}

/// Notes tags a write of the current request invalidates (nothing outside a request).
pub fn note(tags: &[String]) {
    let _ = WRITTEN.try_with(|written| written.borrow_mut().extend_from_slice(tags));
}

/// Runs `work`, returning its output and the tags its writes noted.
pub async fn collect<F: Future>(work: F) -> (F::Output, Vec<String>) {
    WRITTEN
        .scope(RefCell::new(Vec::new()), async {
            let output = work.await;
            let mut tags = WRITTEN.with(|written| written.take());
            tags.sort();
            tags.dedup();
            (output, tags)
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn tags_noted_inside_are_collected_once_and_outside_are_ignored() {
        note(&["pr-outside".to_string()]);
        let ((), tags) = collect(async {
            note(&["pr-b".to_string(), "pr-a".to_string()]);
            note(&["pr-a".to_string()]);
        })
        .await;
        assert_eq!(tags, vec!["pr-a".to_string(), "pr-b".to_string()]);
    }
}
