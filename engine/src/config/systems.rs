//! `[[systems]]`: targets grouped into what a team runs as one service (an application
//! repository, its infrastructure repository, its AWS account), scored on their pooled
//! evidence. Members are named by target or chosen by labels; they are matched once the
//! targets are collected, since remote and cloud targets are only named then.

use super::raw::RawSystem;
use super::Context;
use crate::diag::ConfigCode;
use crate::score::SystemSpec;
use toml::Spanned;

/// Validates the systems: each has a name of its own and gives members.
pub(super) fn systems(raw: &[Spanned<RawSystem>], cx: &mut Context) -> Vec<SystemSpec> {
    let mut systems: Vec<SystemSpec> = Vec::new();
    for spanned in raw {
        let system = spanned.get_ref();
        let name = match &system.name {
            Some(name) if !name.get_ref().trim().is_empty() => name,
            Some(name) => {
                cx.problem(ConfigCode::SystemName, name.span(), "a system's name cannot be empty");
                continue;
            }
            None => {
                cx.problem(ConfigCode::SystemName, spanned.span(), "a system needs a `name`, e.g. name = \"payments\"");
                continue;
            }
        };
        if systems.iter().any(|s| &s.name == name.get_ref()) {
            cx.problem(
                ConfigCode::SystemDuplicate,
                name.span(),
                format!("a system named `{}` is already defined", name.get_ref()),
            );
            continue;
        }
        if system.targets.is_empty() && system.labels.is_empty() {
            cx.problem(
                ConfigCode::SystemEmpty,
                spanned.span(),
                format!(
                    "system `{}` has no members: give `targets` (target names) or `labels` (every target carrying them)",
                    name.get_ref()
                ),
            );
            continue;
        }
        let mut targets: Vec<String> = Vec::new();
        for target in &system.targets {
            if !targets.contains(target.get_ref()) {
                targets.push(target.get_ref().clone());
            }
        }
        systems.push(SystemSpec { name: name.get_ref().clone(), targets, labels: system.labels.clone() });
    }
    systems
}
