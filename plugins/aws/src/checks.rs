//! The checks, one function each, over the parts of the snapshot they need. Each returns
//! its finding and the facts it establishes; a part the snapshot could not read gives
//! `not_applicable` and null facts.

use crate::account::{plural, some_names, Account, Regional};
use kaizen_plugin_sdk::cloud::{Bucket, PipelineExecution, PublicAccessBlock, XRay};
use kaizen_plugin_sdk::{Finding, Value};
use std::collections::BTreeMap;

/// Every check, in report order.
pub const CHECKS: &[&str] = &[
    "cloudtrail-enabled",
    "config-recording",
    "guardduty-enabled",
    "securityhub-enabled",
    "root-mfa",
    "users-mfa",
    "access-keys-rotated",
    "password-policy",
    "s3-public-access-blocked",
    "s3-encryption",
    "s3-versioning",
    "ecr-scan-on-push",
    "alarms",
    "log-retention",
    "xray-in-use",
    "cloudformation-stacks",
    "codepipeline-success",
    "backup-plans",
    "fis-experiments",
];

/// Every fact, sorted.
pub const FACTS: &[&str] = &[
    "aws.account_id",
    "aws.alarms",
    "aws.backup_plans",
    "aws.cloudformation_stacks",
    "aws.cloudtrail_enabled",
    "aws.cloudtrail_multi_region",
    "aws.codebuild_projects",
    "aws.codepipeline_pipelines",
    "aws.codepipeline_success_rate",
    "aws.config_recording",
    "aws.drifted_stacks",
    "aws.ecr_scan_on_push",
    "aws.fis_templates",
    "aws.guardduty_enabled",
    "aws.log_groups_without_retention",
    "aws.password_policy",
    "aws.root_access_keys",
    "aws.root_mfa",
    "aws.s3_encrypted",
    "aws.s3_public_access_blocked",
    "aws.s3_versioned",
    "aws.securityhub_enabled",
    "aws.stale_access_keys",
    "aws.users_without_mfa",
    "aws.xray_in_use",
];

/// A check's finding and the facts it establishes.
pub struct Judged {
    pub finding: Finding,
    pub facts: Vec<(&'static str, Value)>,
}

fn judged(finding: Finding, facts: Vec<(&'static str, Value)>) -> Judged {
    Judged { finding, facts }
}

/// Every check on one account.
pub fn all(account: &Account) -> Vec<Judged> {
    let services = &account.inventory.services;
    vec![
        cloudtrail(account),
        per_region(
            account,
            ("config", &services.config),
            "config-recording",
            "aws.config_recording",
            "an AWS Config recorder is recording",
            |r| r.recorders.iter().any(|c| c.recording == Some(true)),
        ),
        per_region(
            account,
            ("guardduty", &services.guardduty),
            "guardduty-enabled",
            "aws.guardduty_enabled",
            "a GuardDuty detector is enabled",
            |r| r.detectors.iter().any(|d| d.status.as_deref() == Some("ENABLED")),
        ),
        per_region(
            account,
            ("securityhub", &services.securityhub),
            "securityhub-enabled",
            "aws.securityhub_enabled",
            "Security Hub is enabled",
            |r| r.enabled,
        ),
        root_mfa(account),
        users_mfa(account),
        access_keys(account),
        password_policy(account),
        buckets(account, "s3-public-access-blocked", "aws.s3_public_access_blocked", "block all public access", |b| {
            b.public_access_block.as_ref().map_or(false, |p: &PublicAccessBlock| {
                p.configured
                    && p.block_public_acls
                    && p.ignore_public_acls
                    && p.block_public_policy
                    && p.restrict_public_buckets
            })
        }),
        buckets(account, "s3-encryption", "aws.s3_encrypted", "have default encryption", |b| {
            b.encryption.as_ref().map_or(false, |e| e.configured)
        }),
        buckets(account, "s3-versioning", "aws.s3_versioned", "have versioning enabled", |b| {
            b.versioning.as_deref() == Some("Enabled")
        }),
        ecr(account),
        alarms(account),
        log_retention(account),
        xray(account),
        cloudformation(account),
        codepipeline(account),
        count_of(account, ("backup", &services.backup), "backup-plans", "aws.backup_plans", "AWS Backup plan", |r| {
            r.plans.len()
        }),
        count_of(
            account,
            ("fis", &services.fis),
            "fis-experiments",
            "aws.fis_templates",
            "AWS FIS experiment template",
            |r| r.experiment_templates.len(),
        ),
    ]
}

/// A regional service of the inventory and its name (as in IAM actions and the recorded
/// errors).
type Service<'a, T> = (&'static str, &'a BTreeMap<String, Option<T>>);

/// Why a regional service has no answer: every region's listing failed.
fn unreadable(account: &Account, service: &str, check: &'static str, facts: Vec<(&'static str, Value)>) -> Judged {
    let why = match account.error_of(service) {
        Some(error) => format!("the inventory could not read {service} in any region ({error})"),
        None => format!("the inventory holds no {service} data"),
    };
    judged(Finding::not_applicable(check, why), facts)
}

fn cloudtrail(account: &Account) -> Judged {
    let check = "cloudtrail-enabled";
    let regional = account.regional(&account.inventory.services.cloudtrail);
    if regional.unknown() {
        return unreadable(
            account,
            "cloudtrail",
            check,
            vec![("aws.cloudtrail_enabled", Value::Null), ("aws.cloudtrail_multi_region", Value::Null)],
        );
    }
    let mut logging: Vec<(&str, bool)> = Vec::new();
    for (_, region) in &regional.read {
        for trail in &region.trails {
            if trail.is_logging == Some(true) {
                let name = trail.name.as_str();
                if !logging.iter().any(|(n, _)| *n == name) {
                    logging.push((name, trail.multi_region));
                }
            }
        }
    }
    let multi: Vec<&str> = logging.iter().filter(|(_, m)| *m).map(|(n, _)| *n).collect();
    let facts = vec![
        ("aws.cloudtrail_enabled", Value::from(!logging.is_empty())),
        ("aws.cloudtrail_multi_region", Value::from(!multi.is_empty())),
    ];
    let note = regional.unread_note();
    let finding = if !multi.is_empty() {
        Finding::pass(check, format!("the multi-region trail {} is logging{note}", some_names(&multi)))
    } else if !logging.is_empty() {
        let names: Vec<&str> = logging.iter().map(|(n, _)| *n).collect();
        Finding::warn(
            check,
            format!(
                "trail{} {} log{}, but only in {} region{note}: no trail covers every region",
                plural(names.len()),
                some_names(&names),
                if names.len() == 1 { "s" } else { "" },
                if names.len() == 1 { "its" } else { "their" }
            ),
        )
        .with_score(0.5)
    } else {
        Finding::fail(check, format!("no CloudTrail trail is logging in the regions collected{note}"))
    };
    judged(finding, facts)
}

/// A setting every region should have: passes when all regions read have it, warns when
/// some do (the score is the share), fails when none does.
fn per_region<T>(
    account: &Account,
    (service, regions): Service<T>,
    check: &'static str,
    fact: &'static str,
    what: &str,
    has: impl Fn(&T) -> bool,
) -> Judged {
    let regional = account.regional(regions);
    if regional.unknown() {
        return unreadable(account, service, check, vec![(fact, Value::Null)]);
    }
    let with: Vec<&str> = regional.read.iter().filter(|(_, r)| has(r)).map(|(name, _)| *name).collect();
    let without: Vec<&str> = regional.read.iter().filter(|(_, r)| !has(r)).map(|(name, _)| *name).collect();
    let note = regional.unread_note();
    let total = regional.read.len();
    let finding = if without.is_empty() {
        Finding::pass(check, format!("{what} in every region collected ({}){note}", some_names(&with)))
    } else if with.is_empty() {
        Finding::fail(
            check,
            format!("{what} in none of the {total} region{} collected ({}){note}", plural(total), some_names(&without)),
        )
    } else {
        Finding::warn(
            check,
            format!("{what} in {} of {total} regions; not in {}{note}", with.len(), some_names(&without)),
        )
        .with_score(round2(with.len() as f64 / total as f64))
    };
    judged(finding, vec![(fact, Value::from(without.is_empty()))])
}

fn root_mfa(account: &Account) -> Judged {
    let check = "root-mfa";
    let iam = &account.inventory.services.iam;
    let (mfa, keys) = (iam.root_mfa_enabled, iam.root_access_keys_present);
    let facts = vec![
        ("aws.root_mfa", mfa.map_or(Value::Null, Value::from)),
        ("aws.root_access_keys", keys.map_or(Value::Null, Value::from)),
    ];
    let finding = match (mfa, keys) {
        (None, _) => Finding::not_applicable(check, reason(account, "iam", "the account summary could not be read")),
        (Some(_), Some(true)) => Finding::fail(check, "the root user has access keys: delete them and use roles"),
        (Some(false), _) => Finding::fail(check, "the root user has no MFA device"),
        (Some(true), _) => Finding::pass(check, "the root user has MFA and no access keys"),
    };
    judged(finding, facts)
}

fn users_mfa(account: &Account) -> Judged {
    let check = "users-mfa";
    let without = account.inventory.services.iam.users_without_mfa.as_ref();
    let finding = match without {
        None => Finding::not_applicable(check, reason(account, "iam", "IAM users could not be read")),
        Some(users) if users.is_empty() => Finding::pass(check, "every IAM user with a console password has MFA"),
        // Counted, not named: user names are often people's names.
        Some(users) => Finding::fail(
            check,
            format!(
                "{} IAM user{} with a console password {} no MFA device",
                users.len(),
                plural(users.len()),
                if users.len() == 1 { "has" } else { "have" }
            ),
        )
        .with_score(0.0),
    };
    judged(finding, vec![("aws.users_without_mfa", without.map_or(Value::Null, |u| Value::from(u.len())))])
}

fn access_keys(account: &Account) -> Judged {
    let check = "access-keys-rotated";
    let old = account.inventory.services.iam.old_access_keys.as_ref();
    let active: Option<usize> = old.map(|keys| keys.iter().filter(|k| k.status.as_deref() != Some("Inactive")).count());
    let finding = match active {
        None => Finding::not_applicable(check, reason(account, "iam", "access keys could not be read")),
        Some(0) => Finding::pass(check, "no active access key is older than 90 days"),
        Some(n) => Finding::fail(
            check,
            format!("{n} active access key{} {} older than 90 days", plural(n), if n == 1 { "is" } else { "are" }),
        ),
    };
    judged(finding, vec![("aws.stale_access_keys", active.map_or(Value::Null, Value::from))])
}

fn password_policy(account: &Account) -> Judged {
    let check = "password-policy";
    let policy = match &account.inventory.services.iam.password_policy {
        Some(policy) => policy,
        None => {
            let finding =
                Finding::not_applicable(check, reason(account, "iam", "the password policy could not be read"));
            return judged(finding, vec![("aws.password_policy", Value::Null)]);
        }
    };
    let exists = policy.exists;
    let length = policy.minimum_length.unwrap_or(0);
    let reuse = policy.reuse_prevention.unwrap_or(0);
    let finding = if !exists {
        Finding::fail(check, "the account has no IAM password policy (AWS's default allows 8-character passwords)")
    } else if length >= 14 && reuse >= 24 {
        Finding::pass(check, format!("passwords need {length} characters and may not repeat the last {reuse}"))
    } else {
        Finding::warn(
            check,
            format!("the password policy asks for {length} characters and blocks reuse of the last {reuse}; CIS asks for 14 and 24"),
        )
        .with_score(0.5)
    };
    judged(finding, vec![("aws.password_policy", Value::from(exists))])
}

/// A property every S3 bucket should have.
fn buckets(
    account: &Account,
    check: &'static str,
    fact: &'static str,
    what: &str,
    has: impl Fn(&Bucket) -> bool,
) -> Judged {
    let list = account.inventory.services.s3.buckets.as_ref();
    let buckets = match list {
        None => {
            let finding = Finding::not_applicable(check, reason(account, "s3", "S3 buckets could not be listed"));
            return judged(finding, vec![(fact, Value::Null)]);
        }
        Some(b) if b.is_empty() => {
            return judged(Finding::not_applicable(check, "the account has no S3 buckets"), vec![(fact, Value::Null)])
        }
        Some(b) => b,
    };
    let missing: Vec<&str> = buckets.iter().filter(|b| !has(b)).map(|b| b.name.as_str()).collect();
    let total = buckets.len();
    let finding =
        share_finding(check, total - missing.len(), total, &format!("S3 bucket{} {what}", plural(total)), &missing);
    judged(finding, vec![(fact, Value::from(missing.is_empty()))])
}

/// Passes when all have it, fails when none does, warns in between with the share.
fn share_finding(check: &str, with: usize, total: usize, what: &str, missing: &[&str]) -> Finding {
    let message = format!("{with} of {total} {what}");
    if with == total {
        Finding::pass(check, message).with_score(1.0)
    } else if with == 0 {
        Finding::fail(check, message).with_score(0.0)
    } else {
        Finding::warn(check, format!("{message}; not: {}", some_names(missing)))
            .with_score(round2(with as f64 / total as f64))
    }
}

fn ecr(account: &Account) -> Judged {
    let check = "ecr-scan-on-push";
    let regional = account.regional(&account.inventory.services.ecr);
    if regional.unknown() {
        return unreadable(account, "ecr", check, vec![("aws.ecr_scan_on_push", Value::Null)]);
    }
    let repos: Vec<_> = regional.read.iter().flat_map(|(_, r)| &r.repositories).collect();
    if repos.is_empty() {
        return judged(
            Finding::not_applicable(check, "the account has no ECR repositories"),
            vec![("aws.ecr_scan_on_push", Value::Null)],
        );
    }
    let missing: Vec<&str> = repos.iter().filter(|r| !r.scan_on_push).map(|r| r.name.as_str()).collect();
    let total = repos.len();
    let finding = share_finding(
        check,
        total - missing.len(),
        total,
        &format!("ECR repositor{} scan images on push", if total == 1 { "y" } else { "ies" }),
        &missing,
    );
    judged(finding, vec![("aws.ecr_scan_on_push", Value::from(missing.is_empty()))])
}

fn alarms(account: &Account) -> Judged {
    let check = "alarms";
    let regional = account.regional(&account.inventory.services.cloudwatch);
    if regional.unknown() {
        return unreadable(account, "cloudwatch", check, vec![("aws.alarms", Value::Null)]);
    }
    let all: Vec<_> = regional.read.iter().flat_map(|(_, r)| &r.alarms).collect();
    let notifying = all.iter().filter(|a| a.actions_enabled && a.has_alarm_actions).count();
    let note = regional.unread_note();
    let finding = if notifying > 0 {
        Finding::pass(
            check,
            format!("{} CloudWatch alarm{}, {notifying} of them notifying someone{note}", all.len(), plural(all.len())),
        )
    } else if !all.is_empty() {
        Finding::warn(
            check,
            format!(
                "{} CloudWatch alarm{}, but none has an enabled action: nobody is told{note}",
                all.len(),
                plural(all.len())
            ),
        )
        .with_score(0.5)
    } else {
        Finding::fail(check, format!("no CloudWatch alarm in the regions collected{note}"))
    };
    judged(finding, vec![("aws.alarms", Value::from(all.len()))])
}

fn log_retention(account: &Account) -> Judged {
    let check = "log-retention";
    let regional = account.regional(&account.inventory.services.logs);
    if regional.unknown() {
        return unreadable(account, "logs", check, vec![("aws.log_groups_without_retention", Value::Null)]);
    }
    let groups: Vec<_> = regional.read.iter().flat_map(|(_, r)| &r.log_groups).collect();
    if groups.is_empty() {
        return judged(
            Finding::not_applicable(check, "the account has no CloudWatch log groups"),
            vec![("aws.log_groups_without_retention", Value::from(0))],
        );
    }
    let missing: Vec<&str> = groups.iter().filter(|g| g.retention_days.is_none()).map(|g| g.name.as_str()).collect();
    let total = groups.len();
    let finding = share_finding(
        check,
        total - missing.len(),
        total,
        &format!("log group{} have a retention period", plural(total)),
        &missing,
    );
    judged(finding, vec![("aws.log_groups_without_retention", Value::from(missing.len()))])
}

fn xray(account: &Account) -> Judged {
    let check = "xray-in-use";
    let regional = account.regional(&account.inventory.services.xray);
    let custom = |r: &XRay| {
        r.groups.iter().flatten().any(|g| g.name != "Default")
            || r.sampling_rules.iter().flatten().any(|s| s.name != "Default")
    };
    let known: Vec<&(&str, &XRay)> =
        regional.read.iter().filter(|(_, r)| r.groups.is_some() || r.sampling_rules.is_some()).collect();
    if known.is_empty() {
        return unreadable(account, "xray", check, vec![("aws.xray_in_use", Value::Null)]);
    }
    let using: Vec<&str> = known.iter().filter(|(_, r)| custom(r)).map(|(n, _)| *n).collect();
    let finding = if using.is_empty() {
        Finding::warn(check, "X-Ray has only its default group and sampling rule: no sign that traces are organised or sampled deliberately")
            .with_score(0.0)
    } else {
        Finding::pass(check, format!("X-Ray groups or sampling rules are defined in {}", some_names(&using)))
    };
    judged(finding, vec![("aws.xray_in_use", Value::from(!using.is_empty()))])
}

fn cloudformation(account: &Account) -> Judged {
    let check = "cloudformation-stacks";
    let regional = account.regional(&account.inventory.services.cloudformation);
    if regional.unknown() {
        return unreadable(
            account,
            "cloudformation",
            check,
            vec![("aws.cloudformation_stacks", Value::Null), ("aws.drifted_stacks", Value::Null)],
        );
    }
    let stacks: Vec<_> = regional
        .read
        .iter()
        .flat_map(|(_, r)| &r.stacks)
        .filter(|s| !s.nested && s.status != "DELETE_COMPLETE")
        .collect();
    let drifted: Vec<&str> =
        stacks.iter().filter(|s| s.drift_status.as_deref() == Some("DRIFTED")).map(|s| s.name.as_str()).collect();
    let facts = vec![
        ("aws.cloudformation_stacks", Value::from(stacks.len())),
        ("aws.drifted_stacks", Value::from(drifted.len())),
    ];
    let finding = if stacks.is_empty() {
        Finding::not_applicable(check, "no CloudFormation stacks: the infrastructure may be managed with other tools (the iac plugin reads the repositories)")
    } else if drifted.is_empty() {
        Finding::pass(
            check,
            format!("{} CloudFormation stack{}, none known to have drifted", stacks.len(), plural(stacks.len())),
        )
    } else {
        Finding::warn(
            check,
            format!(
                "{} CloudFormation stack{}; {} drifted from {} template: {}",
                stacks.len(),
                plural(stacks.len()),
                drifted.len(),
                if drifted.len() == 1 { "its" } else { "their" },
                some_names(&drifted)
            ),
        )
        .with_score(round2(1.0 - drifted.len() as f64 / stacks.len() as f64))
    };
    judged(finding, facts)
}

fn codepipeline(account: &Account) -> Judged {
    let check = "codepipeline-success";
    let pipelines = account.regional(&account.inventory.services.codepipeline);
    let builds = account.regional(&account.inventory.services.codebuild);
    let projects = builds.read.iter().map(|(_, r)| r.projects.len()).sum::<usize>();
    let all: Vec<_> = pipelines.read.iter().flat_map(|(_, r)| &r.pipelines).collect();
    let mut executions = Vec::new();
    let mut unread = 0;
    for p in &all {
        match &p.executions {
            Some(list) => executions.extend(list),
            None => unread += 1,
        }
    }
    let status = |e: &&PipelineExecution, s: &str| e.status.as_deref() == Some(s);
    let succeeded = executions.iter().filter(|e| status(e, "Succeeded")).count();
    let failed = executions.iter().filter(|e| status(e, "Failed")).count();
    let rate = if succeeded + failed > 0 { Some(round3(succeeded as f64 / (succeeded + failed) as f64)) } else { None };
    let facts = vec![
        ("aws.codepipeline_pipelines", if pipelines.unknown() { Value::Null } else { Value::from(all.len()) }),
        ("aws.codepipeline_success_rate", rate.map_or(Value::Null, Value::from)),
        ("aws.codebuild_projects", if builds.unknown() { Value::Null } else { Value::from(projects) }),
    ];
    let finding = match rate {
        None if pipelines.unknown() => return unreadable(account, "codepipeline", check, facts),
        None if all.is_empty() => Finding::not_applicable(
            check,
            "no CodePipeline pipelines: delivery may run elsewhere (see the ci and delivery plugins)",
        ),
        None if unread > 0 => {
            Finding::not_applicable(check, reason(account, "codepipeline", "pipeline executions could not be read"))
        }
        None => Finding::not_applicable(
            check,
            format!("{} pipeline{} with no finished execution", all.len(), plural(all.len())),
        ),
        Some(rate) => {
            let message = format!(
                "{succeeded} of {} finished executions of {} pipeline{} succeeded ({:.0}%)",
                succeeded + failed,
                all.len(),
                plural(all.len()),
                rate * 100.0
            );
            if rate >= 0.8 { Finding::pass(check, message) } else { Finding::warn(check, message) }.with_score(rate)
        }
    };
    judged(finding, facts)
}

/// Something whose presence is the practice (Backup plans, FIS templates): passes with at
/// least one, warns without.
fn count_of<T>(
    account: &Account,
    (service, regions): Service<T>,
    check: &'static str,
    fact: &'static str,
    what: &str,
    count: impl Fn(&T) -> usize,
) -> Judged {
    let regional: Regional<T> = account.regional(regions);
    if regional.unknown() {
        return unreadable(account, service, check, vec![(fact, Value::Null)]);
    }
    let n: usize = regional.read.iter().map(|(_, r)| count(r)).sum();
    let note = regional.unread_note();
    let finding = if n > 0 {
        Finding::pass(check, format!("{n} {what}{}{note}", plural(n)))
    } else {
        Finding::warn(check, format!("no {what} in the regions collected{note}")).with_score(0.0)
    };
    judged(finding, vec![(fact, Value::from(n))])
}

/// Why a global setting is unknown: the recorded error, else `fallback`.
fn reason(account: &Account, service: &str, fallback: &str) -> String {
    match account.error_of(service) {
        Some(error) => format!("{fallback} ({error})"),
        None => fallback.to_owned(),
    }
}

fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

fn round3(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}
