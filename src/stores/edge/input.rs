//! Changing a store's edge settings: an admin's input is checked as a whole and then written
//! under the settings' `edge` key, where `EdgeSettings::of` reads it. A cache policy is given
//! whole (its four lifetimes), so the stored one is always complete.

use serde_json::{Value, json};

use super::{CachePolicy, EDGE};
use crate::error::{AppError, InputErrorCode, Result};

/// The longest lifetime a policy may name: a year, in seconds.
pub const MAX_LIFETIME_SECONDS: i64 = 365 * 24 * 3600;

/// Edge settings to change; absent fields stay as they are.
#[derive(Debug, Clone, Default)]
pub struct EdgeSettingsInput {
    /// Whether anonymous storefront requests may only run trusted documents.
    pub trusted_documents_only: Option<bool>,
    /// The lifetimes of catalog responses.
    pub catalog: Option<CachePolicyInput>,
    /// The lifetimes of live-stock responses.
    pub stock: Option<CachePolicyInput>,
}

/// A cache policy as an admin gives it, in seconds, not yet checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CachePolicyInput {
    pub max_age: i64,
    pub s_maxage: i64,
    pub stale_while_revalidate: i64,
    pub stale_if_error: i64,
}

impl CachePolicyInput {
    /// The policy, if every lifetime lies between 0 and a year; `field` names the input.
    fn parse(self, field: &str) -> Result<CachePolicy> {
        let lifetime = |seconds: i64, name: &str| -> Result<u32> {
            let path = ["edge", field, name];
            if seconds < 0 {
                return Err(AppError::invalid(
                    &path,
                    InputErrorCode::GreaterThanOrEqualTo,
                    "must be 0 or more seconds",
                ));
            }
            if seconds > MAX_LIFETIME_SECONDS {
                return Err(AppError::invalid(
                    &path,
                    InputErrorCode::LessThanOrEqualTo,
                    format!("must be at most {MAX_LIFETIME_SECONDS} seconds"),
                ));
            }
            u32::try_from(seconds).map_err(|err| AppError::Internal(err.into()))
        };
        Ok(CachePolicy {
            max_age: lifetime(self.max_age, "maxAge")?,
            s_maxage: lifetime(self.s_maxage, "sMaxage")?,
            stale_while_revalidate: lifetime(self.stale_while_revalidate, "staleWhileRevalidate")?,
            stale_if_error: lifetime(self.stale_if_error, "staleIfError")?,
        })
    }
}

impl EdgeSettingsInput {
    /// Checks the input and writes it into `settings`. On an error `settings` is left as it was.
    pub fn apply(self, settings: &mut Value) -> Result<()> {
        let catalog = self.catalog.map(|p| p.parse("catalogCache")).transpose()?;
        let stock = self.stock.map(|p| p.parse("stockCache")).transpose()?;
        if self.trusted_documents_only.is_none() && catalog.is_none() && stock.is_none() {
            return Ok(());
        }
        if !settings.get(EDGE).is_some_and(Value::is_object) {
            settings[EDGE] = json!({});
        }
        let edge = &mut settings[EDGE];
        if let Some(trusted) = self.trusted_documents_only {
            edge["trusted_documents_only"] = json!(trusted);
        }
        for (key, policy) in [("catalog", catalog), ("stock", stock)] {
            if let Some(policy) = policy {
                edge[key] = json!(policy);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stores::edge::EdgeSettings;

    fn policy(seconds: i64) -> CachePolicyInput {
        CachePolicyInput {
            max_age: seconds,
            s_maxage: seconds,
            stale_while_revalidate: seconds,
            stale_if_error: seconds,
        }
    }

    #[test]
    fn settings_are_written_where_edge_settings_reads_them() {
        let mut settings = json!({ "payment_capture": "immediate" });
        let input = EdgeSettingsInput {
            trusted_documents_only: Some(true),
            stock: Some(policy(5)),
            ..Default::default()
        };
        input.apply(&mut settings).unwrap();
        let edge = EdgeSettings::from_settings(&settings);
        assert!(edge.trusted_documents_only);
        assert_eq!(edge.stock.stale_if_error, 5);
        assert_eq!(edge.catalog, CachePolicy::CATALOG);
        assert_eq!(settings["payment_capture"], "immediate");
    }

    #[test]
    fn a_negative_lifetime_is_refused_and_nothing_is_written() {
        let mut settings = json!({});
        let input = EdgeSettingsInput {
            trusted_documents_only: Some(true),
            catalog: Some(CachePolicyInput {
                stale_if_error: -1,
                ..policy(1)
            }),
            ..Default::default()
        };
        match input.apply(&mut settings) {
            Err(AppError::Invalid { field, code, .. }) => {
                assert_eq!(field.join("."), "edge.catalogCache.staleIfError");
                assert_eq!(code, InputErrorCode::GreaterThanOrEqualTo);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(settings, json!({}));
    }

    #[test]
    fn a_lifetime_over_a_year_is_refused() {
        let input = EdgeSettingsInput {
            stock: Some(policy(MAX_LIFETIME_SECONDS + 1)),
            ..Default::default()
        };
        assert!(input.apply(&mut json!({})).is_err());
    }
}
