//! Password hashing with argon2id at the crate's default cost, run on the blocking pool: a hash
//! takes tens of milliseconds of CPU by design, which must not stall the async workers. Checking
//! a sign-in for an unknown email verifies against a dummy hash of the same cost, so how long
//! the answer takes does not tell whether the email has an account.

use anyhow::Context;
use argon2::Argon2;
use argon2::password_hash::{self, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use crate::error::{AppError, Result};

/// The argon2id hash (default parameters) of a random password that was thrown away. A unit test
/// keeps its parameters equal to those of fresh hashes, so verifying against it costs the same.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$d536hzzJXOKAORMsPGa+Yw$RC5cSI8YRoIToTrP4oxlzuZoFI+tuUD4KCxyQxWQs04";

/// The PHC string (`$argon2id$v=19$…`) of `password` with a fresh random salt.
pub async fn hash(password: String) -> Result<String> {
    blocking(move || {
        let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>()).map_err(internal)?;
        let hash = Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map_err(internal)?;
        Ok(hash.to_string())
    })
    .await
}

/// Whether `password` matches the `stored` hash. Without one (no such customer, or a customer
/// who never set a password) it verifies against the dummy hash and answers no, in the same time.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool> {
    blocking(move || {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| DUMMY_HASH.to_string());
        let parsed = PasswordHash::new(&stored).map_err(internal)?;
        match Argon2::default().verify_password(password.as_bytes(), &parsed) {
            Ok(()) => Ok(known),
            Err(password_hash::Error::Password) => Ok(false),
            Err(other) => Err(internal(other)),
        }
    })
    .await
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .context("Failed to run password hashing")?
}

/// `password_hash::Error` is not a `std::error::Error` without the crate's `std` feature.
fn internal(err: password_hash::Error) -> AppError {
    AppError::Internal(anyhow::anyhow!("Password hashing failed: {err}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_password_verifies_against_its_hash_only() {
        let hash = hash("correct horse".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(
            verify("correct horse".into(), Some(hash.clone()))
                .await
                .unwrap()
        );
        assert!(!verify("wrong horse".into(), Some(hash)).await.unwrap());
        assert!(!verify("correct horse".into(), None).await.unwrap());
    }

    #[tokio::test]
    async fn the_dummy_hash_costs_what_a_fresh_hash_costs() {
        let fresh = hash("anything".into()).await.unwrap();
        let fresh = PasswordHash::new(&fresh).unwrap();
        let dummy = PasswordHash::new(DUMMY_HASH).unwrap();
        assert_eq!(dummy.algorithm, fresh.algorithm);
        assert_eq!(dummy.version, fresh.version);
        assert_eq!(dummy.params, fresh.params);
        assert_eq!(dummy.salt.map(|s| s.len()), fresh.salt.map(|s| s.len()));
    }
}
