//! `vitrine search reindex` and `vitrine search check`.

use anyhow::Context;
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use uuid::Uuid;

use crate::config::Settings;
use crate::db::Database;
use crate::product_search::indexer::Rebuilding;
use crate::product_search::maintenance::{self, Discrepancies};
use crate::stores;

/// Ids shown per kind of discrepancy.
const IDS_SHOWN: usize = 10;

#[derive(Subcommand, Debug)]
pub enum SearchCommand {
    /// Rebuild the search index without downtime: a new index is built aside while the live one
    /// answers, then swapped in (running servers switch within a tick). With --store on
    /// Meilisearch, that store's documents are replaced in place instead.
    Reindex {
        /// Only this store (its domain).
        #[arg(long)]
        store: Option<String>,
    },
    /// Compare the search index with the catalog and report documents missing, stale or stray;
    /// exits with an error when there are any, unless --repair owed them to the indexer.
    Check {
        /// Only this store (its domain).
        #[arg(long)]
        store: Option<String>,
        /// Have the indexer bring every document found wrong up to date.
        #[arg(long)]
        repair: bool,
    },
}

pub async fn run(settings: &Settings, db: &Database, command: SearchCommand) -> anyhow::Result<()> {
    match command {
        SearchCommand::Reindex { store } => {
            let only = match store {
                Some(domain) => Some(store_id(db, &domain).await?),
                None => None,
            };
            let bar = ProgressBar::new(0).with_style(
                ProgressStyle::with_template(
                    "{spinner} indexing [{bar:40}] {pos}/{len} products ({per_sec}, {eta} left)",
                )?
                .progress_chars("=> "),
            );
            let mut report = |step: Rebuilding| match step {
                Rebuilding::Found(count) => bar.inc_length(count as u64),
                Rebuilding::Indexed(count) => bar.inc(count as u64),
            };
            let indexed = maintenance::reindex(settings, db, only, &mut report).await?;
            bar.finish_and_clear();
            println!("search index rebuilt: {indexed} products indexed");
            Ok(())
        }
        SearchCommand::Check { store, repair } => {
            let stores: Vec<(Uuid, String)> = match store {
                Some(domain) => vec![(store_id(db, &domain).await?, domain)],
                None => stores::all_domains(db.reader())
                    .await
                    .map_err(super::describe)?,
            };
            let ids: Vec<Uuid> = stores.iter().map(|(id, _)| *id).collect();
            let found = maintenance::check(settings, db, &ids).await?;
            let mut wrong = 0;
            for ((id, domain), found) in stores.iter().zip(&found) {
                print!("{}", describe(domain, found));
                if !found.is_empty() {
                    wrong += found.missing.len() + found.stale.len() + found.stray.len();
                    if repair {
                        maintenance::repair(db, *id, found).await?;
                    }
                }
            }
            match (wrong, repair) {
                (0, _) => Ok(()),
                (_, true) => {
                    println!(
                        "{wrong} documents owed to the indexer; running servers take them in within a second"
                    );
                    Ok(())
                }
                (_, false) => anyhow::bail!(
                    "{wrong} documents are missing, stale or stray (repair with --repair)"
                ),
            }
        }
    }
}

async fn store_id(db: &Database, domain: &str) -> anyhow::Result<Uuid> {
    Ok(stores::find_store_by_domain(db.reader(), domain)
        .await
        .map_err(super::describe)?
        .with_context(|| format!("no store has the domain {domain}"))?
        .id)
}

fn describe(domain: &str, found: &Discrepancies) -> String {
    let mut text = format!(
        "{domain}: {} documents expected, {} indexed, {} missing, {} stale, {} stray\n",
        found.expected,
        found.indexed,
        found.missing.len(),
        found.stale.len(),
        found.stray.len()
    );
    for (what, ids) in [
        ("missing", &found.missing),
        ("stale", &found.stale),
        ("stray", &found.stray),
    ] {
        if !ids.is_empty() {
            let shown: Vec<String> = ids.iter().take(IDS_SHOWN).map(Uuid::to_string).collect();
            text.push_str(&format!("  {what}: {}\n", shown.join(" ")));
        }
    }
    text
}
