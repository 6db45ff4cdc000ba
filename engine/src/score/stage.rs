//! The score stage: every judged target against the model, then the systems, then the
//! organisation.

use super::system::{Member, Pooling, SystemSpec};
use super::{
    organisation, score_system, score_target, OrganisationAssessment, PracticeExemption, Profile, TargetAssessment,
};
use crate::judge::JudgedTarget;
use crate::model::answers::Answers;
use crate::model::Model;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The scored assessment: each target's, in the order judged, each system's, and the
/// organisation's.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// One per judged target, in the same order.
    pub targets: Vec<TargetAssessment>,
    /// One per system, in the order the assessment file gives them.
    pub systems: Vec<SystemAssessment>,
    /// The aggregate over the targets (or over the systems, when asked).
    pub organisation: OrganisationAssessment,
}

/// One system: which targets it was scored on, and its assessment.
#[derive(Debug, Clone, PartialEq)]
pub struct SystemAssessment {
    /// The system as defined.
    pub spec: SystemSpec,
    /// The targets assessed that are members, in the order judged.
    pub members: Vec<String>,
    /// The target names the system gives that are not among the targets assessed.
    pub missing: Vec<String>,
    /// The system scored on its members' pooled evidence; `None` when no member was found.
    pub assessment: Option<TargetAssessment>,
}

/// What the organisation's figures are computed over.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LevelOver {
    /// Every target (the default).
    #[default]
    Targets,
    /// Every system scored, and every target that is in no system scored.
    Systems,
}

impl LevelOver {
    /// Whether it is the default, over targets.
    pub fn is_targets(&self) -> bool {
        *self == LevelOver::Targets
    }
}

/// The systems of an assessment and how they are scored.
#[derive(Debug, Clone, Copy)]
pub struct Systems<'a> {
    /// The systems, as the assessment file defines them.
    pub specs: &'a [SystemSpec],
    /// How each check pools over a system's members.
    pub pooling: &'a Pooling,
    /// What the organisation's figures are computed over.
    pub over: LevelOver,
}

/// Scores every target against `model`, with the answers that apply to it, then
/// aggregates the organisation. Pure: the same inputs give the same assessment.
pub fn score(
    model: &Model,
    targets: &[JudgedTarget],
    answers: Option<&Answers>,
    exemptions: &[PracticeExemption],
    profile: &Profile,
) -> Assessment {
    let none = Systems { specs: &[], pooling: &Pooling::default(), over: LevelOver::Targets };
    score_with_systems(model, targets, none, answers, exemptions, profile)
}

/// Scores every target, then every system on the pooled evidence of its members (a system
/// with no member among `targets` is not scored), then aggregates the organisation over
/// targets or systems (`systems.over`). Without systems, it is [`score`]. Pure.
pub fn score_with_systems(
    model: &Model,
    targets: &[JudgedTarget],
    systems: Systems<'_>,
    answers: Option<&Answers>,
    exemptions: &[PracticeExemption],
    profile: &Profile,
) -> Assessment {
    let Systems { specs, pooling, over } = systems;
    let target_answers: Vec<_> =
        targets.iter().map(|t| answers.map(|a| a.for_target(&t.name, &t.labels)).unwrap_or_default()).collect();
    let assessed: Vec<TargetAssessment> = targets
        .iter()
        .zip(&target_answers)
        .map(|(target, answers)| score_target(model, target, answers.clone(), exemptions, profile))
        .collect();
    let members: Vec<Member<'_>> =
        targets.iter().zip(&target_answers).map(|(target, answers)| Member { target, answers }).collect();
    let systems: Vec<SystemAssessment> = specs
        .iter()
        .map(|spec| {
            let own = answers.map(|a| a.for_target(&spec.name, &spec.labels)).unwrap_or_default();
            system_assessment(model, spec, &members, pooling, own, exemptions, profile)
        })
        .collect();
    let scored: Vec<_> = targets.iter().zip(&assessed).map(|(t, a)| (t.name.as_str(), &t.labels, a)).collect();
    let organisation = organisation_over(model, scored, &systems, profile, over);
    Assessment { targets: assessed, systems, organisation }
}

/// Scores one system on those of `candidates` that are its members, with `answers` the
/// answers scoped to the system itself.
pub fn system_assessment(
    model: &Model,
    spec: &SystemSpec,
    candidates: &[Member<'_>],
    pooling: &Pooling,
    answers: BTreeMap<String, crate::model::answers::Answer>,
    exemptions: &[PracticeExemption],
    profile: &Profile,
) -> SystemAssessment {
    let members: Vec<Member<'_>> =
        candidates.iter().copied().filter(|m| spec.has_member(&m.target.name, &m.target.labels)).collect();
    let missing = spec.missing(candidates.iter().map(|m| m.target.name.as_str()));
    let assessment =
        (!members.is_empty()).then(|| score_system(model, spec, &members, pooling, answers, exemptions, profile));
    SystemAssessment {
        spec: spec.clone(),
        members: members.iter().map(|m| m.target.name.clone()).collect(),
        missing,
        assessment,
    }
}

/// A scored target or system: name, labels, assessment.
pub type Unit<'a> = (&'a str, &'a BTreeMap<String, String>, &'a TargetAssessment);

/// What the organisation's figures are computed over: the targets, or (`over` systems) the
/// scored systems and the targets that are members of none of them.
pub fn units<'a>(targets: Vec<Unit<'a>>, systems: &'a [SystemAssessment], over: LevelOver) -> Vec<Unit<'a>> {
    match over {
        LevelOver::Targets => targets,
        LevelOver::Systems => {
            let scored: Vec<(&SystemAssessment, &TargetAssessment)> =
                systems.iter().filter_map(|s| Some((s, s.assessment.as_ref()?))).collect();
            let mut units: Vec<Unit<'a>> =
                scored.iter().map(|(s, a)| (s.spec.name.as_str(), &s.spec.labels, *a)).collect();
            units.extend(
                targets
                    .into_iter()
                    .filter(|(name, ..)| !scored.iter().any(|(s, _)| s.members.iter().any(|m| m == name))),
            );
            units
        }
    }
}

fn organisation_over(
    model: &Model,
    targets: Vec<Unit<'_>>,
    systems: &[SystemAssessment],
    profile: &Profile,
    over: LevelOver,
) -> OrganisationAssessment {
    let units = units(targets, systems, over);
    OrganisationAssessment { over, ..organisation(model, &units, profile) }
}
