//! Crash points: places where a test can make a request die as a crashing server would, to prove
//! that what was committed before is finished by the completer. They exist only in builds with
//! the `failpoints` feature (the test suite's) and do nothing until a test configures one with
//! `fail::cfg(name, "return(<store id>)")`; then they panic for that store's requests only, so
//! tests of other stores running at the same time are untouched.

use crate::stores::Store;

/// Dies here if a test asked for it, for this store.
pub fn point(name: &str, store: &Store) {
    #[cfg(feature = "failpoints")]
    fail::fail_point!(name, |target: Option<String>| {
        if target.as_deref() == Some(store.id.to_string().as_str()) {
            panic!("crash point {name}");
        }
    });
    let _ = (name, store);
}
