//! Reading Apollo's `extensions.persistedQuery` of a request: `{version: 1, sha256Hash}`.

use async_graphql::Extensions;
use async_graphql::Value;

use super::{Refused, refusals};
use crate::documents::is_sha256_hex;

/// The only version of the protocol.
const VERSION: i64 = 1;

/// What a request's `persistedQuery` extension names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersistedQuery {
    /// The lowercase hex SHA-256 of the document's text.
    pub hash: String,
}

/// The persisted query a request names, if it names one; a malformed or unsupported one is
/// refused.
pub fn read(extensions: &Extensions) -> Result<Option<PersistedQuery>, Refused> {
    let Some(value) = extensions.0.get("persistedQuery") else {
        return Ok(None);
    };
    let Value::Object(fields) = value else {
        return Err(refusals::malformed(
            "extensions.persistedQuery must be an object",
        ));
    };
    let version = match fields.get("version") {
        Some(Value::Number(number)) => number.as_i64(),
        _ => None,
    };
    if version != Some(VERSION) {
        return Err(refusals::unsupported_version());
    }
    match fields.get("sha256Hash") {
        Some(Value::String(hash)) if is_sha256_hex(&hash.to_ascii_lowercase()) => {
            Ok(Some(PersistedQuery {
                hash: hash.to_ascii_lowercase(),
            }))
        }
        _ => Err(refusals::malformed(
            "extensions.persistedQuery.sha256Hash must be a hex SHA-256 of the document",
        )),
    }
}
