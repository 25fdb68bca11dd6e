//! Stripe's webhook signatures, checked as Stripe's own libraries check them: the
//! `Stripe-Signature` header is `t=<unix seconds>,v1=<hex>[,v1=<hex>…]` (other schemes ignored),
//! a `v1` is the HMAC-SHA256 of `"<t>.<raw body>"` under the endpoint's signing secret, any one
//! matching `v1` will do (Stripe sends several while a secret is being rolled), compared in
//! constant time, and a timestamp more than five minutes old is refused so a captured request
//! cannot be replayed later. Every retry of an event is signed afresh.

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The header Stripe signs webhook requests in.
pub const HEADER: &str = "Stripe-Signature";

/// How old, in seconds, a signature may be (Stripe's libraries' default).
pub const TOLERANCE_SECONDS: i64 = 300;

/// Why a webhook request is not Stripe's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the request has no Stripe-Signature header")]
    Missing,
    #[error("unable to extract a timestamp and v1 signatures from the Stripe-Signature header")]
    Malformed,
    #[error("no signature matches the expected signature for the payload")]
    Mismatch,
    #[error("the signature's timestamp is outside the tolerance zone ({age} s old)")]
    Stale { age: i64 },
}

/// The `Stripe-Signature` header value Stripe would send with `payload` at `timestamp`.
pub fn sign(secret: &str, payload: &[u8], timestamp: i64) -> String {
    let signature = signed(secret, timestamp, payload)
        .map(|mac| hex::encode(mac.finalize().into_bytes()))
        .unwrap_or_default();
    format!("t={timestamp},v1={signature}")
}

/// Checks that `header` signs `payload` with `secret`, at most `TOLERANCE_SECONDS` before `now`
/// (unix seconds).
pub fn verify(
    secret: &str,
    header: Option<&str>,
    payload: &[u8],
    now: i64,
) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for item in header.split(',') {
        match item.split_once('=') {
            Some(("t", value)) => timestamp = value.parse::<i64>().ok(),
            Some(("v1", value)) => signatures.push(value),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if signatures.is_empty() {
        return Err(SignatureError::Malformed);
    }
    let expected = signed(secret, timestamp, payload).ok_or(SignatureError::Mismatch)?;
    let matches = signatures.iter().any(|signature| {
        hex::decode(signature)
            .ok()
            .is_some_and(|bytes| expected.clone().verify_slice(&bytes).is_ok())
    });
    if !matches {
        return Err(SignatureError::Mismatch);
    }
    let age = now - timestamp;
    if age > TOLERANCE_SECONDS {
        return Err(SignatureError::Stale { age });
    }
    Ok(())
}

/// The MAC of `"<timestamp>.<payload>"`; `None` only for a key HMAC refuses (it takes any).
fn signed(secret: &str, timestamp: i64, payload: &[u8]) -> Option<HmacSha256> {
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).ok()?;
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(payload);
    Some(mac)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test_secret";
    const BODY: &[u8] = br#"{"id":"evt_1","type":"payment_intent.succeeded"}"#;
    const NOW: i64 = 1_700_000_000;

    #[test]
    fn a_signature_made_by_sign_verifies_and_matches_stripes_own_scheme() {
        let header = sign(SECRET, BODY, NOW);
        assert_eq!(verify(SECRET, Some(&header), BODY, NOW), Ok(()));
        assert_eq!(verify(SECRET, Some(&header), BODY, NOW + 300), Ok(()));
        // The HMAC-SHA256 of "1700000000.{BODY}" under SECRET, computed with Python's hmac.
        let known =
            "t=1700000000,v1=22d8dc182f5c588077683bd378368e29765bfe5df2560112b4f28fef120f0e31";
        assert_eq!(header, known);
    }

    #[test]
    fn any_one_of_several_v1_signatures_will_do_and_other_schemes_are_ignored() {
        let good = sign(SECRET, BODY, NOW);
        let v1 = good.split_once(",v1=").unwrap().1;
        let header = format!("t={NOW},v0=abc,v1={},v1={v1}", "00".repeat(32));
        assert_eq!(verify(SECRET, Some(&header), BODY, NOW), Ok(()));
    }

    #[test]
    fn missing_malformed_wrong_and_stale_signatures_are_refused() {
        let good = sign(SECRET, BODY, NOW);
        assert_eq!(
            verify(SECRET, None, BODY, NOW),
            Err(SignatureError::Missing)
        );
        for malformed in ["", "v1=abc", "t=abc,v1=00", &format!("t={NOW}")] {
            assert_eq!(
                verify(SECRET, Some(malformed), BODY, NOW),
                Err(SignatureError::Malformed),
                "{malformed}"
            );
        }
        assert_eq!(
            verify("whsec_other", Some(&good), BODY, NOW),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(SECRET, Some(&good), b"{\"id\":\"evt_2\"}", NOW),
            Err(SignatureError::Mismatch)
        );
        let not_hex = format!("t={NOW},v1=zz");
        assert_eq!(
            verify(SECRET, Some(&not_hex), BODY, NOW),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(SECRET, Some(&good), BODY, NOW + 301),
            Err(SignatureError::Stale { age: 301 })
        );
    }
}
