//! `kaizen assess --only observability` end to end over the fixture repositories of
//! tests/observability/: a service per ecosystem, a monitoring configuration, and
//! repositories with nothing to observe. Each asserts the `observability.signals` fact, the
//! checks' statuses and the evidence lines.

use crate::support::{self, target};
use serde_json::{json, Value};

fn assess(cases: &[&str]) -> Value {
    support::assess_plugin_fixtures("observability", cases)
}

fn finding<'a>(target: &'a Value, check: &str) -> &'a Value {
    support::plugin_finding(target, "observability", check)
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

fn has(target: &Value, check: &str, path: &str, line: u64) -> bool {
    evidence(target, check).contains(&(path.to_owned(), Some(line)))
}

#[test]
fn services_in_each_ecosystem_show_their_libraries() {
    let r = assess(&["go-service", "python-service", "java-service", "node-service", "rust-service", "kotlin-service"]);

    let go = target(&r, "go-service");
    assert_eq!(
        go["facts"]["observability.signals"],
        json!(["health-checks", "opentelemetry", "structured-logging", "tracing"])
    );
    assert!(has(go, "structured-logging", "go.mod", 8), "{:?}", evidence(go, "structured-logging"));
    assert!(has(go, "distributed-tracing", "go.mod", 6));
    assert!(has(go, "health-checks", "main.go", 13));
    // client_golang is only an indirect requirement: not this service's instrumentation.
    assert_eq!(evidence(go, "metrics-instrumented"), [("go.mod".to_owned(), Some(6)), ("go.mod".to_owned(), Some(7))]);
    assert_eq!(status(go, "alerting-rules"), "fail");
    assert_eq!(evidence(go, "alerting-rules"), [("Dockerfile".to_owned(), None)]);

    let python = target(&r, "python-service");
    assert_eq!(
        python["facts"]["observability.signals"],
        json!(["health-checks", "opentelemetry", "prometheus", "structured-logging", "tracing"])
    );
    assert!(has(python, "structured-logging", "requirements.txt", 4));
    assert!(has(python, "metrics-instrumented", "requirements.txt", 5));
    assert!(has(python, "distributed-tracing", "pyproject.toml", 7), "{:?}", evidence(python, "distributed-tracing"));
    assert!(has(python, "health-checks", "Dockerfile", 4));

    let java = target(&r, "java-service");
    assert_eq!(java["facts"]["observability.signals"], json!(["health-checks", "prometheus", "structured-logging"]));
    assert!(has(java, "health-checks", "pom.xml", 8));
    assert!(has(java, "metrics-instrumented", "pom.xml", 12));
    assert!(has(java, "structured-logging", "pom.xml", 16));
    assert!(has(java, "structured-logging", "src/main/resources/logback.xml", 3));
    // The OpenTelemetry SDK is a test dependency only.
    assert_eq!(status(java, "distributed-tracing"), "fail");

    let node = target(&r, "node-service");
    assert_eq!(node["facts"]["observability.signals"], json!(["health-checks", "prometheus", "structured-logging"]));
    assert!(has(node, "structured-logging", "package.json", 6));
    assert!(has(node, "metrics-instrumented", "package.json", 7));
    assert!(has(node, "health-checks", "k8s/deployment.yaml", 12));
    // dd-trace is a development dependency only.
    assert_eq!(status(node, "distributed-tracing"), "fail");

    let rust = target(&r, "rust-service");
    assert_eq!(rust["facts"]["observability.signals"], json!(["opentelemetry", "structured-logging", "tracing"]));
    assert!(has(rust, "structured-logging", "Cargo.toml", 9));
    assert!(has(rust, "distributed-tracing", "Cargo.toml", 10));
    assert_eq!(status(rust, "health-checks"), "fail");

    let kotlin = target(&r, "kotlin-service");
    assert_eq!(kotlin["facts"]["observability.signals"], json!(["opentelemetry", "prometheus", "tracing"]));
    assert!(has(kotlin, "metrics-instrumented", "build.gradle.kts", 8));
    assert!(has(kotlin, "distributed-tracing", "build.gradle.kts", 6));
    // A Procfile deploys it; the test-only Zipkin reporter does not count.
    assert_eq!(status(kotlin, "structured-logging"), "fail");
}

#[test]
fn monitoring_configuration_is_recognised() {
    let r = assess(&["monitoring"]);
    let t = target(&r, "monitoring");
    assert_eq!(t["facts"]["observability.signals"], json!(["alert-rules", "grafana-dashboards", "prometheus", "slo"]));
    assert!(has(t, "alerting-rules", "prometheus/rules.yml", 6), "{:?}", evidence(t, "alerting-rules"));
    assert!(has(t, "alerting-rules", "prometheus/alertmanager.yml", 1));
    assert!(has(t, "metrics-instrumented", "prometheus/prometheus.yml", 5));
    assert!(has(t, "metrics-instrumented", "prometheus/rules.yml", 4));
    assert!(has(t, "metrics-instrumented", "k8s/checkout.yaml", 13), "{:?}", evidence(t, "metrics-instrumented"));
    assert!(has(t, "dashboards-as-code", "grafana/dashboards/checkout.json", 5));
    assert!(has(t, "slos-defined", "slo/checkout-availability.yaml", 1));
    // No code of its own: logging and tracing libraries cannot be judged; health can.
    assert_eq!(status(t, "structured-logging"), "not_applicable");
    assert_eq!(status(t, "distributed-tracing"), "not_applicable");
    assert_eq!(status(t, "health-checks"), "fail");
}

#[test]
fn repositories_without_a_service_are_not_judged() {
    let r = assess(&["docs-only", "library"]);
    for name in ["docs-only", "library"] {
        let t = target(&r, name);
        assert_eq!(t["facts"]["observability.signals"], json!([]), "{name}");
        for f in t["findings"].as_array().unwrap().iter().filter(|f| f["plugin"] == "observability") {
            assert_eq!(f["status"], "not_applicable", "{name}: {f:#}");
        }
    }
    let library = target(&r, "library");
    let message = finding(library, "health-checks")["message"].as_str().unwrap();
    assert!(message.contains("nothing that deploys it"), "{message}");
}
