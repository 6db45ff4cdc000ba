//! The plugin judged end to end: a request as the host sends it (parsed documents, and the
//! raw files on disk for lines and source text), the response it answers.

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
        let name = format!("kaizen-obs-plugin-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::SeqCst));
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
            "plugin": {"id": "observability", "version": "0.1.0"},
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

fn evidence(finding: &Finding) -> Vec<(&str, Option<u32>)> {
    finding.evidence.iter().map(|e| (e.path.as_str(), e.line)).collect()
}

fn signals(response: &Response) -> Value {
    response.facts["observability.signals"].clone()
}

#[test]
fn signal_names_are_the_contract() {
    let names: Vec<&str> = Signal::ALL.iter().map(|s| s.name()).collect();
    assert_eq!(
        names,
        [
            "opentelemetry",
            "prometheus",
            "alert-rules",
            "grafana-dashboards",
            "structured-logging",
            "tracing",
            "slo",
            "health-checks"
        ]
    );
}

#[test]
fn a_go_service_with_zap_and_otel_but_only_an_indirect_prometheus() {
    let repo = Repo::new(&[
        ("go.mod", "module x\n\nrequire (\n\tgo.uber.org/zap v1.27.0\n\tgo.opentelemetry.io/otel v1.28.0\n)\n"),
        ("main.go", "package main\n\nfunc main() {\n\thttp.HandleFunc(\"/healthz\", ok)\n}\n"),
        ("Dockerfile", "FROM scratch\nEXPOSE 8080\n"),
    ]);
    let gomod = json!({"module": "x", "go": null, "toolchain": null, "replace": [], "exclude": [], "require": [
        {"path": "go.uber.org/zap", "version": "v1.27.0", "indirect": false, "line": 4},
        {"path": "go.opentelemetry.io/otel", "version": "v1.28.0", "indirect": false, "line": 5},
        {"path": "github.com/prometheus/client_golang", "version": "v1.19.1", "indirect": true, "line": 6},
    ]});
    let response = repo.judge(&[doc("go.mod", "go-mod", gomod)]);
    assert_eq!(signals(&response), json!(["health-checks", "opentelemetry", "structured-logging", "tracing"]));
    assert_eq!(evidence(finding(&response, "structured-logging")), [("go.mod", Some(4))]);
    assert_eq!(evidence(finding(&response, "health-checks")), [("main.go", Some(4))]);
    let metrics = finding(&response, "metrics-instrumented");
    assert_eq!(metrics.status, Status::Pass);
    assert_eq!(evidence(metrics), [("go.mod", Some(5))]);
    let alerts = finding(&response, "alerting-rules");
    assert_eq!(alerts.status, Status::Fail);
    assert_eq!(evidence(alerts), [("Dockerfile", None)]);
}

#[test]
fn maven_test_dependencies_and_cargo_features_are_told_apart() {
    let pom = "<project>\n  <dependencies>\n    <dependency>\n      <groupId>io.opentelemetry</groupId>\n";
    let repo = Repo::new(&[("pom.xml", pom), ("Cargo.toml", "[dependencies]\ntracing-subscriber = \"0.3\"\n")]);
    let service =
        Repo::new(&[("Cargo.toml", "[dependencies]\ntracing-subscriber = \"0.3\"\n"), ("Procfile", "web: ./app\n")]);
    let dependency = |group: &str, artifact: &str, scope: Option<&str>, line: u32| {
        let mut children = vec![
            json!({"name": "groupId", "attributes": {}, "children": [], "text": group, "line": line + 1}),
            json!({"name": "artifactId", "attributes": {}, "children": [], "text": artifact, "line": line + 2}),
        ];
        if let Some(scope) = scope {
            children.push(json!({"name": "scope", "attributes": {}, "children": [], "text": scope, "line": line + 3}));
        }
        json!({"name": "dependency", "attributes": {}, "children": children, "text": "", "line": line})
    };
    let pom = json!({"name": "project", "attributes": {}, "text": "", "line": 1, "children": [
        {"name": "dependencies", "attributes": {}, "text": "", "line": 2, "children": [
            dependency("io.opentelemetry", "opentelemetry-sdk-testing", Some("test"), 3),
            dependency("org.springframework.boot", "spring-boot-starter-actuator", None, 8),
        ]},
    ]});
    let cargo = json!({"dependencies": {"tracing-subscriber": "0.3"}});
    let response = repo.judge(&[doc("pom.xml", "xml", pom), doc("Cargo.toml", "toml", cargo)]);
    assert_eq!(signals(&response), json!(["health-checks"]));
    assert_eq!(evidence(finding(&response, "health-checks")), [("pom.xml", Some(8))]);
    // Code, but nothing deploys it: the practices cannot be judged.
    let logging = finding(&response, "structured-logging");
    assert_eq!(logging.status, Status::NotApplicable);
    assert!(logging.message.contains("nothing that deploys it"), "{}", logging.message);

    let cargo = json!({"dependencies": {"tracing-subscriber": {"version": "0.3", "features": ["json"]}}});
    let response = repo.judge(&[doc("Cargo.toml", "toml", cargo.clone())]);
    assert_eq!(signals(&response), json!(["structured-logging"]));
    // Found, but nothing deploys the code as a service: instrumentation observes nothing.
    let logging = finding(&response, "structured-logging");
    assert_eq!(logging.status, Status::NotApplicable);
    assert!(logging.message.contains("nothing deploys this repository's code"), "{}", logging.message);
    let response = service.judge(&[doc("Cargo.toml", "toml", cargo)]);
    assert_eq!(evidence(finding(&response, "structured-logging")), [("Cargo.toml", Some(2))]);
}

#[test]
fn gradle_coordinates_span_lines_and_skip_test_configurations() {
    let script = "dependencies {\n    implementation(\n        \"io.micrometer:micrometer-registry-prometheus:1.13.0\"\n    )\n    testImplementation(\"io.zipkin.reporter2:zipkin-reporter:3.4.0\")\n    // implementation(\"com.datadoghq:dd-trace-api:1.0\")\n}\n";
    let found = deps::from_gradle("build.gradle.kts", script);
    let names: Vec<(&str, Option<u32>)> = found.iter().map(|d| (d.name.as_str(), d.line)).collect();
    assert_eq!(names, [("io.micrometer:micrometer-registry-prometheus", Some(3))]);
}

#[test]
fn dashboards_slos_and_rules_in_their_many_shapes() {
    let repo = Repo::new(&[("k8s/app.yaml", "kind: Deployment\n"), ("slo.yaml", "version: prometheus/v1\nslos:\n")]);
    let dashboard = json!({"title": "x", "uid": "x", "schemaVersion": 39, "panels": []});
    let configmap = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "d"},
        "data": {"api.json": dashboard.to_string()}});
    let documents = [
        doc("k8s/app.yaml", "yaml", json!({"apiVersion": "apps/v1", "kind": "Deployment"})),
        doc("export.json", "json", json!({"dashboard": dashboard, "meta": {}})),
        doc("k8s/dashboards.yaml", "yaml", configmap),
        doc("slo.yaml", "yaml", json!({"version": "prometheus/v1", "service": "x", "slos": []})),
        // Groups of rules without alerts are recording rules only; groups without rules
        // are something else entirely.
        doc("rules.yml", "yaml", json!({"groups": [{"name": "g", "rules": [{"record": "r", "expr": "1"}]}]})),
        doc("other.yml", "yaml", json!({"groups": [{"name": "admins"}]})),
    ];
    let response = repo.judge(&documents);
    assert_eq!(signals(&response), json!(["grafana-dashboards", "prometheus", "slo"]));
    assert_eq!(finding(&response, "slos-defined").evidence[0].line, Some(1));
    let dashboards: Vec<&str> =
        finding(&response, "dashboards-as-code").evidence.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(dashboards, ["export.json", "k8s/dashboards.yaml"]);
    assert_eq!(finding(&response, "alerting-rules").status, Status::Fail);
    // Only the repository's own code shows logging and tracing libraries.
    assert_eq!(finding(&response, "structured-logging").status, Status::NotApplicable);
}

#[test]
fn a_repository_with_nothing_is_not_applicable_everywhere() {
    let repo = Repo::new(&[("README.md", "# Handbook\n")]);
    let response = repo.judge(&[]);
    assert_eq!(signals(&response), json!([]));
    assert_eq!(response.findings.len(), CHECKS.len());
    for finding in &response.findings {
        assert_eq!(finding.status, Status::NotApplicable, "{}", finding.check);
    }
}

#[test]
fn functions_need_no_health_endpoint_but_load_balancers_check_one() {
    let repo = Repo::new(&[("template.yaml", "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n  Tg:\n")]);
    let lambda = json!({"Type": "AWS::Lambda::Function", "Properties": {"TracingConfig": {"Mode": "Active"}}});
    let response = repo.judge(&[doc("template.yaml", "yaml", json!({"Resources": {"Fn": lambda.clone()}}))]);
    assert_eq!(signals(&response), json!(["tracing"]));
    let health = finding(&response, "health-checks");
    assert_eq!(health.status, Status::NotApplicable);
    assert!(health.message.contains("only functions"), "{}", health.message);
    assert_eq!(finding(&response, "alerting-rules").status, Status::Fail);

    let group =
        json!({"Type": "AWS::ElasticLoadBalancingV2::TargetGroup", "Properties": {"HealthCheckPath": "/health"}});
    let response = repo.judge(&[doc("template.yaml", "yaml", json!({"Resources": {"Fn": lambda, "Tg": group}}))]);
    assert_eq!(evidence(finding(&response, "health-checks")), [("template.yaml", Some(4))]);
}

#[test]
fn pep_621_dependencies_are_read_with_their_lines() {
    let pyproject = "[project]\nname = \"x\"\ndependencies = [\n  \"structlog>=24.1\",\n  \"Prometheus_Client ; python_version >= '3.9'\",\n]\n";
    let repo = Repo::new(&[("pyproject.toml", pyproject), ("Procfile", "web: gunicorn app:app\n")]);
    let value = json!({"project": {"name": "x", "dependencies": ["structlog>=24.1", "Prometheus_Client ; python_version >= '3.9'"]}});
    let response = repo.judge(&[doc("pyproject.toml", "toml", value)]);
    assert_eq!(signals(&response), json!(["prometheus", "structured-logging"]));
    assert_eq!(evidence(finding(&response, "structured-logging")), [("pyproject.toml", Some(4))]);
    assert_eq!(evidence(finding(&response, "metrics-instrumented")), [("pyproject.toml", Some(5))]);
}

#[test]
fn empty_probes_and_probe_schemas_are_no_health_checks() {
    let repo = Repo::new(&[("chart/values.yaml", "livenessProbe: {}\n"), ("k8s/app.yaml", "kind: Deployment\n")]);
    let schema =
        json!({"properties": {"readinessProbe": {"type": "object", "properties": {"httpGet": {"type": "object"}}}}});
    let documents = [
        doc("k8s/app.yaml", "yaml", json!({"apiVersion": "apps/v1", "kind": "Deployment"})),
        doc("chart/values.yaml", "yaml", json!({"livenessProbe": {}})),
        doc(
            "crd.yaml",
            "yaml",
            json!({"kind": "CustomResourceDefinition", "spec": {"versions": [{"schema": schema}]}}),
        ),
        doc(
            "compose.yaml",
            "yaml",
            json!({"services": {"db": {"image": "postgres", "healthcheck": {"disable": true}}}}),
        ),
    ];
    let response = repo.judge(&documents);
    assert_eq!(signals(&response), json!([]));
    assert_eq!(finding(&response, "health-checks").status, Status::Fail);
}

#[test]
fn alarms_that_only_scale_are_not_alerting() {
    let repo = Repo::new(&[("service.yaml", "Resources:\n")]);
    let scaling = json!({
        "Policy": {"Type": "AWS::ApplicationAutoScaling::ScalingPolicy"},
        "ScaleOut": {"Type": "AWS::CloudWatch::Alarm", "Properties": {"AlarmActions": [{"!Ref": "Policy"}]}},
        "Service": {"Type": "AWS::ECS::Service"},
    });
    let response = repo.judge(&[doc("service.yaml", "yaml", json!({"Resources": scaling}))]);
    assert_eq!(finding(&response, "alerting-rules").status, Status::Fail, "an autoscaling trigger tells nobody");
    let paging = json!({
        "Topic": {"Type": "AWS::SNS::Topic"},
        "Errors": {"Type": "AWS::CloudWatch::Alarm", "Properties": {"AlarmActions": [{"!Ref": "Topic"}]}},
        "Service": {"Type": "AWS::ECS::Service"},
    });
    let response = repo.judge(&[doc("service.yaml", "yaml", json!({"Resources": paging}))]);
    assert_eq!(finding(&response, "alerting-rules").status, Status::Pass);
}

#[test]
fn examples_fixtures_and_vendored_files_are_not_the_repositorys_observability() {
    let repo = Repo::new(&[]);
    let rule = json!({"apiVersion": "monitoring.coreos.com/v1", "kind": "PrometheusRule", "metadata": {"name": "x"},
                      "spec": {"groups": [{"name": "g", "rules": [{"alert": "Down", "expr": "up == 0"}]}]}});
    for role in ["example", "test-fixture", "vendored", "docs"] {
        let mut document = doc("deploy/rules.yaml", "yaml", rule.clone());
        document["role"] = json!(role);
        assert_eq!(signals(&repo.judge(&[document])), json!([]), "{}", role);
    }
    assert_eq!(signals(&repo.judge(&[doc("deploy/rules.yaml", "yaml", rule)])), json!(["alert-rules"]));
}

#[test]
fn elixir_ruby_php_and_cpp_manifests_are_read_without_their_test_dependencies() {
    let mix = "defmodule App.MixProject do\n  defp deps do\n    [\n      {:phoenix, \"~> 1.7\"},\n      {:prom_ex, \"~> 1.11\"},\n      {:logger_json, \"~> 6.0\", only: :test},\n    ]\n  end\nend\n";
    let gemfile = "source \"https://rubygems.org\"\ngem \"rails\"\ngem 'lograge'\n\ngroup :development, :test do\n  gem \"opentelemetry-sdk\"\nend\n";
    let cmake = "option(ENABLE_PROMETHEUS \"x\" FALSE)\nif(ENABLE_PROMETHEUS)\n  find_library(PROMETHEUS_PULL_LIBRARY NAMES prometheus-cpp-pull)\nendif()\n# find_package(opentelemetry-cpp)\n";
    let composer =
        "{\n  \"require\": {\n    \"php\": \"^8.2\",\n    \"promphp/prometheus_client_php\": \"^2.10\"\n  }\n}\n";
    let repo = Repo::new(&[
        ("mix.exs", mix),
        ("Gemfile", gemfile),
        ("src/CMakeLists.txt", cmake),
        ("composer.json", composer),
        ("Procfile", "web: mix phx.server\n"),
    ]);
    let value = json!({"require": {"php": "^8.2", "promphp/prometheus_client_php": "^2.10"}});
    let response = repo.judge(&[doc("composer.json", "json", value)]);
    assert_eq!(signals(&response), json!(["prometheus", "structured-logging"]));
    let metrics = evidence(finding(&response, "metrics-instrumented"));
    assert!(metrics.contains(&("mix.exs", Some(5))), "{metrics:?}");
    assert!(metrics.contains(&("src/CMakeLists.txt", Some(3))), "{metrics:?}");
    assert!(metrics.contains(&("composer.json", Some(4))), "{metrics:?}");
    assert_eq!(evidence(finding(&response, "structured-logging")), [("Gemfile", Some(3))]);
}

#[test]
fn an_image_that_listens_is_a_service_and_a_compose_file_of_databases_is_not() {
    let cli = Repo::new(&[
        ("go.mod", "module x\n"),
        ("main.go", "package main\n"),
        ("Dockerfile", "FROM scratch\nENTRYPOINT [\"/x\"]\n"),
    ]);
    let response = cli.judge(&[]);
    assert_eq!(finding(&response, "alerting-rules").status, Status::NotApplicable);
    let dev = json!({"services": {"db": {"image": "postgres:16"}, "cache": {"image": "redis:7"}}});
    let response = cli.judge(&[doc("docker-compose.yml", "yaml", dev)]);
    assert_eq!(finding(&response, "alerting-rules").status, Status::NotApplicable);
    let built = json!({"services": {"db": {"image": "postgres:16"}, "app": {"build": ".", "ports": ["8080:8080"]}}});
    let response = cli.judge(&[doc("docker-compose.yml", "yaml", built)]);
    let alerts = finding(&response, "alerting-rules");
    assert_eq!(alerts.status, Status::Fail);
    assert!(alerts.message.contains("Compose service `app`"), "{}", alerts.message);
}

#[test]
fn an_image_of_code_built_on_a_web_framework_is_a_service_without_expose() {
    let files = [
        ("package.json", "{\n  \"dependencies\": {\n    \"express\": \"^4\"\n  }\n}\n"),
        ("Dockerfile", "FROM node:22\nCMD [\"node\", \"index.js\"]\n"),
    ];
    let repo = Repo::new(&files);
    let manifest = doc("package.json", "json", json!({"dependencies": {"express": "^4"}}));
    let response = repo.judge(&[manifest]);
    let alerts = finding(&response, "alerting-rules");
    assert_eq!(alerts.status, Status::Fail, "{}", alerts.message);
    assert!(alerts.message.contains("`express` at package.json:3"), "{}", alerts.message);
    // Only as a development dependency, the framework says nothing of what the image runs.
    let manifest = doc("package.json", "json", json!({"devDependencies": {"express": "^4"}}));
    let response = repo.judge(&[manifest]);
    assert_eq!(finding(&response, "alerting-rules").status, Status::NotApplicable);
}

#[test]
fn json_layouts_of_logback_contrib_and_go_kit_loggers_are_structured_logging() {
    let xml = "<configuration>\n  <appender name=\"json\">\n    <encoder class=\"ch.qos.logback.core.encoder.LayoutWrappingEncoder\">\n      <layout class=\"ch.qos.logback.contrib.json.classic.JsonLayout\"/>\n    </encoder>\n  </appender>\n</configuration>\n";
    let repo =
        Repo::new(&[("src/main/resources/logback.xml", xml), ("go.mod", "module x\n"), ("Procfile", "web: ./app\n")]);
    let layout = json!({"name": "layout", "attributes": {"class": "ch.qos.logback.contrib.json.classic.JsonLayout"}, "children": [], "text": "", "line": 4});
    let encoder = json!({"name": "encoder", "attributes": {"class": "ch.qos.logback.core.encoder.LayoutWrappingEncoder"}, "children": [layout], "text": "", "line": 3});
    let appender =
        json!({"name": "appender", "attributes": {"name": "json"}, "children": [encoder], "text": "", "line": 2});
    let logback = json!({"name": "configuration", "attributes": {}, "children": [appender], "text": "", "line": 1});
    let response = repo.judge(&[doc("src/main/resources/logback.xml", "xml", logback)]);
    assert_eq!(signals(&response), json!(["structured-logging"]));
    assert_eq!(evidence(finding(&response, "structured-logging")), [("src/main/resources/logback.xml", Some(4))]);
    let gomod = json!({"module": "x", "require": [{"path": "github.com/go-kit/log", "version": "v0.2.1", "indirect": false, "line": 3}]});
    let response = repo.judge(&[doc("go.mod", "go-mod", gomod)]);
    assert_eq!(signals(&response), json!(["structured-logging"]));
}
