//! Running one assessment on several machines: `--shard I/N` assesses a deterministic,
//! balanced slice of the targets, and [`merge`] puts the shards' results back together
//! into the result one unsharded run would have written (apart from timings).

use crate::result::{AssessmentResult, ShardRecord, TargetResult};
use crate::roadmap::Roadmap;
use crate::score::{OrganisationAssessment, TargetAssessment};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Shard `index` (1-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 1 to `count`.
    pub index: usize,
    /// How many shards.
    pub count: usize,
}

impl std::str::FromStr for Shard {
    type Err = String;

    /// Reads `I/N`.
    fn from_str(text: &str) -> Result<Shard, String> {
        let bad = || format!("`{text}` is not a shard: write I/N with 1 ≤ I ≤ N, e.g. 2/8");
        let (i, n) = text.split_once('/').ok_or_else(bad)?;
        let (index, count): (usize, usize) =
            (i.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
        if index == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl Shard {
    /// The positions (in `ids`) of the targets this shard assesses. Targets are ordered by
    /// the SHA-256 of their id (then the id) and dealt out in turn, so every shard gets
    /// the same number of targets give or take one, and the same target always lands in
    /// the same shard for the same list.
    pub fn positions(self, ids: &[String]) -> Vec<usize> {
        let mut order: Vec<(Vec<u8>, &str, usize)> =
            ids.iter().enumerate().map(|(i, id)| (Sha256::digest(id.as_bytes()).to_vec(), id.as_str(), i)).collect();
        order.sort();
        let mut mine: Vec<usize> =
            order.iter().enumerate().filter(|(k, _)| k % self.count == self.index - 1).map(|(_, (.., i))| *i).collect();
        mine.sort_unstable();
        mine
    }
}

/// Why shards could not be merged.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// A result is not a shard.
    #[error("{0}: not a shard's result (no `shard`); merge the results of `kaizen assess --shard I/N`")]
    NotAShard(PathBuf),
    /// The shards come from different runs.
    #[error("{path}: {what} differs from {first}'s; the shards are not from the same assessment")]
    Mismatch {
        /// The shard that differs.
        path: PathBuf,
        /// The first shard.
        first: PathBuf,
        /// What differs.
        what: &'static str,
    },
    /// A shard is given twice.
    #[error("{0}: shard {1} is given twice")]
    Duplicate(PathBuf, usize),
    /// Shards are missing.
    #[error("shards {missing} of {count} are missing")]
    Missing {
        /// Which, `2, 5`.
        missing: String,
        /// Of how many.
        count: usize,
    },
    /// Nothing to merge.
    #[error("no results to merge")]
    Empty,
}

/// Merges the results of every shard of one assessment: targets back in the order given,
/// the organisation aggregated and the roadmap planned over all of them.
pub fn merge(parts: Vec<(PathBuf, AssessmentResult)>) -> Result<AssessmentResult, MergeError> {
    let (first_path, first) = parts.first().ok_or(MergeError::Empty)?;
    let first_shard = first.shard.clone().ok_or_else(|| MergeError::NotAShard(first_path.clone()))?;
    let count = first_shard.count;
    let mut seen = vec![false; count];
    for (path, part) in &parts {
        let shard = part.shard.as_ref().ok_or_else(|| MergeError::NotAShard(path.clone()))?;
        let mismatch = |what| MergeError::Mismatch { path: path.clone(), first: first_path.clone(), what };
        if shard.count != count {
            return Err(mismatch("the number of shards"));
        }
        if part.kaizen_version != first.kaizen_version {
            return Err(mismatch("the Kaizen version"));
        }
        if part.plugins != first.plugins {
            return Err(mismatch("the set of plugins (ids, versions, SHA-256)"));
        }
        if part.model.as_ref().map(|m| &m.sha256) != first.model.as_ref().map(|m| &m.sha256) {
            return Err(mismatch("the model"));
        }
        if part.scoring != first.scoring {
            return Err(mismatch("the scoring (answers, profile, capacity)"));
        }
        if part.organisation != first.organisation {
            return Err(mismatch("the organisation"));
        }
        if part.branding != first.branding {
            return Err(mismatch("the branding (`[report]` of the assessment file)"));
        }
        let slot = seen.get_mut(shard.index.wrapping_sub(1)).ok_or_else(|| mismatch("the shard index"))?;
        if *slot {
            return Err(MergeError::Duplicate(path.clone(), shard.index));
        }
        *slot = true;
    }
    let missing: Vec<String> =
        seen.iter().enumerate().filter(|(_, s)| !**s).map(|(i, _)| (i + 1).to_string()).collect();
    if !missing.is_empty() {
        return Err(MergeError::Missing { missing: missing.join(", "), count });
    }

    let started_at = parts.iter().map(|(_, p)| p.started_at.clone()).min().unwrap_or_default();
    let duration_ms = parts.iter().map(|(_, p)| p.duration_ms).max().unwrap_or(0);
    let first = first.clone();
    let mut targets = Vec::new();
    let mut unavailable = Vec::new();
    for (_, part) in parts {
        let shard = part.shard.unwrap_or_else(|| ShardRecord {
            index: 0,
            count: 0,
            targets: Vec::new(),
            unavailable: Vec::new(),
        });
        targets.extend(shard.targets.into_iter().zip(part.targets));
        unavailable.extend(shard.unavailable.into_iter().zip(part.unavailable));
    }
    targets.sort_by_key(|(position, _)| *position);
    unavailable.sort_by_key(|(position, _)| *position);
    let targets: Vec<TargetResult> = targets.into_iter().map(|(_, t)| t).collect();
    let (organisation_assessment, roadmap) = match aggregate(&first, &targets) {
        Some((org, roadmap)) => (Some(org), Some(roadmap)),
        None => (first.organisation_assessment, first.roadmap),
    };
    Ok(AssessmentResult {
        shard: None,
        started_at,
        duration_ms,
        targets,
        unavailable: unavailable.into_iter().map(|(_, u)| u).collect(),
        organisation_assessment,
        roadmap,
        ..first
    })
}

/// The organisation's figures and the roadmap over `targets`, with the model and profile
/// the shards recorded (none when they were not scored).
fn aggregate(first: &AssessmentResult, targets: &[TargetResult]) -> Option<(OrganisationAssessment, Roadmap)> {
    let (Some(model), Some(scoring)) = (&first.model, &first.scoring) else { return None };
    let profile = crate::score::Profile {
        weights: scoring.weights.clone(),
        disabled: scoring.disabled.iter().cloned().collect(),
        organisation_share: scoring.organisation_share,
    };
    let scored: Vec<(&str, &BTreeMap<String, String>, &TargetAssessment)> =
        targets.iter().filter_map(|t| t.assessment.as_ref().map(|a| (t.name.as_str(), &t.labels, a))).collect();
    let org = crate::score::organisation(&model.model, &scored, &profile);
    let named: Vec<(&str, &TargetAssessment)> = scored.iter().map(|(n, _, a)| (*n, *a)).collect();
    let roadmap = crate::roadmap::plan(&model.model, &named, &org, scoring.capacity);
    Some((org, roadmap))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_balanced_deterministic_and_cover_every_target_once() {
        let ids: Vec<String> = (0..103).map(|i| format!("repos/service-{i}")).collect();
        let mut all = Vec::new();
        for index in 1..=4 {
            let mine = Shard { index, count: 4 }.positions(&ids);
            assert!((25..=26).contains(&mine.len()), "{}", mine.len());
            assert_eq!(mine, Shard { index, count: 4 }.positions(&ids));
            all.extend(mine);
        }
        all.sort_unstable();
        assert_eq!(all, (0..103).collect::<Vec<_>>());
        assert_eq!("2/8".parse::<Shard>(), Ok(Shard { index: 2, count: 8 }));
        assert!("0/8".parse::<Shard>().is_err());
        assert!("9/8".parse::<Shard>().is_err());
        assert!("x".parse::<Shard>().is_err());
    }
}
