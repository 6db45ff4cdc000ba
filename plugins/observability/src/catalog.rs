//! The signals, and the client libraries that are evidence of each.

use crate::deps::{Dependency, Ecosystem};

/// A kind of observability a repository shows; the names are the values of the
/// `observability.signals` fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Signal {
    OpenTelemetry,
    Prometheus,
    AlertRules,
    GrafanaDashboards,
    StructuredLogging,
    Tracing,
    Slo,
    HealthChecks,
}

impl Signal {
    #[cfg(test)]
    pub const ALL: [Signal; 8] = [
        Signal::OpenTelemetry,
        Signal::Prometheus,
        Signal::AlertRules,
        Signal::GrafanaDashboards,
        Signal::StructuredLogging,
        Signal::Tracing,
        Signal::Slo,
        Signal::HealthChecks,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Signal::OpenTelemetry => "opentelemetry",
            Signal::Prometheus => "prometheus",
            Signal::AlertRules => "alert-rules",
            Signal::GrafanaDashboards => "grafana-dashboards",
            Signal::StructuredLogging => "structured-logging",
            Signal::Tracing => "tracing",
            Signal::Slo => "slo",
            Signal::HealthChecks => "health-checks",
        }
    }
}

use Signal::*;

/// A library and what it is evidence of. A name ending in `*` matches by prefix.
struct Library {
    ecosystem: Ecosystem,
    name: &'static str,
    signals: &'static [Signal],
    /// For Cargo: the feature that makes the crate evidence (`tracing-subscriber` logs JSON
    /// only with `json`).
    feature: Option<&'static str>,
}

const OTEL: &[Signal] = &[OpenTelemetry, Tracing];
const PROM: &[Signal] = &[Prometheus];
const LOGS: &[Signal] = &[StructuredLogging];
const TRACE: &[Signal] = &[Tracing];
const HEALTH: &[Signal] = &[HealthChecks];

macro_rules! libs {
    ($($eco:ident $name:literal => $signals:expr $(, feature $feature:literal)?;)*) => {
        &[$(Library { ecosystem: Ecosystem::$eco, name: $name, signals: $signals, feature: libs!(@f $($feature)?) },)*]
    };
    (@f $feature:literal) => { Some($feature) };
    (@f) => { None };
}

const LIBRARIES: &[Library] = libs! {
    Cargo "opentelemetry*" => OTEL;
    Cargo "tracing-opentelemetry" => OTEL;
    Cargo "prometheus" => PROM;
    Cargo "prometheus-client" => PROM;
    Cargo "metrics-exporter-prometheus" => PROM;
    Cargo "autometrics" => PROM;
    Cargo "tracing-subscriber" => LOGS, feature "json";
    Cargo "tracing-bunyan-formatter" => LOGS;
    Cargo "slog" => LOGS;
    Cargo "slog-json" => LOGS;
    Cargo "json-subscriber" => LOGS;
    Cargo "datadog-tracing" => TRACE;

    Npm "@opentelemetry/*" => OTEL;
    Npm "@effect/opentelemetry" => OTEL;
    Npm "prom-client" => PROM;
    Npm "express-prom-bundle" => PROM;
    Npm "pino" => LOGS;
    Npm "@aws-lambda-powertools/logger" => LOGS;
    Npm "@aws-lambda-powertools/tracer" => TRACE;
    Npm "pino-http" => LOGS;
    Npm "winston" => LOGS;
    Npm "bunyan" => LOGS;
    Npm "dd-trace" => TRACE;
    Npm "aws-xray-sdk*" => TRACE;
    Npm "jaeger-client" => TRACE;
    Npm "zipkin*" => TRACE;
    Npm "@google-cloud/trace-agent" => TRACE;
    Npm "@godaddy/terminus" => HEALTH;
    Npm "@nestjs/terminus" => HEALTH;

    Go "go.opentelemetry.io/otel*" => OTEL;
    Go "go.opentelemetry.io/contrib*" => OTEL;
    Go "github.com/prometheus/client_golang" => PROM;
    Go "github.com/victoriametrics/metrics" => PROM;
    Go "go.uber.org/zap" => LOGS;
    Go "github.com/rs/zerolog" => LOGS;
    Go "github.com/sirupsen/logrus" => LOGS;
    Go "github.com/go-kit/log" => LOGS;
    Go "github.com/hashicorp/go-hclog" => LOGS;
    Go "github.com/apex/log" => LOGS;
    Go "github.com/inconshreveable/log15" => LOGS;
    Go "github.com/aws/aws-xray-sdk-go" => TRACE;
    Go "github.com/uber/jaeger-client-go" => TRACE;
    Go "github.com/openzipkin/zipkin-go" => TRACE;
    Go "gopkg.in/datadog/dd-trace-go.v1" => TRACE;
    Go "github.com/datadog/dd-trace-go*" => TRACE;
    Go "github.com/heptiolabs/healthcheck" => HEALTH;
    Go "github.com/alexliesenfeld/health" => HEALTH;
    Go "github.com/hellofresh/health-go*" => HEALTH;

    Python "opentelemetry-*" => OTEL;
    Python "prometheus-client" => PROM;
    Python "prometheus-flask-exporter" => PROM;
    Python "prometheus-fastapi-instrumentator" => PROM;
    Python "django-prometheus" => PROM;
    Python "starlette-exporter" => PROM;
    Python "structlog" => LOGS;
    Python "aws-lambda-powertools" => &[StructuredLogging, Tracing];
    Python "python-json-logger" => LOGS;
    Python "json-logging" => LOGS;
    Python "ecs-logging" => LOGS;
    Python "aws-xray-sdk" => TRACE;
    Python "ddtrace" => TRACE;
    Python "jaeger-client" => TRACE;
    Python "py-zipkin" => TRACE;
    Python "django-health-check" => HEALTH;
    Python "fastapi-health" => HEALTH;
    Python "py-healthcheck" => HEALTH;

    Java "io.opentelemetry*" => OTEL;
    Java "io.micrometer:micrometer-registry-otlp" => &[OpenTelemetry];
    Java "io.micrometer:micrometer-registry-prometheus*" => PROM;
    Java "io.prometheus:*" => PROM;
    Java "net.logstash.logback:logstash-logback-encoder" => LOGS;
    Java "org.apache.logging.log4j:log4j-layout-template-json" => LOGS;
    Java "co.elastic.logging:*" => LOGS;
    Java "com.amazonaws:aws-xray-recorder-sdk*" => TRACE;
    Java "io.jaegertracing:*" => TRACE;
    Java "io.zipkin*" => TRACE;
    Java "com.datadoghq:dd-trace*" => TRACE;
    Java "io.micrometer:micrometer-tracing*" => TRACE;
    Java "org.springframework.cloud:spring-cloud-starter-sleuth" => TRACE;
    Java "org.springframework.boot:spring-boot-starter-actuator" => HEALTH;

    Elixir "prom_ex" => PROM;
    Elixir "telemetry_metrics_prometheus*" => PROM;
    Elixir "prometheus_ex" => PROM;
    Elixir "prometheus_plugs" => PROM;
    Elixir "opentelemetry" => OTEL;
    Elixir "opentelemetry_exporter" => OTEL;
    Elixir "logger_json" => LOGS;
    Elixir "spandex*" => TRACE;

    Ruby "prometheus-client" => PROM;
    Ruby "yabeda-prometheus*" => PROM;
    Ruby "opentelemetry-sdk" => OTEL;
    Ruby "opentelemetry-instrumentation-*" => OTEL;
    Ruby "lograge" => LOGS;
    Ruby "semantic_logger" => LOGS;
    Ruby "rails_semantic_logger" => LOGS;
    Ruby "ddtrace" => TRACE;
    Ruby "datadog" => TRACE;
    Ruby "aws-xray-sdk" => TRACE;

    Php "promphp/prometheus_client_php" => PROM;
    Php "open-telemetry/sdk" => OTEL;
    Php "open-telemetry/opentelemetry-auto-*" => OTEL;
    Php "datadog/dd-trace" => TRACE;

    Cpp "prometheus-cpp" => PROM;
    Cpp "opentelemetry-cpp" => OTEL;

    Nuget "opentelemetry*" => OTEL;
    Nuget "prometheus-net*" => PROM;
    Nuget "serilog*" => LOGS;
    Nuget "awsxrayrecorder*" => TRACE;
    Nuget "datadog.trace*" => TRACE;
    Nuget "aspnetcore.healthchecks*" => HEALTH;
    Nuget "microsoft.extensions.diagnostics.healthchecks*" => HEALTH;
};

/// The signals a dependency is evidence of (empty for most).
/// Web and RPC server frameworks: code that depends on one (at run time, not in its tests)
/// is a long-running service when it is packaged as an image, even if its Dockerfile
/// declares no port.
const SERVER_FRAMEWORKS: &[(Ecosystem, &str)] = &[
    (Ecosystem::Java, "org.springframework.boot:spring-boot-starter-web"),
    (Ecosystem::Java, "org.springframework.boot:spring-boot-starter-webflux"),
    (Ecosystem::Java, "org.springframework.boot:spring-boot-starter-actuator"),
    (Ecosystem::Java, "io.quarkus:quarkus-rest*"),
    (Ecosystem::Java, "io.quarkus:quarkus-resteasy*"),
    (Ecosystem::Java, "io.micronaut:micronaut-http-server*"),
    (Ecosystem::Java, "io.ktor:ktor-server*"),
    (Ecosystem::Java, "io.grpc:grpc-netty*"),
    (Ecosystem::Java, "io.javalin:javalin"),
    (Ecosystem::Java, "io.vertx:vertx-web"),
    (Ecosystem::Npm, "express"),
    (Ecosystem::Npm, "fastify"),
    (Ecosystem::Npm, "koa"),
    (Ecosystem::Npm, "@nestjs/core"),
    (Ecosystem::Npm, "@hapi/hapi"),
    (Ecosystem::Python, "flask"),
    (Ecosystem::Python, "fastapi"),
    (Ecosystem::Python, "django"),
    (Ecosystem::Python, "gunicorn"),
    (Ecosystem::Python, "uvicorn"),
    (Ecosystem::Python, "aiohttp"),
    (Ecosystem::Python, "tornado"),
    (Ecosystem::Go, "github.com/gin-gonic/gin"),
    (Ecosystem::Go, "github.com/labstack/echo*"),
    (Ecosystem::Go, "github.com/gofiber/fiber*"),
    (Ecosystem::Go, "github.com/go-chi/chi*"),
    (Ecosystem::Go, "github.com/gorilla/mux"),
    (Ecosystem::Cargo, "actix-web"),
    (Ecosystem::Cargo, "axum"),
    (Ecosystem::Cargo, "rocket"),
    (Ecosystem::Cargo, "warp"),
    (Ecosystem::Cargo, "tonic"),
    (Ecosystem::Nuget, "microsoft.aspnetcore*"),
    (Ecosystem::Ruby, "rails"),
    (Ecosystem::Ruby, "sinatra"),
    (Ecosystem::Ruby, "puma"),
    (Ecosystem::Elixir, "phoenix"),
];

/// Whether a dependency is a server framework (see [`SERVER_FRAMEWORKS`]).
pub fn is_server_framework(dependency: &Dependency) -> bool {
    SERVER_FRAMEWORKS
        .iter()
        .any(|(ecosystem, name)| *ecosystem == dependency.ecosystem && matches(name, &dependency.name))
}

pub fn signals_of(dependency: &Dependency) -> &'static [Signal] {
    for library in LIBRARIES {
        if library.ecosystem != dependency.ecosystem || !matches(library.name, &dependency.name) {
            continue;
        }
        if let Some(feature) = library.feature {
            if !dependency.features.iter().any(|f| f == feature) {
                continue;
            }
        }
        return library.signals;
    }
    &[]
}

fn matches(pattern: &str, name: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => pattern == name,
    }
}
