//! Pooling a system's evidence, leaf by leaf, with a small model over real plugin ids (the
//! pooling of a check depends on which check it is).

use super::super::{
    score, score_target, score_with_systems, units, LevelOver, PracticeExemption, PracticeState, Profile, Systems,
    TargetAssessment,
};
use super::*;
use crate::judge::{ExemptionRecord, FindingRecord, JudgedTarget};
use crate::model::answers::Answers;
use crate::model::{load, Catalogue};
use crate::plugin::Status;
use serde_json::json;
use std::path::Path;

const MODEL: &str = r#"
[model]
id = "sys"
name = "Systems"
version = "1"

[[level]]
number = 1
name = "Initial"
[[level]]
number = 2
name = "Managed"
[[level]]
number = 3
name = "Defined"
[[level]]
number = 4
name = "Measured"
[[level]]
number = 5
name = "Optimizing"

[[area]]
id = "ops"
name = "Operations"

[[practice]]
id = "scanning"
area = "ops"
level = 2
title = "Scanners in CI"
guidance = "Scan."
effort = "S"
impact = 3
evidence = { all = [{ check = "security/sast" }, { any = [{ check = "security/vulnerability-scanning" }, { check = "aws/ecr-scan-on-push" }] }] }

[[practice]]
id = "secrets"
area = "ops"
level = 2
title = "No secrets"
guidance = "Remove them."
effort = "S"
impact = 3
evidence = { check = "security/no-committed-secrets" }

[[practice]]
id = "alarms"
area = "ops"
level = 2
title = "Alarms"
guidance = "Alarm."
effort = "S"
impact = 2
evidence = { check = "aws/alarms" }

[[practice]]
id = "chaos"
area = "ops"
level = 5
title = "Chaos"
guidance = "Break things."
effort = "L"
impact = 1
evidence = { check = "resilience/chaos-experiments" }

[[practice]]
id = "environments"
area = "ops"
level = 3
title = "Environments"
guidance = "Stage."
effort = "M"
impact = 2
evidence = { fact = "ci.features", contains = "environments" }

[[practice]]
id = "deploys"
area = "ops"
level = 3
title = "Deploys"
guidance = "Deploy."
effort = "M"
impact = 2
evidence = { fact = "ci.deploys", equals = true }

[[practice]]
id = "one-image"
area = "ops"
level = 3
title = "One image"
guidance = "One."
effort = "M"
impact = 1
evidence = { fact = "container.dockerfiles", at_most = 1 }

[[practice]]
id = "fast"
area = "ops"
level = 4
title = "Fast"
guidance = "Be fast."
effort = "L"
impact = 1
evidence = { dora = "lead_time", at_least = "high" }

[[practice]]
id = "rota"
area = "ops"
level = 2
title = "On call"
guidance = "Rota."
effort = "S"
impact = 2
evidence = { answer = "on-call", equals = true }

[[question]]
id = "on-call"
area = "ops"
text = "Is there an on-call rota?"
kind = "yes_no"
"#;

/// The checks of the model one member is enough for, as the built-in plugins declare them
/// (`pooled = "any"`); the others (committed secrets, ECR scanning) every member must pass.
fn pooling() -> Pooling {
    Pooling::any([
        ("security", "sast"),
        ("security", "vulnerability-scanning"),
        ("aws", "alarms"),
        ("resilience", "chaos-experiments"),
    ])
}

fn model() -> Model {
    let mut catalogue = Catalogue::default();
    let checks: &[(&str, &[&str])] = &[
        ("security", &["sast", "vulnerability-scanning", "no-committed-secrets"]),
        ("aws", &["ecr-scan-on-push", "alarms"]),
        ("resilience", &["chaos-experiments"]),
    ];
    for (plugin, ids) in checks {
        catalogue.checks.insert((*plugin).into(), ids.iter().map(|c| (*c).to_owned()).collect());
    }
    for (fact, plugin) in [
        ("ci.features", "ci"),
        ("ci.deploys", "ci"),
        ("container.dockerfiles", "iac"),
        ("dora.lead_time_hours", "delivery"),
    ] {
        catalogue.facts.insert(fact.into());
        catalogue.fact_plugins.insert(fact.into(), plugin.into());
    }
    load(Path::new("sys.toml"), MODEL, &catalogue).unwrap_or_else(|e| panic!("{e}"))
}

/// A repository judged by the `security`, `ci`, `iac` and `delivery` plugins, or (kind
/// `cloud`) an account judged by the `aws` plugin.
fn member(name: &str, kind: &str, findings: &[(&str, Status)], facts: serde_json::Value) -> JudgedTarget {
    let cloud = kind == "cloud";
    JudgedTarget {
        name: name.into(),
        path: name.into(),
        kind: kind.into(),
        labels: BTreeMap::new(),
        files: 1,
        facts: facts.as_object().map(|o| o.clone().into_iter().collect()).unwrap_or_default(),
        findings: findings
            .iter()
            .map(|(id, status)| {
                let (plugin, check) = id.split_once('/').unwrap();
                FindingRecord {
                    plugin: plugin.into(),
                    check: check.into(),
                    status: *status,
                    score: None,
                    message: format!("{check} on {name}"),
                    evidence: Vec::new(),
                    exemption: None,
                }
            })
            .collect(),
        errors: Vec::new(),
        warnings: Vec::new(),
        skipped: Vec::new(),
        sources: if cloud { vec![Source::Cloud] } else { vec![Source::Repository] },
        plugins: if cloud {
            vec!["aws".into()]
        } else {
            ["security", "ci", "iac", "delivery"].into_iter().map(String::from).collect()
        },
    }
}

fn spec(name: &str, targets: &[&str]) -> SystemSpec {
    SystemSpec {
        name: name.into(),
        targets: targets.iter().map(|t| (*t).to_owned()).collect(),
        labels: BTreeMap::new(),
    }
}

/// The system `sys` of every target given, scored with no answers.
fn system(m: &Model, targets: &[&JudgedTarget]) -> TargetAssessment {
    system_with(m, targets, &[], BTreeMap::new(), &[])
}

fn system_with(
    m: &Model,
    targets: &[&JudgedTarget],
    member_answers: &[BTreeMap<String, Answer>],
    own: BTreeMap<String, Answer>,
    exemptions: &[PracticeExemption],
) -> TargetAssessment {
    let none = BTreeMap::new();
    let members: Vec<Member<'_>> = targets
        .iter()
        .enumerate()
        .map(|(i, t)| Member { target: t, answers: member_answers.get(i).unwrap_or(&none) })
        .collect();
    let names: Vec<&str> = targets.iter().map(|t| t.name.as_str()).collect();
    super::super::score_system(m, &spec("sys", &names), &members, &pooling(), own, exemptions, &Profile::default())
}

fn practice<'a>(a: &'a TargetAssessment, id: &str) -> &'a crate::score::PracticeResult {
    a.practice(id).unwrap_or_else(|| panic!("no {id}"))
}

/// The (rule, member, verdict) of each trace line of a practice.
fn traced(a: &TargetAssessment, id: &str) -> Vec<(String, Option<String>, Verdict)> {
    practice(a, id).trace.iter().map(|t| (t.rule.clone(), t.member.clone(), t.verdict)).collect()
}

fn answers(m: &Model, text: &str) -> BTreeMap<String, Answer> {
    Answers::parse(Path::new("answers.toml"), text, m).unwrap_or_else(|e| panic!("{e}")).global
}

#[test]
fn a_scanner_found_in_one_member_serves_the_system_and_the_account_adds_its_own() {
    let m = model();
    let app = member(
        "app",
        "git",
        &[("security/sast", Status::Pass), ("security/vulnerability-scanning", Status::Fail)],
        json!({}),
    );
    let infra = member(
        "infra",
        "git",
        &[("security/sast", Status::Fail), ("security/vulnerability-scanning", Status::Fail)],
        json!({}),
    );
    let account = member("aws-1", "cloud", &[("aws/ecr-scan-on-push", Status::Pass)], json!({}));
    // Alone, no member has both scanners.
    for t in [&app, &infra, &account] {
        let alone = score_target(&m, t, BTreeMap::new(), &[], &Profile::default());
        assert_ne!(practice(&alone, "scanning").state, PracticeState::Satisfied, "{}", t.name);
    }
    let a = system(&m, &[&app, &infra, &account]);
    let p = practice(&a, "scanning");
    assert_eq!(p.state, PracticeState::Satisfied, "{}", p.reason);
    let m_ = |s: &str| Some(s.to_owned());
    assert_eq!(
        traced(&a, "scanning"),
        [
            ("check security/sast".into(), m_("app"), Verdict::Satisfied),
            ("check security/sast".into(), m_("infra"), Verdict::NotSatisfied),
            ("check security/vulnerability-scanning".into(), m_("app"), Verdict::NotSatisfied),
            ("check security/vulnerability-scanning".into(), m_("infra"), Verdict::NotSatisfied),
            // Only the account is judged by the aws plugin.
            ("check aws/ecr-scan-on-push".into(), m_("aws-1"), Verdict::Satisfied),
        ]
    );
    assert_eq!(
        p.reason,
        "check security/sast (app): pass: sast on app; check aws/ecr-scan-on-push (aws-1): pass: ecr-scan-on-push on aws-1"
    );
    // The member that lacks it says so, and that the system is not decided by it.
    assert!(p.trace[1].found.ends_with("(outweighed: satisfied for the system)"), "{}", p.trace[1].found);
    // Without the account, nothing scans images or dependencies.
    let without = system(&m, &[&app, &infra]);
    assert_eq!(practice(&without, "scanning").state, PracticeState::NotSatisfied);
}

#[test]
fn a_secret_in_any_member_fails_the_system() {
    let m = model();
    let clean = member("app", "git", &[("security/no-committed-secrets", Status::Pass)], json!({}));
    let leaky = member("infra", "git", &[("security/no-committed-secrets", Status::Fail)], json!({}));
    let account = member("aws-1", "cloud", &[], json!({}));
    let a = system(&m, &[&clean, &leaky, &account]);
    let p = practice(&a, "secrets");
    assert_eq!(p.state, PracticeState::NotSatisfied);
    assert_eq!(p.reason, "check security/no-committed-secrets (infra): fail: no-committed-secrets on infra");
    // Order does not matter: the failing member decides wherever it is.
    let a = system(&m, &[&leaky, &clean]);
    assert_eq!(practice(&a, "secrets").state, PracticeState::NotSatisfied);
    let a = system(&m, &[&clean, &account]);
    assert_eq!(practice(&a, "secrets").state, PracticeState::Satisfied);
}

#[test]
fn members_where_a_check_does_not_apply_are_left_out() {
    let m = model();
    let na = |name: &str| member(name, "git", &[("security/no-committed-secrets", Status::NotApplicable)], json!({}));
    let pass = member("app", "git", &[("security/no-committed-secrets", Status::Pass)], json!({}));
    // Every member must pass where it applies: one passing, one not applicable.
    assert_eq!(practice(&system(&m, &[&na("docs"), &pass]), "secrets").state, PracticeState::Satisfied);
    // Nowhere applicable: the practice does not apply to the system either.
    assert_eq!(practice(&system(&m, &[&na("a"), &na("b")]), "secrets").state, PracticeState::NotApplicable);
    // A member's exemption of a check counts for that member only.
    let mut exempt = member("infra", "git", &[("security/no-committed-secrets", Status::NotApplicable)], json!({}));
    exempt.findings[0].exemption =
        Some(ExemptionRecord { reason: "test keys only".into(), original_status: Status::Fail });
    let leaky = member("other", "git", &[("security/no-committed-secrets", Status::Fail)], json!({}));
    assert_eq!(practice(&system(&m, &[&exempt, &pass]), "secrets").state, PracticeState::Satisfied);
    assert_eq!(practice(&system(&m, &[&exempt, &leaky]), "secrets").state, PracticeState::NotSatisfied);
    // A presence check: not applicable in one member, missing in the other.
    let sast_na = member("docs", "git", &[("security/sast", Status::NotApplicable)], json!({}));
    let sast_fail = member("app", "git", &[("security/sast", Status::Fail)], json!({}));
    let a = system(&m, &[&sast_na, &sast_fail]);
    assert_eq!(
        traced(&a, "scanning")[..2].iter().map(|t| t.2).collect::<Vec<_>>(),
        [Verdict::NotApplicable, Verdict::NotSatisfied]
    );
    assert_eq!(practice(&a, "scanning").state, PracticeState::NotSatisfied);
}

#[test]
fn evidence_no_member_could_have_is_out_of_scope_and_a_failed_plugin_keeps_it_open() {
    let m = model();
    let app = member("app", "git", &[("security/sast", Status::Fail)], json!({}));
    let account = member("aws-1", "cloud", &[("aws/alarms", Status::Pass)], json!({}));
    let a = system(&m, &[&app, &account]);
    // Alarms: only the account was judged by the aws plugin, and it decides.
    assert_eq!(traced(&a, "alarms"), [("check aws/alarms".into(), Some("aws-1".into()), Verdict::Satisfied)]);
    // Chaos experiments: no member was judged by the resilience plugin.
    let chaos = practice(&a, "chaos");
    assert_eq!(chaos.state, PracticeState::OutOfScope);
    assert_eq!(chaos.reason, "check resilience/chaos-experiments: plugin resilience judged no member of this system");
    // A member whose plugin failed could have shown the scanner: unknown, not missing.
    let mut failed = member("infra", "git", &[], json!({}));
    failed.errors.push(crate::judge::ErrorRecord {
        plugin: "security".into(),
        kind: crate::plugin::ErrorKind::Timeout,
        message: "took too long".into(),
        stderr: String::new(),
    });
    let a = system(&m, &[&app, &failed]);
    assert_eq!(practice(&a, "scanning").state, PracticeState::Unknown);
}

#[test]
fn facts_pool_lists_booleans_and_numbers_naming_their_members() {
    let m = model();
    let app = member(
        "app",
        "git",
        &[],
        json!({ "ci.features": ["artifacts"], "ci.deploys": false, "container.dockerfiles": 1 }),
    );
    let infra = member(
        "infra",
        "git",
        &[],
        json!({ "ci.features": ["environments", "artifacts"], "ci.deploys": true, "container.dockerfiles": 0 }),
    );
    let a = system(&m, &[&app, &infra]);
    let env = practice(&a, "environments");
    assert_eq!(env.state, PracticeState::Satisfied);
    assert_eq!(env.trace[0].member.as_deref(), Some("infra"), "the member whose list has it");
    assert_eq!(
        env.trace[0].found,
        r#"ci.features = ["artifacts","environments"] (pooled from app: ["artifacts"]; infra: ["environments","artifacts"])"#
    );
    assert_eq!(practice(&a, "deploys").state, PracticeState::Satisfied, "true in one member");
    assert_eq!(practice(&a, "deploys").trace[0].member.as_deref(), Some("infra"));
    // `at_most` holds when every member stays within it: the highest member's count.
    assert_eq!(practice(&a, "one-image").state, PracticeState::Satisfied);
    let two = member("worker", "git", &[], json!({ "container.dockerfiles": 2 }));
    let a = system(&m, &[&app, &infra, &two]);
    assert_eq!(practice(&a, "one-image").state, PracticeState::NotSatisfied);
    assert_eq!(
        practice(&a, "one-image").trace[0].found,
        "container.dockerfiles = 2 (pooled from app: 1; infra: 0; worker: 2)"
    );
    // A fact no member reported, from a plugin that judged them: unknown.
    let bare = member("bare", "git", &[], json!({}));
    assert_eq!(practice(&system(&m, &[&bare]), "deploys").state, PracticeState::Unknown);
}

#[test]
fn the_dora_keys_are_the_slowest_members_and_answers_pool_strictly() {
    let m = model();
    let figure =
        |band: &str| json!({ "value": 10.0, "unit": "hours", "band": band, "source": "pipeline", "basis": "runs" });
    let fast = member("app", "git", &[], json!({ "dora.lead_time_hours": figure("elite") }));
    let slow = member("infra", "git", &[], json!({ "dora.lead_time_hours": figure("medium") }));
    let a = system(&m, &[&fast, &slow]);
    let key = a.dora.key(crate::model::DoraKey::LeadTime).unwrap();
    assert_eq!((key.band, key.basis.as_str()), (Some(Band::Medium), "infra: runs"));
    let p = practice(&a, "fast");
    assert_eq!(p.state, PracticeState::NotSatisfied);
    assert_eq!(p.trace[0].member.as_deref(), Some("infra"));

    // Answers: the system's own answer decides; without one, every member that answered
    // must satisfy the question, and the trace names each.
    let yes = answers(&m, "[answers]\non-call = true\n");
    let no = answers(&m, "[answers]\non-call = false\n");
    let a = system_with(&m, &[&fast, &slow], &[yes.clone(), no.clone()], BTreeMap::new(), &[]);
    assert_eq!(practice(&a, "rota").state, PracticeState::NotSatisfied);
    assert_eq!(
        traced(&a, "rota").iter().map(|t| (t.1.clone(), t.2)).collect::<Vec<_>>(),
        [(Some("app".into()), Verdict::Satisfied), (Some("infra".into()), Verdict::NotSatisfied)]
    );
    let a = system_with(&m, &[&fast, &slow], std::slice::from_ref(&yes), BTreeMap::new(), &[]);
    assert_eq!(practice(&a, "rota").state, PracticeState::Satisfied, "a member not asked is left out");
    let a = system_with(&m, &[&fast, &slow], &[yes, no], answers(&m, "[answers]\non-call = true\n"), &[]);
    assert_eq!(practice(&a, "rota").state, PracticeState::Satisfied);
    assert_eq!(traced(&a, "rota")[0].1, None, "the system's own answer");
    assert!(a.scope.sources.contains(&Source::Interview));
    let a = system(&m, &[&fast, &slow]);
    assert_eq!(practice(&a, "rota").state, PracticeState::OutOfScope, "nobody answered");
}

#[test]
fn a_practice_exemption_applies_to_the_system_by_its_own_name() {
    let m = model();
    let leaky = member("infra", "git", &[("security/no-committed-secrets", Status::Fail)], json!({}));
    let exemption = |glob: &str| PracticeExemption {
        target: globset::Glob::new(glob).unwrap().compile_matcher(),
        practice: "secrets".into(),
        reason: "rotated and history rewritten".into(),
    };
    let a = system_with(&m, &[&leaky], &[], BTreeMap::new(), &[exemption("infra")]);
    assert_eq!(practice(&a, "secrets").state, PracticeState::NotSatisfied, "a member's exemption is not the system's");
    let a = system_with(&m, &[&leaky], &[], BTreeMap::new(), &[exemption("sys")]);
    assert_eq!(practice(&a, "secrets").state, PracticeState::Exempt);
}

#[test]
fn members_are_matched_by_name_or_labels_and_a_system_without_one_is_not_scored() {
    let m = model();
    let mut app = member("app", "git", &[("security/sast", Status::Pass)], json!({}));
    app.labels.insert("service".into(), "payments".into());
    let account = member("aws-1", "cloud", &[], json!({}));
    let other = member("other", "git", &[], json!({}));
    let targets = [app.clone(), account.clone(), other.clone()];
    let by_label = SystemSpec {
        name: "payments".into(),
        targets: vec!["aws-1".into(), "payments-db".into()],
        labels: [("service".to_owned(), "payments".to_owned())].into_iter().collect(),
    };
    let ghost = spec("ghost", &["nowhere"]);
    let pooling = pooling();
    let specs = [by_label, ghost];
    let systems = Systems { specs: &specs, pooling: &pooling, over: LevelOver::Targets };
    let assessment = score_with_systems(&m, &targets, systems, None, &[], &Profile::default());
    let payments = &assessment.systems[0];
    assert_eq!(payments.members, ["app", "aws-1"]);
    assert_eq!(payments.missing, ["payments-db"]);
    assert!(payments.assessment.is_some());
    let ghost = &assessment.systems[1];
    assert!(ghost.members.is_empty() && ghost.assessment.is_none());
    assert_eq!(ghost.missing, ["nowhere"]);

    // Without systems, scoring is what it was; the organisation stays over targets.
    let plain = score(&m, &targets, None, &[], &Profile::default());
    assert_eq!(plain.targets, assessment.targets);
    assert_eq!(plain.organisation, assessment.organisation);
    assert!(plain.systems.is_empty());

    // Over systems: the scored system and the target in none of them.
    let systems = Systems { specs: std::slice::from_ref(&payments.spec), pooling: &pooling, over: LevelOver::Systems };
    let over = score_with_systems(&m, &targets, systems, None, &[], &Profile::default());
    assert_eq!(over.organisation.over, LevelOver::Systems);
    assert_eq!(over.organisation.targets, 2);
    let rows: Vec<_> = targets.iter().zip(&over.targets).map(|(t, a)| (t.name.as_str(), &t.labels, a)).collect();
    let names: Vec<&str> = units(rows, &over.systems, LevelOver::Systems).iter().map(|u| u.0).collect();
    assert_eq!(names, ["payments", "other"]);
}
