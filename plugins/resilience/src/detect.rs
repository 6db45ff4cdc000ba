//! What each parsed document and each document file shows about resilience.

use kaizen_plugin_sdk::{Document, Value};

/// A resilience practice found in a repository; the names are the values of the
/// `resilience.signals` fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Signal {
    ChaosExperiments,
    GameDays,
    Runbooks,
    PostMortems,
    Backups,
    MultiAz,
    Replicas,
    DisruptionBudgets,
    Autoscaling,
    DisasterRecovery,
}

impl Signal {
    #[cfg(test)]
    pub const ALL: [Signal; 10] = [
        Signal::ChaosExperiments,
        Signal::GameDays,
        Signal::Runbooks,
        Signal::PostMortems,
        Signal::Backups,
        Signal::MultiAz,
        Signal::Replicas,
        Signal::DisruptionBudgets,
        Signal::Autoscaling,
        Signal::DisasterRecovery,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Signal::ChaosExperiments => "chaos-experiments",
            Signal::GameDays => "game-days",
            Signal::Runbooks => "runbooks",
            Signal::PostMortems => "post-mortems",
            Signal::Backups => "backups",
            Signal::MultiAz => "multi-az",
            Signal::Replicas => "replicas",
            Signal::DisruptionBudgets => "disruption-budgets",
            Signal::Autoscaling => "autoscaling",
            Signal::DisasterRecovery => "disaster-recovery",
        }
    }
}

/// What a repository runs, which decides which checks apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Runs {
    /// Something is deployed or provisioned (a container image, a function, any cloud resource).
    Something,
    /// Long-running compute that can be replicated and scaled: Kubernetes workloads, ECS
    /// services, EC2 instances and groups.
    Compute,
    /// A data store that can lose data: a database, a file system, a volume.
    DataStore,
}

/// What one document shows.
#[derive(Debug, Default)]
pub struct Found {
    /// A signal, the text to look for to place it, and what it is.
    pub signals: Vec<(Signal, String, String)>,
    /// What the document deploys, with a description.
    pub runs: Vec<(Runs, String)>,
}

impl Found {
    fn add(&mut self, signal: Signal, needle: impl Into<String>, what: impl Into<String>) {
        self.signals.push((signal, needle.into(), what.into()));
    }
    fn runs(&mut self, runs: Runs, what: impl Into<String>) {
        self.runs.push((runs, what.into()));
    }
}

/// Deepest level searched for topology constraints.
const MAX_WALK: usize = 16;

pub fn examine(document: &Document) -> Found {
    let mut found = Found::default();
    let value = match &document.value {
        Some(value) => value,
        None => return found,
    };
    match document.format.as_str() {
        "yaml" | "json" => {
            kubernetes(value, &mut found);
            cloudformation(value, &mut found);
            let file = document.path.rsplit('/').next().unwrap_or(&document.path);
            other_formats(&document.path, file, value, &mut found);
        }
        "hcl" => terraform(value, &mut found),
        _ => {}
    }
    found
}

fn text<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key].as_str().unwrap_or("")
}

/// A whole number, written as a number or a string (`"3"`); expressions are not numbers.
fn number(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn truthy(value: &Value) -> bool {
    match value {
        Value::Bool(b) => *b,
        Value::String(s) => s.eq_ignore_ascii_case("true"),
        _ => false,
    }
}

fn kubernetes(value: &Value, found: &mut Found) {
    let api = text(value, "apiVersion");
    let kind = text(value, "kind");
    if api.is_empty() || kind.is_empty() {
        return;
    }
    let kind_line = format!("kind: {}", kind);
    if api.starts_with("chaos-mesh.org/") {
        found.add(Signal::ChaosExperiments, kind_line.clone(), format!("Chaos Mesh {}", kind));
    } else if api.contains("litmuschaos.io/") && matches!(kind, "ChaosEngine" | "ChaosExperiment" | "ChaosSchedule") {
        found.add(Signal::ChaosExperiments, kind_line.clone(), format!("Litmus {}", kind));
    } else if api.starts_with("velero.io/") && (kind == "Schedule" || kind == "Backup") {
        found.add(Signal::Backups, kind_line.clone(), format!("Velero {}", kind));
    } else if api.starts_with("keda.sh/") && (kind == "ScaledObject" || kind == "ScaledJob") {
        found.add(Signal::Autoscaling, kind_line.clone(), format!("KEDA {}", kind));
    }
    match kind {
        "PodDisruptionBudget" => found.add(Signal::DisruptionBudgets, kind_line, "PodDisruptionBudget"),
        "HorizontalPodAutoscaler" => found.add(Signal::Autoscaling, kind_line, "HorizontalPodAutoscaler"),
        "Deployment" | "StatefulSet" | "ReplicaSet" | "Rollout" | "DeploymentConfig" => {
            found.runs(Runs::Something, format!("Kubernetes {}", kind));
            found.runs(Runs::Compute, format!("Kubernetes {}", kind));
            if kind == "StatefulSet" {
                found.runs(Runs::DataStore, "Kubernetes StatefulSet");
            }
            if let Some(replicas) = number(&value["spec"]["replicas"]) {
                if replicas >= 2 {
                    let name = text(&value["metadata"], "name");
                    found.add(Signal::Replicas, "replicas:", format!("{} `{}` with {} replicas", kind, name, replicas));
                }
            }
            zones(&value["spec"], 0, found);
        }
        "DaemonSet" | "Pod" | "Job" | "CronJob" => found.runs(Runs::Something, format!("Kubernetes {}", kind)),
        "PersistentVolumeClaim" => {
            found.runs(Runs::Something, "Kubernetes PersistentVolumeClaim");
            found.runs(Runs::DataStore, "Kubernetes PersistentVolumeClaim");
        }
        _ => {}
    }
}

/// Topology spread constraints or anti-affinity across zones.
fn zones(value: &Value, depth: usize, found: &mut Found) {
    if depth > MAX_WALK {
        return;
    }
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                if key == "topologySpreadConstraints" || key == "podAntiAffinity" {
                    let text = child.to_string();
                    if text.contains("topology.kubernetes.io/zone")
                        || text.contains("failure-domain.beta.kubernetes.io/zone")
                    {
                        found.add(Signal::MultiAz, format!("{}:", key), format!("{} across zones", key));
                        continue;
                    }
                }
                zones(child, depth + 1, found);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| zones(item, depth + 1, found)),
        _ => {}
    }
}

// One arm per resource type, each reading its own properties, reads better than guards
// that split a type over several arms.
#[allow(clippy::collapsible_match)]
fn cloudformation(value: &Value, found: &mut Found) {
    let resources = match value["Resources"].as_object() {
        Some(resources) => resources,
        None => return,
    };
    for (name, resource) in resources {
        let kind = text(resource, "Type");
        if !kind.starts_with("AWS::") {
            continue;
        }
        found.runs(Runs::Something, format!("CloudFormation {}", kind));
        let p = &resource["Properties"];
        let at = format!("{}:", name);
        let mut add = |signal: Signal, what: String| found.add(signal, at.clone(), what);
        match kind {
            "AWS::FIS::ExperimentTemplate" => {
                add(Signal::ChaosExperiments, format!("AWS FIS experiment template `{}`", name))
            }
            "AWS::Backup::BackupPlan" => add(Signal::Backups, format!("AWS Backup plan `{}`", name)),
            "AWS::RDS::DBInstance" | "AWS::RDS::DBCluster" | "AWS::DocDB::DBCluster" | "AWS::Neptune::DBCluster" => {
                match number(&p["BackupRetentionPeriod"]) {
                    Some(0) => {}
                    Some(days) => add(Signal::Backups, format!("`{}` keeps automated backups for {} days", name, days)),
                    None if p["BackupRetentionPeriod"].is_null() => {
                        add(Signal::Backups, format!("`{}` keeps automated backups (1 day, the default)", name))
                    }
                    None => {}
                }
                if truthy(&p["MultiAZ"]) {
                    add(Signal::MultiAz, format!("`{}` is Multi-AZ", name));
                }
                if !p["SourceDBInstanceIdentifier"].is_null() || !p["SourceDBClusterIdentifier"].is_null() {
                    add(Signal::Replicas, format!("`{}` is a read replica", name));
                }
            }
            "AWS::DynamoDB::Table" | "AWS::DynamoDB::GlobalTable" => {
                if truthy(&p["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"]) {
                    add(Signal::Backups, format!("`{}` has point-in-time recovery", name));
                }
            }
            "AWS::EFS::FileSystem" => {
                if p["BackupPolicy"]["Status"].as_str() == Some("ENABLED") {
                    add(Signal::Backups, format!("`{}` has automatic backups", name));
                }
            }
            "AWS::ElastiCache::ReplicationGroup" => {
                if truthy(&p["MultiAZEnabled"]) {
                    add(Signal::MultiAz, format!("`{}` is Multi-AZ", name));
                }
            }
            "AWS::AutoScaling::AutoScalingGroup" => {
                let subnets = p["VPCZoneIdentifier"].as_array().map_or(0, |a| a.len());
                let zones = p["AvailabilityZones"].as_array().map_or(0, |a| a.len());
                // Subnets from a list parameter (`List<AWS::EC2::Subnet::Id>`) are several by design.
                let listed = |v: &Value| {
                    let parameter = v["!Ref"].as_str().or_else(|| v["Ref"].as_str()).unwrap_or("");
                    let kind = text(&value["Parameters"][parameter], "Type");
                    kind.starts_with("List<") || kind == "CommaDelimitedList"
                };
                let get_azs =
                    !p["AvailabilityZones"]["Fn::GetAZs"].is_null() || !p["AvailabilityZones"]["!GetAZs"].is_null();
                if subnets >= 2 || zones >= 2 || get_azs || listed(&p["VPCZoneIdentifier"]) {
                    add(Signal::MultiAz, format!("Auto Scaling group `{}` spans several subnets or zones", name));
                }
                if number(&p["MinSize"]).map_or(false, |n| n >= 2) {
                    add(Signal::Replicas, format!("Auto Scaling group `{}` keeps at least 2 instances", name));
                }
            }
            "AWS::ECS::Service" => {
                if number(&p["DesiredCount"]).map_or(false, |n| n >= 2) {
                    add(
                        Signal::Replicas,
                        format!("ECS service `{}` runs {} tasks", name, number(&p["DesiredCount"]).unwrap_or(0)),
                    );
                }
            }
            "AWS::SSM::Document" if text(p, "DocumentType") == "Automation" => {
                add(Signal::Runbooks, format!("Systems Manager Automation runbook `{}`", name))
            }
            _ => {}
        }
        if kind.starts_with("AWS::AutoScaling::") || kind.starts_with("AWS::ApplicationAutoScaling::") {
            found.add(Signal::Autoscaling, at.clone(), format!("{} `{}`", kind, name));
        }
        if matches!(
            kind,
            "AWS::ECS::Service" | "AWS::EC2::Instance" | "AWS::AutoScaling::AutoScalingGroup" | "AWS::EKS::Nodegroup"
        ) {
            found.runs(Runs::Compute, format!("CloudFormation {}", kind));
        }
        if matches!(
            kind,
            "AWS::RDS::DBInstance"
                | "AWS::RDS::DBCluster"
                | "AWS::DynamoDB::Table"
                | "AWS::DynamoDB::GlobalTable"
                | "AWS::EFS::FileSystem"
                | "AWS::EC2::Volume"
                | "AWS::DocDB::DBCluster"
                | "AWS::Neptune::DBCluster"
                | "AWS::FSx::FileSystem"
                | "AWS::Redshift::Cluster"
        ) {
            found.runs(Runs::DataStore, format!("CloudFormation {}", kind));
        }
    }
}

// One arm per resource type, each reading its own properties, reads better than guards
// that split a type over several arms.
#[allow(clippy::collapsible_match)]
fn terraform(value: &Value, found: &mut Found) {
    let resources = match value["resource"].as_object() {
        Some(resources) => resources,
        None => return,
    };
    for (kind, named) in resources {
        found.runs(Runs::Something, format!("Terraform {}", kind));
        let needle = format!("\"{}\"", kind);
        for (name, blocks) in named.as_object().into_iter().flatten() {
            let label = format!("{}.{}", kind, name);
            for block in blocks.as_array().into_iter().flatten() {
                let mut add = |signal: Signal, what: String| found.add(signal, needle.clone(), what);
                match kind.as_str() {
                    "aws_fis_experiment_template" => {
                        add(Signal::ChaosExperiments, format!("AWS FIS experiment template `{}`", label))
                    }
                    "aws_backup_plan" => add(Signal::Backups, format!("AWS Backup plan `{}`", label)),
                    "aws_efs_backup_policy" => add(Signal::Backups, format!("EFS backup policy `{}`", label)),
                    "aws_db_instance" | "aws_rds_cluster" | "aws_docdb_cluster" | "aws_neptune_cluster" => {
                        match number(&block["backup_retention_period"]) {
                            Some(0) => {}
                            Some(days) => {
                                add(Signal::Backups, format!("`{}` keeps automated backups for {} days", label, days))
                            }
                            None if block["backup_retention_period"].is_null() => add(
                                Signal::Backups,
                                format!("`{}` keeps automated backups (1 day, the default)", label),
                            ),
                            None => add(Signal::Backups, format!("`{}` sets a backup retention period", label)),
                        }
                        if truthy(&block["multi_az"]) {
                            add(Signal::MultiAz, format!("`{}` is Multi-AZ", label));
                        }
                        if !block["replicate_source_db"].is_null() {
                            add(Signal::Replicas, format!("`{}` is a read replica", label));
                        }
                    }
                    "aws_dynamodb_table" => {
                        let pitr = block["point_in_time_recovery"]
                            .as_array()
                            .map_or(false, |b| b.iter().any(|b| truthy(&b["enabled"])));
                        if pitr {
                            add(Signal::Backups, format!("`{}` has point-in-time recovery", label));
                        }
                    }
                    "aws_elasticache_replication_group" => {
                        if truthy(&block["multi_az_enabled"]) {
                            add(Signal::MultiAz, format!("`{}` is Multi-AZ", label));
                        }
                    }
                    "aws_autoscaling_group" => {
                        let many = |v: &Value| v.as_array().map_or(false, |a| a.len() >= 2) || v.is_string();
                        if many(&block["vpc_zone_identifier"]) || many(&block["availability_zones"]) {
                            add(
                                Signal::MultiAz,
                                format!("Auto Scaling group `{}` spans several subnets or zones", label),
                            );
                        }
                        if number(&block["min_size"]).map_or(false, |n| n >= 2) {
                            add(Signal::Replicas, format!("Auto Scaling group `{}` keeps at least 2 instances", label));
                        }
                    }
                    "aws_ecs_service" => {
                        if let Some(count) = number(&block["desired_count"]).filter(|n| *n >= 2) {
                            add(Signal::Replicas, format!("ECS service `{}` runs {} tasks", label, count));
                        }
                    }
                    "kubernetes_pod_disruption_budget" | "kubernetes_pod_disruption_budget_v1" => {
                        add(Signal::DisruptionBudgets, format!("PodDisruptionBudget `{}`", label))
                    }
                    "aws_ssm_document" if block["document_type"].as_str() == Some("Automation") => {
                        add(Signal::Runbooks, format!("Systems Manager Automation runbook `{}`", label))
                    }
                    _ => {}
                }
                if kind.starts_with("aws_autoscaling_")
                    || kind.starts_with("aws_appautoscaling_")
                    || kind.starts_with("kubernetes_horizontal_pod_autoscaler")
                    || kind == "google_compute_autoscaler"
                    || kind == "azurerm_monitor_autoscale_setting"
                {
                    add(Signal::Autoscaling, format!("Terraform `{}`", label));
                }
            }
        }
        if matches!(
            kind.as_str(),
            "aws_ecs_service"
                | "aws_instance"
                | "aws_autoscaling_group"
                | "aws_eks_node_group"
                | "kubernetes_deployment"
                | "kubernetes_deployment_v1"
                | "google_compute_instance_group_manager"
        ) {
            found.runs(Runs::Compute, format!("Terraform {}", kind));
        }
        if matches!(
            kind.as_str(),
            "aws_db_instance"
                | "aws_rds_cluster"
                | "aws_dynamodb_table"
                | "aws_efs_file_system"
                | "aws_ebs_volume"
                | "aws_docdb_cluster"
                | "aws_neptune_cluster"
                | "aws_fsx_lustre_file_system"
                | "aws_redshift_cluster"
                | "google_sql_database_instance"
                | "azurerm_postgresql_flexible_server"
        ) {
            found.runs(Runs::DataStore, format!("Terraform {}", kind));
        }
    }
}

/// Chaos Toolkit experiments, Helm values, Systems Manager runbooks, Compose files and
/// Gremlin configuration.
fn other_formats(path: &str, file: &str, value: &Value, found: &mut Found) {
    if value["steady-state-hypothesis"].is_object() && value["method"].is_array() {
        found.add(Signal::ChaosExperiments, "steady-state-hypothesis", "Chaos Toolkit experiment");
    }
    if path.to_lowercase().contains("gremlin") && value.is_object() {
        found.add(Signal::ChaosExperiments, "", "Gremlin configuration");
    }
    if text(value, "schemaVersion") == "0.3" && value["mainSteps"].is_array() {
        found.add(Signal::Runbooks, "mainSteps:", "Systems Manager Automation runbook");
    }
    if file == "values.yaml" || file == "values.yml" {
        if number(&value["replicaCount"]).map_or(false, |n| n >= 2) {
            found.add(
                Signal::Replicas,
                "replicaCount:",
                format!("Helm values: {} replicas", number(&value["replicaCount"]).unwrap_or(0)),
            );
        }
        if truthy(&value["autoscaling"]["enabled"]) {
            found.add(Signal::Autoscaling, "autoscaling:", "Helm values: autoscaling enabled");
        }
        if value["podDisruptionBudget"]["enabled"] == Value::Bool(true) {
            found.add(Signal::DisruptionBudgets, "podDisruptionBudget:", "Helm values: PodDisruptionBudget enabled");
        }
    }
    if file == "Chart.yaml" && value["name"].is_string() {
        found.runs(Runs::Something, "Helm chart");
        found.runs(Runs::Compute, "Helm chart");
    }
    if (file.starts_with("docker-compose") || file.starts_with("compose.")) && value["services"].is_object() {
        found.runs(Runs::Something, "Compose services");
    }
    if (file == "serverless.yml" || file == "serverless.yaml") && value["functions"].is_object() {
        found.runs(Runs::Something, "Serverless Framework functions");
    }
}

/// What a document file is by its path: runbooks, game days, post-mortems, disaster recovery.
pub fn classify_doc(path: &str) -> Vec<(Signal, &'static str)> {
    let lower = path.to_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    let dirs: Vec<&str> = lower.split('/').collect();
    let dirs = &dirs[..dirs.len() - 1];
    let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
    let mut out = Vec::new();
    let in_dir = |names: &[&str]| dirs.iter().any(|d| names.contains(d));
    if in_dir(&["runbooks", "runbook"]) || name.contains("runbook") || in_dir(&["playbooks"]) && is_prose(name) {
        out.push((Signal::Runbooks, "runbook"));
    }
    if ["game-day", "gameday", "game_day"].iter().any(|w| lower.contains(w)) {
        out.push((Signal::GameDays, "game day"));
    }
    if ["postmortem", "post-mortem", "post_mortem"].iter().any(|w| lower.contains(w)) {
        out.push((Signal::PostMortems, "post-mortem"));
    }
    let dr_dir = dirs.last().map_or(false, |d| *d == "dr") && dirs.iter().any(|d| *d == "docs" || *d == "doc");
    if stem == "dr"
        || dr_dir
        || ["disaster-recovery", "disaster_recovery", "disasterrecovery", "business-continuity"]
            .iter()
            .any(|w| lower.contains(w))
    {
        out.push((Signal::DisasterRecovery, "disaster recovery"));
    }
    out
}

fn is_prose(name: &str) -> bool {
    [".md", ".markdown", ".rst", ".adoc", ".txt"].iter().any(|e| name.ends_with(e))
}
