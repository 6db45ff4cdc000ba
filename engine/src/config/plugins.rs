//! `[plugins]`: plugin folders, pins by SHA-256, and each plugin's configuration.

use super::raw::RawPlugins;
use super::Context;
use crate::diag::{ConfigCode, Diagnostic};
use crate::plugin::Registry;
use serde_json::Value;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::PathBuf;

/// A required module hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    /// The plugin id.
    pub plugin: String,
    /// Lowercase hex SHA-256.
    pub sha256: String,
    pub(super) span: Range<usize>,
}

/// The `[plugins]` section, validated.
#[derive(Debug, Default)]
pub(super) struct Plugins {
    pub dirs: Vec<PathBuf>,
    pub pins: Vec<Pin>,
    pub config: BTreeMap<String, Value>,
    pub config_spans: Vec<(String, Range<usize>)>,
}

/// Validates the section: folders exist, pins are SHA-256s, configurations become JSON.
pub(super) fn plugins(raw: &RawPlugins, cx: &mut Context) -> Plugins {
    let mut plugins = Plugins::default();
    for dir in &raw.dirs {
        let full = cx.join(dir.get_ref());
        if full.is_dir() {
            plugins.dirs.push(full);
        } else {
            cx.problem(
                ConfigCode::PluginDirMissing,
                dir.span(),
                format!("plugin folder `{}` does not exist", dir.get_ref()),
            );
        }
    }
    for (id, hash) in &raw.pins {
        let sha = hash.get_ref().to_ascii_lowercase();
        if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
            cx.problem(
                ConfigCode::InvalidPin,
                hash.span(),
                format!("pin of `{}` must be 64 hex digits (a SHA-256)", id.get_ref()),
            );
        }
        plugins.pins.push(Pin { plugin: id.get_ref().clone(), sha256: sha, span: id.span() });
    }
    for (id, value) in &raw.config {
        match serde_json::to_value(value) {
            Ok(json) => {
                plugins.config.insert(id.get_ref().clone(), json);
                plugins.config_spans.push((id.get_ref().clone(), id.span()));
            }
            Err(e) => cx.problem(ConfigCode::InvalidPluginConfig, id.span(), e.to_string()),
        }
    }
    plugins
}

/// Checks the pins and configurations against the loaded plugins: each names a plugin that
/// is loaded, and each pin matches its module's SHA-256 (a mismatch refuses the run).
pub(super) fn check(
    pins: &[Pin],
    config_spans: &[(String, Range<usize>)],
    registry: &Registry,
    at: &dyn Fn(ConfigCode, &Range<usize>, String) -> Diagnostic,
) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for pin in pins {
        match registry.get(&pin.plugin) {
            None => problems.push(at(
                ConfigCode::UnknownPlugin,
                &pin.span,
                format!("pinned plugin `{}` is not loaded", pin.plugin),
            )),
            Some(p) if p.sha256 != pin.sha256 => problems.push(at(
                ConfigCode::PinMismatch,
                &pin.span,
                format!(
                    "plugin `{}` from {} has SHA-256 {}, but the file pins {}; refusing to load it",
                    pin.plugin,
                    p.source,
                    if p.sha256.is_empty() { "(module unreadable)" } else { &p.sha256 },
                    pin.sha256
                ),
            )),
            Some(_) => {}
        }
    }
    for (id, span) in config_spans {
        if registry.get(id).is_none() {
            problems.push(at(
                ConfigCode::UnknownPlugin,
                span,
                format!("configuration for plugin `{id}`, which is not loaded"),
            ));
        }
    }
    problems
}
