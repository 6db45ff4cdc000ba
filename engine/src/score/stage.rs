//! The score stage: every judged target against the model, then the organisation.

use super::{organisation, score_target, OrganisationAssessment, PracticeExemption, Profile, TargetAssessment};
use crate::judge::JudgedTarget;
use crate::model::answers::Answers;
use crate::model::Model;

/// The scored assessment: each target's, in the order judged, and the organisation's.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// One per judged target, in the same order.
    pub targets: Vec<TargetAssessment>,
    /// The aggregate over the targets.
    pub organisation: OrganisationAssessment,
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
    let assessed: Vec<TargetAssessment> = targets
        .iter()
        .map(|target| {
            let answers = answers.map(|a| a.for_target(&target.name, &target.labels)).unwrap_or_default();
            score_target(model, target, answers, exemptions, profile)
        })
        .collect();
    let scored: Vec<_> = targets.iter().zip(&assessed).map(|(t, a)| (t.name.as_str(), &t.labels, a)).collect();
    let organisation = organisation(model, &scored, profile);
    Assessment { targets: assessed, organisation }
}
