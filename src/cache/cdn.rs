//! The CDN in front of Vitrine, as far as purging goes: which one (`cdn_purge_kind`), where its
//! purge API is, and sending it the tags to purge. Two dialects:
//!
//! - **Fastly**: `POST {cdn_purge_url}/purge` with `Surrogate-Key: k1 k2 …` and `Fastly-Key`,
//!   Fastly's batch purge by surrogate key (`cdn_purge_url` is
//!   `https://api.fastly.com/service/{service_id}`; at most 256 keys a request).
//! - **Varnish** (with vmod xkey, `deploy/varnish/vitrine.vcl`): `PURGE {cdn_purge_url}` with
//!   `xkey-purge: k1 k2 …`, a hard purge.
//!
//! Any answer but a 2xx is a failure: the purge worker retries it. This module only sends; it
//! keeps no state and never decides what to purge.

use std::time::Duration;

use anyhow::{Context, bail};
use reqwest::Method;

use crate::config::{Secret, Settings};

/// How long the CDN's API may take to answer one purge.
const TIMEOUT: Duration = Duration::from_secs(10);

/// Tags per request: under Fastly's 256, and short enough (about 3.6 KB) for Varnish's default
/// request header limit of 8 KB.
pub const TAGS_PER_REQUEST: usize = 100;

/// Which CDN purge API to speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CdnKind {
    None,
    Fastly,
    Varnish,
}

impl CdnKind {
    pub fn parse(name: &str) -> anyhow::Result<CdnKind> {
        match name.trim().to_ascii_lowercase().as_str() {
            "" | "none" => Ok(CdnKind::None),
            "fastly" => Ok(CdnKind::Fastly),
            "varnish" => Ok(CdnKind::Varnish),
            other => bail!("cdn_purge_kind must be none, fastly or varnish, not {other:?}"),
        }
    }
}

/// A configured CDN purge API.
#[derive(Clone)]
pub struct CdnPurge {
    kind: CdnKind,
    url: String,
    token: Option<Secret>,
    client: reqwest::Client,
}

impl CdnPurge {
    /// The CDN the settings name; `None` when they name none.
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Option<CdnPurge>> {
        let kind = CdnKind::parse(&settings.cdn_purge_kind)?;
        if kind == CdnKind::None {
            return Ok(None);
        }
        let url = settings
            .cdn_purge_url
            .as_deref()
            .filter(|url| !url.trim().is_empty())
            .context("cdn_purge_url must be set when cdn_purge_kind is set")?;
        let token = settings.cdn_purge_token.clone();
        if kind == CdnKind::Fastly && token.is_none() {
            bail!("cdn_purge_token (a Fastly API token) must be set to purge Fastly");
        }
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .build()
            .context("Failed to build the CDN purge client")?;
        Ok(Some(CdnPurge {
            kind,
            url: url.trim_end_matches('/').to_string(),
            token,
            client,
        }))
    }

    /// Purges every tag, `TAGS_PER_REQUEST` at a time; fails on the first request that fails.
    pub async fn purge(&self, tags: &[String]) -> anyhow::Result<()> {
        for chunk in tags.chunks(TAGS_PER_REQUEST) {
            self.purge_chunk(chunk).await?;
        }
        Ok(())
    }

    async fn purge_chunk(&self, tags: &[String]) -> anyhow::Result<()> {
        let keys = tags.join(" ");
        let request = match self.kind {
            CdnKind::Fastly => self
                .client
                .post(format!("{}/purge", self.url))
                .header("Surrogate-Key", keys),
            CdnKind::Varnish => self
                .client
                .request(Method::from_bytes(b"PURGE")?, &self.url)
                .header("xkey-purge", keys),
            CdnKind::None => return Ok(()),
        };
        let request = match (&self.token, self.kind) {
            (Some(token), CdnKind::Fastly) => request.header("Fastly-Key", token.expose()),
            (Some(token), _) => request.bearer_auth(token.expose()),
            (None, _) => request,
        };
        let response = request
            .send()
            .await
            .with_context(|| format!("Failed to reach the CDN at {}", self.url))?;
        let status = response.status();
        if !status.is_success() {
            let body = response.text().await.unwrap_or_default();
            let body: String = body.chars().take(200).collect();
            bail!("the CDN answered {status} to a purge: {body}");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_parse_in_any_case_and_unknown_ones_are_refused() {
        assert_eq!(CdnKind::parse("none").unwrap(), CdnKind::None);
        assert_eq!(CdnKind::parse("").unwrap(), CdnKind::None);
        assert_eq!(CdnKind::parse("Fastly").unwrap(), CdnKind::Fastly);
        assert_eq!(CdnKind::parse("varnish").unwrap(), CdnKind::Varnish);
        assert!(CdnKind::parse("akamai").is_err());
    }
}
