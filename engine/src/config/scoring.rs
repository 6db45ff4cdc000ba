//! `[scoring]` and `[roadmap]`: the scoring profile (weights, practices switched off, the
//! organisation's share) and the roadmap's capacity.

use super::raw::{RawRoadmap, RawScoring};
use super::Context;
use crate::diag::ConfigCode;
use crate::score::{LevelOver, Profile};
use std::ops::Range;

/// The sections, validated: the profile, the practices it names with where (to check
/// against the model once it is loaded), and the capacity.
pub(super) struct Scoring {
    pub profile: Profile,
    /// What the organisation's figures are computed over.
    pub over: LevelOver,
    pub profile_spans: Vec<(String, Range<usize>)>,
    pub capacity: Option<u32>,
}

pub(super) fn scoring(raw: &RawScoring, roadmap: &RawRoadmap, systems: usize, cx: &mut Context) -> Scoring {
    let mut profile = Profile::default();
    let mut profile_spans = Vec::new();
    if let Some(share) = &raw.organisation_share {
        if *share.get_ref() > 0.0 && *share.get_ref() <= 1.0 {
            profile.organisation_share = *share.get_ref();
        } else {
            cx.problem(
                ConfigCode::InvalidShare,
                share.span(),
                format!("organisation_share {} must be above 0 and at most 1 (0.8 is 80 %)", share.get_ref()),
            );
        }
    }
    for (practice, weight) in &raw.weights {
        if !(*weight.get_ref() >= 0.0 && weight.get_ref().is_finite()) {
            cx.problem(
                ConfigCode::InvalidWeight,
                weight.span(),
                format!("weight {} must be 0 or more", weight.get_ref()),
            );
        }
        profile.weights.insert(practice.get_ref().clone(), *weight.get_ref());
        profile_spans.push((practice.get_ref().clone(), practice.span()));
    }
    for practice in &raw.disabled {
        profile.disabled.insert(practice.get_ref().clone());
        profile_spans.push((practice.get_ref().clone(), practice.span()));
    }
    let mut over = LevelOver::Targets;
    if let Some(value) = &raw.organisation_over {
        match value.get_ref().as_str() {
            "targets" => {}
            "systems" if systems > 0 => over = LevelOver::Systems,
            "systems" => cx.problem(
                ConfigCode::InvalidOrganisationOver,
                value.span(),
                "organisation_over = \"systems\" needs at least one [[systems]] table",
            ),
            other => cx.problem(
                ConfigCode::InvalidOrganisationOver,
                value.span(),
                format!("organisation_over is `targets` or `systems`, not `{other}`"),
            ),
        }
    }
    let capacity = cx.at_least_one(&roadmap.capacity, "capacity");
    Scoring { profile, over, profile_spans, capacity }
}
