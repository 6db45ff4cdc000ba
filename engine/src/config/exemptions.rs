//! `[[exemptions]]`: checks marked not applicable, and practices exempted, for some
//! targets, each with the assessor's reason.

use super::raw::RawExemption;
use super::Context;
use crate::diag::{ConfigCode, Diagnostic};
use crate::judge::Exemption;
use crate::plugin::Registry;
use std::ops::Range;

/// Who answers for an exemption and until when, and where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terms {
    /// Who answers for it (`owner`).
    pub owner: Option<String>,
    /// The last day it applies (`expires`).
    pub expires: Option<jiff::civil::Date>,
    /// The target glob as written.
    pub target_glob: String,
    /// `kaizen.toml:LINE`, for notes.
    pub at: String,
}

impl Terms {
    /// Whether it has expired on `today`: it applies through its `expires` day.
    pub fn expired(&self, today: jiff::civil::Date) -> bool {
        self.expires.is_some_and(|last| today > last)
    }
}

/// A practice exempted for matching targets.
#[derive(Debug, Clone)]
pub struct PracticeExemptionSpec {
    /// The exemption.
    pub exemption: crate::score::PracticeExemption,
    /// The target glob as written.
    pub target_glob: String,
    /// Its owner and expiry.
    pub terms: Terms,
    pub(super) span: Range<usize>,
}

/// The exemptions of the file, validated.
pub(super) struct Exemptions {
    /// Checks exempted.
    pub checks: Vec<Exemption>,
    /// Where each check is named, for the check against the plugins.
    pub check_spans: Vec<Range<usize>>,
    /// Practices exempted.
    pub practices: Vec<PracticeExemptionSpec>,
    /// The owner and expiry of each check exemption, in the order of `checks`.
    pub check_terms: Vec<Terms>,
}

/// Validates the exemptions: a glob over target names, a reason, and either a check
/// (`plugin/check`) or a practice.
pub(super) fn exemptions(raw: &[RawExemption], cx: &mut Context) -> Exemptions {
    let mut exemptions = Vec::new();
    let mut check_spans = Vec::new();
    let mut practice_exemptions = Vec::new();
    let mut check_terms = Vec::new();
    for e in raw {
        let terms = terms(e, cx);
        let target = match globset::Glob::new(e.target.get_ref()) {
            Ok(glob) => glob.compile_matcher(),
            Err(err) => {
                cx.problem(ConfigCode::InvalidGlob, e.target.span(), format!("invalid target glob: {err}"));
                continue;
            }
        };
        if e.reason.get_ref().trim().len() < 10 {
            cx.problem(
                ConfigCode::ExemptionReason,
                e.reason.span(),
                "an exemption needs a written reason (at least a short sentence), shown in the report",
            );
        }
        let check = match (&e.check, &e.practice) {
            (Some(check), None) => check,
            (None, Some(practice)) => {
                practice_exemptions.push(PracticeExemptionSpec {
                    exemption: crate::score::PracticeExemption {
                        target: target.clone(),
                        practice: practice.get_ref().clone(),
                        reason: e.reason.get_ref().trim().to_owned(),
                    },
                    target_glob: e.target.get_ref().clone(),
                    terms,
                    span: practice.span(),
                });
                continue;
            }
            (Some(_), Some(practice)) => {
                cx.problem(
                    ConfigCode::ExemptionBoth,
                    practice.span(),
                    "an exemption names either a `check` or a `practice`, not both",
                );
                continue;
            }
            (None, None) => {
                cx.problem(
                    ConfigCode::ExemptionEmpty,
                    e.target.span(),
                    "an exemption needs `check = \"plugin/check\"` or `practice = \"id\"`",
                );
                continue;
            }
        };
        let Some((plugin, check_id)) = check.get_ref().split_once('/') else {
            cx.problem(
                ConfigCode::InvalidCheck,
                check.span(),
                format!("check `{}` must be written `plugin/check`, e.g. `ci/runs-tests`", check.get_ref()),
            );
            continue;
        };
        exemptions.push(Exemption {
            target,
            plugin: plugin.to_owned(),
            check: check_id.to_owned(),
            reason: e.reason.get_ref().trim().to_owned(),
        });
        check_spans.push(check.span());
        check_terms.push(terms);
    }
    Exemptions { checks: exemptions, check_spans, practices: practice_exemptions, check_terms }
}

/// An exemption's owner and expiry date: `expires = 2027-03-31` (a TOML date) or
/// `"2027-03-31"`; anything else is reported at its position.
fn terms(e: &RawExemption, cx: &mut Context) -> Terms {
    let expires = e.expires.as_ref().and_then(|value| {
        let text = match value.get_ref() {
            toml::Value::Datetime(d) if d.time.is_none() && d.offset.is_none() => d.to_string(),
            toml::Value::String(s) => s.clone(),
            _ => String::new(),
        };
        match text.parse::<jiff::civil::Date>() {
            Ok(date) => Some(date),
            Err(_) => {
                cx.problem(
                    ConfigCode::ExemptionExpires,
                    value.span(),
                    "expires must be the last day the exemption applies, a date such as 2027-03-31",
                );
                None
            }
        }
    });
    let line = cx.source[..e.target.span().start.min(cx.source.len())].matches('\n').count() + 1;
    Terms {
        owner: e.owner.as_ref().map(|o| o.get_ref().trim().to_owned()).filter(|o| !o.is_empty()),
        expires,
        target_glob: e.target.get_ref().clone(),
        at: format!("{}:{line}", cx.path.display()),
    }
}

/// Checks that each exempted check is declared by a loaded plugin.
pub(super) fn check(
    exemptions: &[Exemption],
    spans: &[Range<usize>],
    registry: &Registry,
    at: &dyn Fn(ConfigCode, &Range<usize>, String) -> Diagnostic,
) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for (e, check_span) in exemptions.iter().zip(spans) {
        match registry.get(&e.plugin) {
            None => problems.push(at(
                ConfigCode::UnknownPlugin,
                check_span,
                format!("exemption names plugin `{}`, which is not loaded", e.plugin),
            )),
            Some(p) if p.manifest.check(&e.check).is_none() => problems.push(at(
                ConfigCode::UnknownCheck,
                check_span,
                format!("plugin `{}` declares no check `{}`", e.plugin, e.check),
            )),
            Some(_) => {}
        }
    }
    problems
}
