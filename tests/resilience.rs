//! `kaizen assess --only resilience` end to end over the fixture repositories of
//! tests/resilience/: Kubernetes with Chaos Mesh and runbooks, AWS (CloudFormation and
//! Terraform) with FIS, a Chaos Toolkit experiment, a bare service, and a repository with
//! nothing. Each asserts the `resilience.signals` fact, the checks' statuses and evidence.

use crate::support::{self, target};
use serde_json::{json, Value};

fn assess(cases: &[&str]) -> Value {
    support::assess_plugin_fixtures("resilience", cases)
}

fn finding<'a>(target: &'a Value, check: &str) -> &'a Value {
    support::plugin_finding(target, "resilience", check)
}

fn status<'a>(target: &'a Value, check: &str) -> &'a str {
    finding(target, check)["status"].as_str().unwrap()
}

fn evidence(target: &Value, check: &str) -> Vec<(String, Option<u64>)> {
    finding(target, check)["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["path"].as_str().unwrap().to_owned(), e["line"].as_u64()))
        .collect()
}

#[test]
fn kubernetes_and_aws_practices_are_found_with_their_lines() {
    let r = assess(&["kubernetes", "aws", "chaos-toolkit"]);

    let k8s = target(&r, "kubernetes");
    assert_eq!(
        k8s["facts"]["resilience.signals"],
        json!([
            "autoscaling",
            "chaos-experiments",
            "disaster-recovery",
            "disruption-budgets",
            "multi-az",
            "post-mortems",
            "replicas",
            "runbooks"
        ])
    );
    assert_eq!(evidence(k8s, "chaos-experiments"), [("chaos/pod-kill.yaml".to_owned(), Some(2))]);
    assert_eq!(evidence(k8s, "autoscaling"), [("k8s/api.yaml".to_owned(), Some(25))]);
    let ha = evidence(k8s, "high-availability");
    for line in [6, 9, 18] {
        assert!(ha.contains(&("k8s/api.yaml".to_owned(), Some(line))), "{line}: {ha:?}");
    }
    assert_eq!(finding(k8s, "high-availability")["score"], Value::Null);
    assert_eq!(evidence(k8s, "runbooks"), [("runbooks/high-latency.md".to_owned(), None)]);
    assert_eq!(evidence(k8s, "disaster-recovery-plan"), [("DR.md".to_owned(), None)]);
    // Post-mortems without game days: half the practice.
    let learning = finding(k8s, "game-days-and-post-mortems");
    assert_eq!((learning["status"].as_str(), learning["score"].as_f64()), (Some("pass"), Some(0.5)));
    assert_eq!(status(k8s, "backups"), "not_applicable");

    let aws = target(&r, "aws");
    assert_eq!(
        aws["facts"]["resilience.signals"],
        json!(["autoscaling", "backups", "chaos-experiments", "game-days", "multi-az", "replicas"])
    );
    let chaos = evidence(aws, "chaos-experiments");
    assert_eq!(chaos, [("cloudformation/template.yaml".to_owned(), Some(17))]);
    let backups = evidence(aws, "backups");
    assert!(backups.contains(&("cloudformation/template.yaml".to_owned(), Some(3))), "{backups:?}");
    assert!(backups.contains(&("terraform/main.tf".to_owned(), Some(1))), "{backups:?}");
    assert!(evidence(aws, "high-availability").contains(&("cloudformation/template.yaml".to_owned(), Some(9))));
    assert!(evidence(aws, "autoscaling").contains(&("terraform/main.tf".to_owned(), Some(10))));
    assert_eq!(status(aws, "runbooks"), "fail");
    assert_eq!(status(aws, "disaster-recovery-plan"), "fail");

    let toolkit = target(&r, "chaos-toolkit");
    assert_eq!(toolkit["facts"]["resilience.signals"], json!(["chaos-experiments"]));
    assert_eq!(evidence(toolkit, "chaos-experiments"), [("experiment.json".to_owned(), Some(4))]);
}

#[test]
fn a_bare_service_fails_and_an_empty_repository_is_not_judged() {
    let r = assess(&["bare-service", "nothing"]);

    let bare = target(&r, "bare-service");
    assert_eq!(bare["facts"]["resilience.signals"], json!([]));
    for check in
        ["chaos-experiments", "runbooks", "backups", "high-availability", "autoscaling", "disaster-recovery-plan"]
    {
        assert_eq!(status(bare, check), "fail", "{check}");
    }
    // The PersistentVolumeClaim is the data store that needs a backup.
    assert_eq!(evidence(bare, "backups"), [("k8s/web.yaml".to_owned(), None)]);

    let nothing = target(&r, "nothing");
    assert_eq!(nothing["facts"]["resilience.signals"], json!([]));
    for f in nothing["findings"].as_array().unwrap().iter().filter(|f| f["plugin"] == "resilience") {
        assert_eq!(f["status"], "not_applicable", "{f:#}");
    }
}
