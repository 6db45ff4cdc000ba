//! A target as the user gave it, with the evidence collected before an assessment: its
//! pipeline runs, or, for a cloud account, its inventory.

use super::aws;
use super::pipelines::PipelineRuns;
use super::remote::RemoteUrl;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A target to assess.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// The path as the user gave it (kept for the result).
    pub given: String,
    /// The canonical path of the folder.
    pub root: PathBuf,
    /// Display name.
    pub name: String,
    /// Labels such as team or service.
    pub labels: BTreeMap<String, String>,
    /// Its pipeline runs, as plugins that declare `pipelines = true` receive them.
    pub pipelines: Option<PipelineRuns>,
    /// A cloud inventory: the target is a cloud account, judged by the plugins that declare
    /// `cloud = true` (and only by them).
    pub cloud: Option<aws::Inventory>,
    /// What went wrong collecting its evidence without stopping the assessment (a pipeline
    /// source that could not be fetched), copied to the result's warnings.
    pub warnings: Vec<String>,
}

/// A target that cannot be assessed.
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    /// The path does not exist or cannot be read.
    #[error("cannot read target {path}: {source}")]
    Unreadable {
        /// The path given.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The path is not a folder.
    #[error("target {0} is not a folder")]
    NotAFolder(String),
}

impl Target {
    /// Resolves a local folder given on the command line.
    pub fn local(given: &str) -> Result<Target, TargetError> {
        let root =
            std::fs::canonicalize(given).map_err(|source| TargetError::Unreadable { path: given.into(), source })?;
        if !root.is_dir() {
            return Err(TargetError::NotAFolder(given.into()));
        }
        std::fs::read_dir(&root).map_err(|source| TargetError::Unreadable { path: given.into(), source })?;
        let name = root.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "/".into());
        Ok(Target {
            given: given.into(),
            root,
            name,
            labels: BTreeMap::new(),
            pipelines: None,
            cloud: None,
            warnings: Vec::new(),
        })
    }

    /// A remote repository brought into the cache at `path` (see
    /// [`crate::collect::remote::sync`]); the result names it by its URL, credentials removed.
    pub fn remote(url: &RemoteUrl, path: &Path) -> Target {
        Target {
            given: url.redacted().to_owned(),
            root: path.to_path_buf(),
            name: url.name(),
            labels: BTreeMap::new(),
            pipelines: None,
            cloud: None,
            warnings: Vec::new(),
        }
    }

    /// A cloud account described by an inventory read from `given`. Plugins still get a
    /// folder mounted at `/repo`: `empty_root`, an empty folder.
    pub fn cloud(given: &str, name: String, inventory: aws::Inventory, empty_root: &Path) -> Target {
        Target {
            given: given.into(),
            root: empty_root.to_path_buf(),
            name,
            labels: BTreeMap::new(),
            pipelines: None,
            cloud: Some(inventory),
            warnings: Vec::new(),
        }
    }

    /// `cloud` for a cloud account, `git` for a git work tree, `directory` otherwise.
    pub fn kind(&self) -> &'static str {
        if self.cloud.is_some() {
            "cloud"
        } else if self.root.join(".git").exists() {
            "git"
        } else {
            "directory"
        }
    }
}
