//! Configuration documents that are evidence of observability: Prometheus scrape configs
//! and rule files, Alertmanager, Prometheus Operator and OpenTelemetry Operator resources,
//! OpenTelemetry Collector configs, Grafana dashboards (JSON, ConfigMaps, operator
//! resources), SLO specifications, Kubernetes probes and Compose health checks,
//! CloudFormation and Terraform alarms and tracing settings, and Logback or Log4j 2 JSON
//! encoders. Also whether the repository deploys a service at all.

use crate::catalog::Signal;
use kaizen_plugin_sdk::{Document, Value};

/// What one document shows: signals with a needle to find their line, and deployments.
#[derive(Debug, Default)]
pub struct Found {
    /// A signal, the text to look for to place it, and what it is.
    pub signals: Vec<(Signal, String, String)>,
    /// Why the document is a deployed service (a workload, a function…), if it is one.
    pub deploys: Option<String>,
    /// Whether what it deploys is only functions (Lambda, Serverless Framework), which have
    /// no health endpoint of their own.
    pub functions_only: bool,
}

impl Found {
    fn add(&mut self, signal: Signal, needle: impl Into<String>, what: impl Into<String>) {
        self.signals.push((signal, needle.into(), what.into()));
    }
}

/// Kubernetes kinds that run a service's containers.
const WORKLOADS: &[&str] =
    &["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Pod", "Job", "CronJob", "Rollout", "DeploymentConfig"];

/// Deepest level searched for probes in a document: a CronJob's containers sit at depth 8.
const MAX_WALK: usize = 16;

pub fn examine(document: &Document) -> Found {
    let mut found = Found::default();
    let value = match &document.value {
        Some(value) => value,
        None => return found,
    };
    match document.format.as_str() {
        "yaml" | "json" => {
            let file = document.path.rsplit('/').next().unwrap_or(&document.path);
            structured(file, value, &mut found);
        }
        "hcl" => terraform(value, &mut found),
        "xml" => logging_xml(value, &mut found),
        _ => {}
    }
    found
}

fn text<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key].as_str().unwrap_or("")
}

fn structured(file: &str, value: &Value, found: &mut Found) {
    let api = text(value, "apiVersion");
    let kind = text(value, "kind");

    // Prometheus server configuration.
    if value["scrape_configs"].is_array() {
        found.add(Signal::Prometheus, "scrape_configs", "Prometheus scrape configuration");
    } else if ["scrape_interval", "evaluation_interval", "external_labels"]
        .iter()
        .any(|k| !value["global"][*k].is_null())
        && (value["global"]["scrape_interval"].is_string()
            || value["rule_files"].is_array()
            || value["otlp"].is_object())
    {
        // A Prometheus server that receives metrics (OTLP, remote write) rather than scrapes.
        found.add(Signal::Prometheus, "global:", "Prometheus server configuration");
    }
    // Prometheus rule files, and the same groups inside a PrometheusRule.
    let groups = if kind == "PrometheusRule" { &value["spec"]["groups"] } else { &value["groups"] };
    rule_groups(groups, found);
    if api.starts_with("monitoring.coreos.com/") {
        match kind {
            "ServiceMonitor" | "PodMonitor" | "Probe" | "ScrapeConfig" | "Prometheus" | "PrometheusAgent" => {
                found.add(Signal::Prometheus, format!("kind: {}", kind), format!("Prometheus Operator {}", kind))
            }
            "Alertmanager" | "AlertmanagerConfig" => {
                found.add(Signal::AlertRules, format!("kind: {}", kind), format!("Prometheus Operator {}", kind))
            }
            _ => {}
        }
    }
    // Grafana's provisioned contact points and notification policies.
    if value["apiVersion"] == 1 && (value["contactPoints"].is_array() || value["policies"].is_array()) {
        found.add(Signal::AlertRules, "apiVersion:", "Grafana alert notification provisioning");
    }
    // Alertmanager's own configuration file.
    if value["route"].is_object() && value["receivers"].is_array() {
        found.add(Signal::AlertRules, "route:", "Alertmanager routing configuration");
    }
    // An OpenTelemetry Collector pipeline, or the operator's resources.
    if value["receivers"].is_object() && value["exporters"].is_object() && value["service"]["pipelines"].is_object() {
        found.add(Signal::OpenTelemetry, "receivers:", "OpenTelemetry Collector configuration");
    }
    if api.starts_with("opentelemetry.io/") && (kind == "OpenTelemetryCollector" || kind == "Instrumentation") {
        found.add(Signal::OpenTelemetry, format!("kind: {}", kind), format!("OpenTelemetry Operator {}", kind));
    }
    // SLO specifications.
    let slo = if api.starts_with("openslo/") {
        Some("OpenSLO")
    } else if api.starts_with("sloth.slok.dev/")
        || (text(value, "version") == "prometheus/v1" && value["slos"].is_array())
    {
        Some("Sloth")
    } else if api.starts_with("pyrra.dev/") {
        Some("Pyrra")
    } else if api.starts_with("sre.google.com/") {
        Some("Google SLO Generator")
    } else {
        None
    };
    if let Some(tool) = slo {
        let needle = if api.is_empty() { "version:".to_string() } else { format!("apiVersion: {}", api) };
        let what = if kind.is_empty() { format!("{} SLOs", tool) } else { format!("{} {}", tool, kind) };
        found.add(Signal::Slo, needle, what);
    }
    // Grafana dashboards: exported JSON, API exports, ConfigMaps and operator resources.
    if is_dashboard(value) || is_dashboard(&value["dashboard"]) {
        found.add(Signal::GrafanaDashboards, "\"panels\"", "Grafana dashboard");
    }
    if kind == "GrafanaDashboard" {
        found.add(Signal::GrafanaDashboards, "kind: GrafanaDashboard", "Grafana Operator dashboard");
    }
    if kind == "ConfigMap" {
        for (key, data) in value["data"].as_object().into_iter().flatten() {
            let data = data.as_str().unwrap_or("");
            if key.ends_with(".json") && data.contains("\"panels\"") {
                let parsed: Value = kaizen_plugin_sdk::serde_json::from_str(data).unwrap_or(Value::Null);
                if is_dashboard(&parsed) || is_dashboard(&parsed["dashboard"]) {
                    found.add(Signal::GrafanaDashboards, key.clone(), "Grafana dashboard in a ConfigMap");
                }
            }
        }
    }
    // Health checks: probes on any container, Compose health checks.
    probes(value, 0, found);
    if is_compose(file) {
        let checked: Vec<String> = value["services"]
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(_, s)| !s["healthcheck"]["test"].is_null() && s["healthcheck"]["disable"] != Value::Bool(true))
            .map(|(name, _)| format!("`{}`", name))
            .collect();
        if !checked.is_empty() {
            found.add(Signal::HealthChecks, "healthcheck:", format!("Compose health checks of {}", checked.join(", ")));
        }
        // Services built from the repository's own code; those that only run others'
        // images (a database for development) deploy nothing of its own.
        let built: Vec<&String> = value["services"]
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(_, s)| !s["build"].is_null())
            .map(|(name, _)| name)
            .collect();
        if let Some(first) = built.first() {
            found.deploys = Some(format!("Compose service `{}` built from the repository", first));
        }
    }
    cloudformation(value, found);

    // Whether this document deploys something.
    if WORKLOADS.contains(&kind) && !api.is_empty() {
        found.deploys = Some(format!("Kubernetes {}", kind));
    } else if kind == "Service" && api.starts_with("serving.knative.dev/") {
        found.deploys = Some("Knative Service".into());
    } else if file == "Chart.yaml" && value["name"].is_string() {
        found.deploys = Some("Helm chart".into());
    } else if (file == "serverless.yml" || file == "serverless.yaml") && value["functions"].is_object() {
        found.deploys = Some("Serverless Framework functions".into());
        found.functions_only = true;
    }
}

fn is_compose(file: &str) -> bool {
    let stem = file.trim_end_matches(".yml").trim_end_matches(".yaml");
    stem == "compose" || stem.starts_with("docker-compose") || stem.starts_with("compose.")
}

fn rule_groups(groups: &Value, found: &mut Found) {
    let mut alert = None;
    let mut recording = None;
    let mut grafana = None;
    for group in groups.as_array().into_iter().flatten() {
        for rule in group["rules"].as_array().into_iter().flatten() {
            if let Some(name) = rule["alert"].as_str() {
                if rule["expr"].is_string() || rule["expr"].is_number() {
                    alert = alert.or(Some(name));
                }
            }
            // Grafana's provisioned alert rules: a title, a condition and the queries.
            if rule["condition"].is_string() && rule["data"].is_array() {
                if let Some(title) = rule["title"].as_str() {
                    grafana = grafana.or(Some(title));
                }
            }
            if let Some(name) = rule["record"].as_str() {
                recording = recording.or(Some(name));
            }
        }
    }
    if let Some(name) = alert {
        found.add(Signal::AlertRules, format!("alert: {}", name), format!("Prometheus alerting rule `{}`", name));
    }
    if let Some(title) = grafana {
        found.add(Signal::AlertRules, format!("title: {}", title), format!("Grafana alert rule `{}`", title));
    }
    if let Some(name) = recording {
        found.add(Signal::Prometheus, format!("record: {}", name), format!("Prometheus recording rule `{}`", name));
    }
}

/// A Grafana dashboard model: panels (or old-style rows of panels) and a schema version.
pub fn is_dashboard(value: &Value) -> bool {
    let has_panels = value["panels"].is_array()
        || value["rows"].as_array().map_or(false, |rows| rows.iter().any(|r| r["panels"].is_array()));
    has_panels && (value["schemaVersion"].is_number() || value["title"].is_string() && value["uid"].is_string())
}

fn probes(value: &Value, depth: usize, found: &mut Found) {
    if depth > MAX_WALK {
        return;
    }
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                match key.as_str() {
                    // A probe says how to check: an empty `{}` (a chart's default) or a CRD's
                    // schema of the field is no probe.
                    "livenessProbe" | "readinessProbe" | "startupProbe"
                        if ["httpGet", "tcpSocket", "exec", "grpc"].iter().any(|k| child[*k].is_object()) =>
                    {
                        let what = format!("Kubernetes {}", key);
                        if !found.signals.iter().any(|(_, _, w)| *w == what) {
                            found.add(Signal::HealthChecks, format!("{}:", key), what);
                        }
                    }
                    // ECS container definitions in CloudFormation.
                    "HealthCheck" if map.contains_key("Image") && child["Command"].is_array() => {
                        found.add(Signal::HealthChecks, "HealthCheck:", "ECS container health check")
                    }
                    _ => probes(child, depth + 1, found),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| probes(item, depth + 1, found)),
        _ => {}
    }
}

/// Whether an alarm's actions only scale (each names an `AWS::ApplicationAutoScaling` or
/// `AWS::AutoScaling` scaling policy of the template): an autoscaling trigger tells nobody
/// anything, so it is not alerting.
fn scales_only(properties: &Value, resources: &kaizen_plugin_sdk::serde_json::Map<String, Value>) -> bool {
    let actions: Vec<&Value> = ["AlarmActions", "OKActions", "InsufficientDataActions"]
        .iter()
        .filter_map(|k| properties[*k].as_array())
        .flatten()
        .collect();
    if actions.is_empty() {
        return false;
    }
    actions.iter().all(|action| {
        let target = action.get("!Ref").or_else(|| action.get("Ref")).and_then(Value::as_str);
        target.and_then(|name| resources.get(name)).map_or(false, |r| {
            let kind = text(r, "Type");
            kind == "AWS::ApplicationAutoScaling::ScalingPolicy" || kind == "AWS::AutoScaling::ScalingPolicy"
        })
    })
}

fn cloudformation(value: &Value, found: &mut Found) {
    let resources = match value["Resources"].as_object() {
        Some(resources) => resources,
        None => return,
    };
    if value["Globals"]["Function"]["Tracing"].as_str() == Some("Active") {
        found.add(Signal::Tracing, "Tracing: Active", "AWS X-Ray tracing for all SAM functions");
    }
    for (name, resource) in resources {
        let kind = text(resource, "Type");
        let properties = &resource["Properties"];
        match kind {
            "AWS::CloudWatch::Alarm" | "AWS::CloudWatch::CompositeAlarm" if !scales_only(properties, resources) => {
                found.add(Signal::AlertRules, format!("{}:", name), format!("CloudWatch alarm `{}`", name))
            }
            "AWS::XRay::Group" | "AWS::XRay::SamplingRule" => {
                found.add(Signal::Tracing, format!("{}:", name), format!("AWS X-Ray {}", name))
            }
            _ => {}
        }
        if properties["Tracing"].as_str() == Some("Active")
            || properties["TracingConfig"]["Mode"].as_str() == Some("Active")
            || properties["TracingEnabled"] == Value::Bool(true)
        {
            found.add(Signal::Tracing, format!("{}:", name), format!("AWS X-Ray tracing on `{}`", name));
        }
        if kind == "AWS::ElasticLoadBalancingV2::TargetGroup" || kind == "AWS::ElasticLoadBalancing::LoadBalancer" {
            let checked = properties["HealthCheckPath"].is_string()
                || properties["HealthCheck"]["Target"].is_string()
                || properties["HealthCheckEnabled"] == Value::Bool(true);
            if checked {
                found.add(
                    Signal::HealthChecks,
                    format!("{}:", name),
                    format!("load balancer health check on `{}`", name),
                );
            }
        }
        let function = kind == "AWS::Lambda::Function" || kind == "AWS::Serverless::Function";
        if function && found.deploys.is_none() {
            found.deploys = Some(format!("CloudFormation {}", kind));
            found.functions_only = true;
        }
        if matches!(
            kind,
            "AWS::ECS::Service"
                | "AWS::EC2::Instance"
                | "AWS::AutoScaling::AutoScalingGroup"
                | "AWS::AppRunner::Service"
                | "AWS::ElasticBeanstalk::Environment"
        ) {
            found.deploys = Some(format!("CloudFormation {}", kind));
            found.functions_only = false;
        }
    }
}

fn terraform(value: &Value, found: &mut Found) {
    let resources = match value["resource"].as_object() {
        Some(resources) => resources,
        None => return,
    };
    for (kind, named) in resources {
        let first = named.as_object().and_then(|m| m.keys().next()).cloned().unwrap_or_default();
        let needle = format!("\"{}\"", kind);
        let signal = match kind.as_str() {
            "aws_cloudwatch_metric_alarm"
            | "aws_cloudwatch_composite_alarm"
            | "datadog_monitor"
            | "google_monitoring_alert_policy"
            | "azurerm_monitor_metric_alert"
            | "grafana_rule_group"
            | "newrelic_alert_condition"
            | "newrelic_nrql_alert_condition" => Some((Signal::AlertRules, "alert")),
            "grafana_dashboard" | "aws_cloudwatch_dashboard" | "datadog_dashboard" | "datadog_dashboard_json" => {
                Some((Signal::GrafanaDashboards, "dashboard"))
            }
            "google_monitoring_slo" | "datadog_service_level_objective" | "grafana_slo" => Some((Signal::Slo, "SLO")),
            "aws_xray_group" | "aws_xray_sampling_rule" => Some((Signal::Tracing, "X-Ray")),
            _ => None,
        };
        if let Some((signal, what)) = signal {
            // CloudWatch and Datadog dashboards are dashboards as code too, though not
            // Grafana's; the fact's value names the practice.
            found.add(signal, needle.clone(), format!("Terraform {} `{}.{}`", what, kind, first));
        }
        for (name, blocks) in named.as_object().into_iter().flatten() {
            for block in blocks.as_array().into_iter().flatten() {
                let tracing = &block["tracing_config"];
                let active =
                    tracing.as_array().map_or(false, |t| t.iter().any(|t| t["mode"].as_str() == Some("Active")))
                        || block["xray_tracing_enabled"] == Value::Bool(true);
                if active {
                    found.add(Signal::Tracing, needle.clone(), format!("AWS X-Ray tracing on `{}.{}`", kind, name));
                }
            }
        }
        if kind == "aws_lb_target_group" || kind == "aws_alb_target_group" {
            let checked = named
                .as_object()
                .into_iter()
                .flatten()
                .flat_map(|(_, blocks)| blocks.as_array().into_iter().flatten())
                .any(|block| block["health_check"].is_array());
            if checked {
                found.add(
                    Signal::HealthChecks,
                    needle.clone(),
                    format!("load balancer health check on `{}.{}`", kind, first),
                );
            }
        }
        if kind == "aws_lambda_function" && found.deploys.is_none() {
            found.deploys = Some(format!("Terraform {}", kind));
            found.functions_only = true;
        }
        if matches!(
            kind.as_str(),
            "aws_ecs_service"
                | "aws_instance"
                | "aws_autoscaling_group"
                | "aws_apprunner_service"
                | "kubernetes_deployment"
                | "kubernetes_deployment_v1"
                | "google_cloud_run_service"
                | "google_cloud_run_v2_service"
                | "azurerm_linux_web_app"
                | "azurerm_container_app"
        ) {
            found.deploys = Some(format!("Terraform {}", kind));
            found.functions_only = false;
        }
    }
}

/// Logback and Log4j 2 configurations that write JSON.
fn logging_xml(root: &Value, found: &mut Found) {
    fn walk(element: &Value, depth: usize, found: &mut Found) -> bool {
        if depth > MAX_WALK {
            return false;
        }
        let name = text(element, "name");
        let class = element["attributes"]["class"].as_str().unwrap_or("");
        let json = matches!(name, "JsonLayout" | "JsonTemplateLayout" | "EcsLayout" | "GelfLayout")
            || class.contains("LogstashEncoder")
            || class.contains("logstash.logback")
            || class.contains("EcsEncoder")
            || class.ends_with("JsonEncoder")
            || class.ends_with("JsonLayout");
        if json {
            let what =
                if class.is_empty() { name.to_string() } else { class.rsplit('.').next().unwrap_or(class).to_string() };
            let needle = if class.is_empty() { format!("<{}", name) } else { class.to_string() };
            found.add(Signal::StructuredLogging, needle, format!("JSON log output ({})", what));
            return true;
        }
        element["children"].as_array().into_iter().flatten().any(|child| walk(child, depth + 1, found))
    }
    let name = text(root, "name");
    if name == "configuration" || name == "Configuration" {
        walk(root, 0, found);
    }
}
