//! `[[targets]]`: folders (globs expanded) and git URLs, with their labels.

use super::raw::RawTarget;
use super::Context;
use crate::collect::remote::RemoteUrl;
use crate::diag::ConfigCode;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// A target from the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfiguredTarget {
    /// A folder, or a git URL.
    pub location: Location,
    /// Labels such as team or service.
    pub labels: BTreeMap<String, String>,
}

/// Where a target is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A local folder.
    Path(PathBuf),
    /// A git repository to clone into the cache, or fetch.
    Url(RemoteUrl),
}

impl ConfiguredTarget {
    /// The target's name in results: the folder's or the repository's name.
    pub fn name(&self) -> String {
        self.location.target_name()
    }
}

impl Location {
    /// The name a target at this location has in results, known before it is collected:
    /// the folder's name, or the repository's.
    pub fn target_name(&self) -> String {
        match self {
            Location::Path(path) => std::fs::canonicalize(path)
                .ok()
                .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                .unwrap_or_else(|| path.display().to_string()),
            Location::Url(url) => url.name(),
        }
    }
}

/// Validates the targets, expanding globs in the order written.
pub(super) fn targets(raw: &[Spanned<RawTarget>], cx: &mut Context) -> Vec<ConfiguredTarget> {
    let mut targets = Vec::new();
    for spanned in raw {
        let target = spanned.get_ref();
        let (path, url) = match (&target.path, &target.url) {
            (Some(path), None) => (path, None),
            (None, Some(url)) => (url, RemoteUrl::parse(url.get_ref())),
            (Some(_), Some(url)) => {
                cx.problem(ConfigCode::TargetBoth, url.span(), "a target has either `path` or `url`, not both");
                continue;
            }
            (None, None) => {
                cx.problem(
                    ConfigCode::TargetEmpty,
                    spanned.span(),
                    "a target needs `path` (a folder or a glob) or `url` (a git URL)",
                );
                continue;
            }
        };
        if target.url.is_some() {
            match url {
                Some(url) => {
                    targets.push(ConfiguredTarget { location: Location::Url(url), labels: target.labels.clone() })
                }
                None => cx.problem(
                    ConfigCode::InvalidUrl,
                    path.span(),
                    format!(
                        "`{}` is not a git URL (https://, ssh://, git://, file:// or user@host:path)",
                        path.get_ref()
                    ),
                ),
            }
            continue;
        }
        let pattern = cx.resolve(path.get_ref());
        match expand_glob(&pattern) {
            Ok(found) if found.is_empty() => cx.problem(
                ConfigCode::TargetMissing,
                path.span(),
                format!("target `{}` matches no folder", path.get_ref()),
            ),
            Ok(found) => targets.extend(
                found
                    .into_iter()
                    .map(|p| ConfiguredTarget { location: Location::Path(p), labels: target.labels.clone() }),
            ),
            Err(message) => cx.problem(ConfigCode::InvalidGlob, path.span(), message),
        }
    }
    targets
}

/// The folders matching a path that may contain glob characters, sorted.
fn expand_glob(pattern: &str) -> Result<Vec<PathBuf>, String> {
    if !pattern.contains(['*', '?', '[', '{']) {
        let path = PathBuf::from(pattern);
        return Ok(if path.is_dir() { vec![path] } else { Vec::new() });
    }
    let glob = globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .map_err(|e| format!("invalid glob: {e}"))?
        .compile_matcher();
    // Walk from the longest folder prefix without glob characters.
    let root: PathBuf = Path::new(pattern)
        .components()
        .take_while(|c| !c.as_os_str().to_string_lossy().contains(['*', '?', '[', '{']))
        .collect();
    let depth = Path::new(pattern).components().count() - root.components().count();
    let mut found: Vec<PathBuf> = ignore::WalkBuilder::new(&root)
        .standard_filters(false)
        .max_depth(if pattern.contains("**") { None } else { Some(depth) })
        .build()
        .flatten()
        .filter(|e| e.file_type().is_some_and(|t| t.is_dir()) && glob.is_match(e.path()))
        .map(|e| e.into_path())
        .collect();
    found.sort();
    Ok(found)
}
