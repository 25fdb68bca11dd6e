//! Where an index on disk lives: each build in a generation directory of its own (`g` and the
//! milliseconds it began, zero-padded, so names sort by age), and a `CURRENT` file naming the
//! one searched. A rebuild fills a newer generation while the current one answers, then points
//! `CURRENT` at it with an atomic rename; the process holding the old one switches over at its
//! next refresh and removes every older generation.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

const CURRENT: &str = "CURRENT";

/// The generations under one root directory.
#[derive(Debug, Clone)]
pub struct Generations {
    root: PathBuf,
}

impl Generations {
    pub fn new(root: &Path) -> anyhow::Result<Generations> {
        std::fs::create_dir_all(root)
            .with_context(|| format!("creating the search index directory {}", root.display()))?;
        Ok(Generations {
            root: root.to_path_buf(),
        })
    }

    /// The generation `CURRENT` names, if any.
    pub fn current(&self) -> anyhow::Result<Option<String>> {
        match std::fs::read_to_string(self.root.join(CURRENT)) {
            Ok(name) => Ok(Some(name.trim().to_string())),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error).context("reading the search index's CURRENT file"),
        }
    }

    /// A new, empty generation, newer than every existing one.
    pub fn create(&self) -> anyhow::Result<String> {
        let mut millis = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.as_millis());
        let newest = self.names()?.into_iter().max();
        loop {
            let name = format!("g{millis:016}");
            if newest.as_ref().is_none_or(|newest| &name > newest) {
                std::fs::create_dir(self.dir(&name))
                    .with_context(|| format!("creating the search index generation {name}"))?;
                return Ok(name);
            }
            millis += 1;
        }
    }

    pub fn dir(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }

    /// Points `CURRENT` at `name`, atomically.
    pub fn publish(&self, name: &str) -> anyhow::Result<()> {
        let staged = self.root.join(format!("{CURRENT}.{name}"));
        let mut file = std::fs::File::create(&staged)?;
        file.write_all(name.as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&staged, self.root.join(CURRENT))
            .context("publishing the search index generation")?;
        Ok(())
    }

    /// Removes the files an index kept directly in the root before generations: Tantivy's own
    /// (its metadata, locks and segment files named by a segment id), nothing else.
    pub fn remove_unversioned_files(&self) -> anyhow::Result<()> {
        const SEGMENT_FILES: [&str; 7] =
            ["idx", "pos", "term", "store", "fast", "fieldnorm", "del"];
        for entry in std::fs::read_dir(&self.root)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let segment = name.split_once('.').is_some_and(|(id, extension)| {
                let extension = extension.rsplit('.').next().unwrap_or(extension);
                id.len() == 32
                    && id.bytes().all(|b| b.is_ascii_hexdigit())
                    && SEGMENT_FILES.contains(&extension)
            });
            let tantivy = matches!(name.as_str(), "meta.json" | ".managed.json")
                || name.starts_with(".tantivy-")
                || segment;
            if tantivy && entry.file_type()?.is_file() {
                std::fs::remove_file(entry.path())?;
            }
        }
        Ok(())
    }

    /// Removes the generations older than `name` (a rebuild in progress is always newer).
    pub fn remove_older_than(&self, name: &str) {
        let names = self.names().unwrap_or_default();
        for old in names.into_iter().filter(|old| old.as_str() < name) {
            if let Err(error) = std::fs::remove_dir_all(self.dir(&old)) {
                tracing::warn!(%error, generation = old, "could not remove an old search index");
            }
        }
    }

    fn names(&self) -> anyhow::Result<Vec<String>> {
        let mut names = Vec::new();
        for entry in std::fs::read_dir(&self.root)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let generation = name.len() == 17
                && name.starts_with('g')
                && name[1..].bytes().all(|b| b.is_ascii_digit());
            if generation && entry.file_type()?.is_dir() {
                names.push(name);
            }
        }
        Ok(names)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_index_from_before_generations_is_removed_and_nothing_else() {
        let root =
            std::env::temp_dir().join(format!("vitrine-generations-{}", uuid::Uuid::new_v4()));
        let generations = Generations::new(&root).unwrap();
        let segment = "0123456789abcdef0123456789abcdef";
        let ours = [
            "meta.json".to_string(),
            ".managed.json".into(),
            ".tantivy-writer.lock".into(),
            format!("{segment}.idx"),
            format!("{segment}.12.del"),
        ];
        let theirs = ["vitrine.db", "notes.json", "0123.idx"];
        for name in ours.iter().map(String::as_str).chain(theirs) {
            std::fs::write(root.join(name), b"x").unwrap();
        }
        generations.remove_unversioned_files().unwrap();
        let mut left: Vec<String> = std::fs::read_dir(&root)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["0123.idx", "notes.json", "vitrine.db"]);
        std::fs::remove_dir_all(&root).unwrap();
    }
}
