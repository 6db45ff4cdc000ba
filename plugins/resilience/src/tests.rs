//! The plugin judged end to end: a request as the host sends it (parsed documents, and the
//! raw files on disk for lines), the response it answers.

use super::*;
use kaizen_plugin_sdk::{json, Status};
use std::fs;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A target repository on disk, removed when dropped.
struct Repo {
    root: PathBuf,
    files: Vec<String>,
}

impl Repo {
    fn new(files: &[(&str, &str)]) -> Repo {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!("kaizen-res-plugin-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::SeqCst));
        let root = std::env::temp_dir().join(name);
        fs::create_dir_all(&root).unwrap();
        for (path, text) in files {
            let full = root.join(path);
            fs::create_dir_all(full.parent().unwrap()).unwrap();
            fs::write(full, text).unwrap();
        }
        Repo { root, files: files.iter().map(|(p, _)| p.to_string()).collect() }
    }

    fn judge(&self, documents: &[Value]) -> Response {
        let files: Vec<Value> = self.files.iter().map(|p| json!({"path": p, "size": 100})).collect();
        let request = json!({
            "api": 1,
            "kaizen_version": "0.1.0",
            "plugin": {"id": "resilience", "version": "0.1.0"},
            "target": {"name": "t", "kind": "directory", "root": self.root.to_str().unwrap()},
            "files": files,
            "documents": documents,
        });
        judge(&Request::from_json(&request.to_string()).unwrap()).unwrap()
    }
}

impl Drop for Repo {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.root);
    }
}

fn doc(path: &str, format: &str, value: Value) -> Value {
    json!({"path": path, "format": format, "index": 0, "value": value})
}

fn finding<'a>(response: &'a Response, check: &str) -> &'a Finding {
    response.findings.iter().find(|f| f.check == check).unwrap_or_else(|| panic!("no {} finding", check))
}

fn signals(response: &Response) -> Value {
    response.facts["resilience.signals"].clone()
}

#[test]
fn signal_names_are_sorted_kebab_case() {
    let names: Vec<&str> = Signal::ALL.iter().map(|s| s.name()).collect();
    assert_eq!(
        names,
        [
            "chaos-experiments",
            "game-days",
            "runbooks",
            "post-mortems",
            "backups",
            "multi-az",
            "replicas",
            "disruption-budgets",
            "autoscaling",
            "disaster-recovery"
        ]
    );
}

#[test]
fn documents_are_recognised_by_name_and_folder() {
    let kinds = |path: &str| detect::classify_doc(path).into_iter().map(|(s, _)| s.name()).collect::<Vec<_>>();
    assert_eq!(kinds("runbooks/db-failover.md"), ["runbooks"]);
    assert_eq!(kinds("docs/Oncall-Runbook.md"), ["runbooks"]);
    assert_eq!(kinds("playbooks/incident-sev1.md"), ["runbooks"]);
    // Ansible playbooks are not incident playbooks.
    assert!(kinds("playbooks/site.yml").is_empty());
    assert_eq!(kinds("docs/GameDay-2024.md"), ["game-days"]);
    assert_eq!(kinds("docs/templates/post-mortem.md"), ["post-mortems"]);
    assert_eq!(kinds("DR.md"), ["disaster-recovery"]);
    assert_eq!(kinds("docs/dr/regions.md"), ["disaster-recovery"]);
    assert_eq!(kinds("docs/disaster-recovery.md"), ["disaster-recovery"]);
    assert!(kinds("src/drivers/README.md").is_empty());
    assert!(kinds("docs/address.md").is_empty());
}

#[test]
fn a_database_without_backups_and_one_replica_fail() {
    let repo = Repo::new(&[("template.yaml", "Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n")]);
    let template = json!({"Resources": {
        "Db": {"Type": "AWS::RDS::DBInstance", "Properties": {"BackupRetentionPeriod": 0, "MultiAZ": false}},
    }});
    let response = repo.judge(&[doc("template.yaml", "yaml", template)]);
    assert_eq!(signals(&response), json!([]));
    let backups = finding(&response, "backups");
    assert_eq!(backups.status, Status::Fail);
    assert_eq!(backups.evidence[0].path, "template.yaml");
    assert_eq!(finding(&response, "high-availability").status, Status::Fail);
    // No long-running compute: autoscaling does not apply.
    assert_eq!(finding(&response, "autoscaling").status, Status::NotApplicable);

    // The default retention is a day of automated backups.
    let template = json!({"Resources": {"Db": {"Type": "AWS::RDS::DBInstance", "Properties": {"MultiAZ": "true"}}}});
    let response = repo.judge(&[doc("template.yaml", "yaml", template)]);
    assert_eq!(signals(&response), json!(["backups", "multi-az"]));
    let backups = finding(&response, "backups");
    assert_eq!(backups.status, Status::Pass);
    assert_eq!(backups.evidence[0].line, Some(2));
    let ha = finding(&response, "high-availability");
    assert_eq!((ha.status, ha.score), (Status::Pass, Some(0.5)));
}

#[test]
fn kubernetes_replicas_budgets_and_autoscalers() {
    let repo = Repo::new(&[("k8s.yaml", "kind: Deployment\nspec:\n  replicas: 3\n")]);
    let deployment = |replicas: u32| json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "api"}, "spec": {"replicas": replicas}});
    let response = repo.judge(&[doc("k8s.yaml", "yaml", deployment(1))]);
    assert_eq!(signals(&response), json!([]));
    assert_eq!(finding(&response, "autoscaling").status, Status::Fail);
    assert_eq!(finding(&response, "backups").status, Status::NotApplicable);

    let documents = [
        doc("k8s.yaml", "yaml", deployment(3)),
        doc("k8s.yaml", "yaml", json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget"})),
        doc("k8s.yaml", "yaml", json!({"apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject"})),
        doc("k8s.yaml", "yaml", json!({"apiVersion": "litmuschaos.io/v1alpha1", "kind": "ChartServiceVersion"})),
    ];
    let response = repo.judge(&documents);
    assert_eq!(signals(&response), json!(["autoscaling", "disruption-budgets", "replicas"]));
    let ha = finding(&response, "high-availability");
    assert_eq!((ha.status, ha.score), (Status::Pass, None));
    assert_eq!(ha.evidence[0].line, Some(3));
    // A catalogue entry is not an experiment.
    assert_eq!(finding(&response, "chaos-experiments").status, Status::Fail);
}

#[test]
fn a_repository_with_nothing_is_not_applicable_everywhere() {
    let repo = Repo::new(&[("README.md", "# Notes\n"), ("docs/runbook-style.txt", "")]);
    let response = repo.judge(&[]);
    // A runbook is evidence even where nothing runs, and passes.
    assert_eq!(signals(&response), json!(["runbooks"]));
    for finding in &response.findings {
        let expected = if finding.check == "runbooks" { Status::Pass } else { Status::NotApplicable };
        assert_eq!(finding.status, expected, "{}", finding.check);
    }
}

#[test]
fn terraform_helm_values_and_velero() {
    let tf = "resource \"aws_db_instance\" \"main\" {\n  backup_retention_period = 0\n  multi_az = true\n}\n";
    let repo = Repo::new(&[("main.tf", tf), ("chart/values.yaml", "replicaCount: 3\nautoscaling:\n  enabled: true\n")]);
    let db = json!({"resource": {"aws_db_instance": {"main": [{"backup_retention_period": 0, "multi_az": true}]}}});
    let response = repo.judge(&[doc("main.tf", "hcl", db.clone())]);
    assert_eq!(signals(&response), json!(["multi-az"]));
    assert_eq!(finding(&response, "backups").status, Status::Fail);
    assert_eq!(finding(&response, "high-availability").evidence[0].line, Some(1));

    let values = json!({"replicaCount": 3, "autoscaling": {"enabled": true}});
    let velero = json!({"apiVersion": "velero.io/v1", "kind": "Schedule", "spec": {"schedule": "0 1 * * *"}});
    let documents =
        [doc("main.tf", "hcl", db), doc("chart/values.yaml", "yaml", values), doc("main.tf", "yaml", velero)];
    let response = repo.judge(&documents);
    assert_eq!(signals(&response), json!(["autoscaling", "backups", "multi-az", "replicas"]));
    assert_eq!(finding(&response, "autoscaling").evidence[0].line, Some(2));
}
