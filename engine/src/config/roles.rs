//! `[[roles]]`: what some paths are to a repository, when its layout says otherwise (an
//! `examples/` folder that holds the repository's real pipelines, a `deploy/` folder of
//! copies from another project). They come before `.gitattributes` and the conventions.

use super::raw::RawRole;
use super::Context;
use crate::collect::roles::{Role, RoleOverride};
use crate::diag::ConfigCode;

/// Roles given to paths, for the targets whose names match `target` (all when `None`).
#[derive(Debug, Clone)]
pub struct RoleRule {
    /// Glob over target names.
    pub target: Option<globset::GlobMatcher>,
    /// The paths and their role.
    pub overrides: Vec<RoleOverride>,
}

impl RoleRule {
    /// Whether the rule applies to the named target.
    pub fn applies_to(&self, target: &str) -> bool {
        self.target.as_ref().is_none_or(|g| g.is_match(target))
    }
}

/// Validates the `[[roles]]` tables: a known role, path globs and an optional target glob.
pub(super) fn roles(raw: &[RawRole], cx: &mut Context) -> Vec<RoleRule> {
    let mut out = Vec::new();
    for r in raw {
        let Some(role) = Role::from_name(r.role.get_ref()) else {
            cx.problem(
                ConfigCode::InvalidRole,
                r.role.span(),
                format!("`{}` is not a role: use one of {}", r.role.get_ref(), Role::NAMES.join(", ")),
            );
            continue;
        };
        let target = match &r.target {
            Some(t) => match globset::Glob::new(t.get_ref()) {
                Ok(glob) => Some(glob.compile_matcher()),
                Err(err) => {
                    cx.problem(ConfigCode::InvalidGlob, t.span(), format!("invalid target glob: {err}"));
                    continue;
                }
            },
            None => None,
        };
        let mut overrides = Vec::new();
        for path in &r.paths {
            match globset::GlobBuilder::new(path.get_ref().trim_start_matches("./")).literal_separator(true).build() {
                Ok(glob) => overrides.push(RoleOverride { glob: glob.compile_matcher(), role }),
                Err(err) => cx.problem(ConfigCode::InvalidGlob, path.span(), format!("invalid path glob: {err}")),
            }
        }
        out.push(RoleRule { target, overrides });
    }
    out
}
