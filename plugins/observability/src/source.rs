//! Reading raw text, within bounds: health endpoints in source code, Go's `log/slog`, gRPC
//! health services, Dockerfile `HEALTHCHECK`s, and Prometheus monitoring mixins (Jsonnet).
//!
//! Source code is a programming language, not a format the host parses, so these are text
//! matches: the last resort, kept to string literals that name a route and to import paths.

use crate::catalog::Signal;

/// The source files read at most, most promising first (see [`priority`]).
pub const MAX_SOURCE_FILES: usize = 1500;
/// Larger source files are skipped: generated code, bundles.
pub const MAX_SOURCE_BYTES: u64 = 256 * 1024;

/// Source code extensions: a repository with one of these (or a dependency manifest) has code.
pub const SOURCE_EXTENSIONS: &[&str] =
    &["go", "py", "js", "mjs", "cjs", "ts", "java", "kt", "scala", "rs", "cs", "rb", "php", "ex", "exs", "fs"];

/// Folders of tooling, examples, documentation and tests: code and deployments there do not
/// make the repository a service (a monitoring mixin's development stack in `scripts/` is
/// not a service of its own), though evidence found there still counts.
pub fn is_auxiliary(path: &str) -> bool {
    let lower = path.to_lowercase();
    ["scripts/", "hack/", "tools/", "examples/", "example/", "docs/", "test/", "tests/", "e2e/"]
        .iter()
        .any(|dir| lower.starts_with(dir) || lower.contains(&format!("/{}", dir)))
}

/// Paths whose code is someone else's or not the service's.
pub fn is_vendored(path: &str) -> bool {
    let lower = path.to_lowercase();
    // Test data is not the repository's own configuration either.
    ["node_modules/", "vendor/", "third_party/", "third-party/", "dist/", "build/", "target/", "testdata/", "fixtures/"]
        .iter()
        .any(|dir| lower.starts_with(dir) || lower.contains(&format!("/{}", dir)))
        || lower.ends_with(".min.js")
}

pub fn is_source(path: &str) -> bool {
    match path.rsplit_once('.') {
        Some((_, ext)) => SOURCE_EXTENSIONS.contains(&ext),
        None => false,
    }
}

/// Lower is read first: files named like a server's entry point or its routes.
pub fn priority(path: &str) -> u8 {
    let lower = path.to_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    if lower.contains("test") || lower.contains("example") || lower.contains("docs/") {
        return 3;
    }
    if name.contains("health") {
        0
    } else if ["main", "server", "app", "route", "urls", "handler", "api", "index", "http", "web", "probe"]
        .iter()
        .any(|w| name.contains(w))
    {
        1
    } else {
        2
    }
}

/// Routes that are health, liveness or readiness endpoints by convention.
const HEALTH_ROUTES: &[&str] = &[
    "/healthz",
    "/health",
    "/healthcheck",
    "/health-check",
    "/readyz",
    "/readiness",
    "/livez",
    "/liveness",
    "/ready",
    "/-/healthy",
    "/-/ready",
];

/// Signals in one source file, each with its line and what it is. `test` is the file's role
/// (the host marks test code): tests call other systems' health endpoints (a Consul
/// client's tests, say), which is no evidence that the service has one.
pub fn scan_source(path: &str, text: &str, test: bool) -> Vec<(Signal, u32, String)> {
    let mut out = Vec::new();
    let go = path.ends_with(".go");
    let mut route = false;
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("//") || trimmed.starts_with('#') || trimmed.starts_with('*') {
            continue;
        }
        let number = index as u32 + 1;
        if !route && !test {
            if let Some(found) =
                health_route(line).or_else(|| named_health_route(line)).or_else(|| framework_health_route(path, line))
            {
                out.push((Signal::HealthChecks, number, format!("health endpoint `{}`", found)));
                route = true;
            }
        }
        if go && line.contains("\"log/slog\"") {
            out.push((Signal::StructuredLogging, number, "Go `log/slog`".to_string()));
        }
        if line.contains("grpc_health_v1") || line.contains("grpc.health.v1") {
            out.push((Signal::HealthChecks, number, "gRPC health service".to_string()));
        }
        if go && !test && (line.contains(".AddHealthzCheck(") || line.contains(".AddReadyzCheck(")) {
            out.push((Signal::HealthChecks, number, "controller-runtime health probe".to_string()));
        }
    }
    out.dedup_by(|a, b| a.0 == b.0 && a.2 == b.2);
    out
}

/// A quoted route such as `"/healthz"` or `'/health/ready'` in a line.
fn health_route(line: &str) -> Option<&str> {
    for (i, quote) in line.char_indices().filter(|(_, c)| *c == '"' || *c == '\'' || *c == '`') {
        let rest = &line[i + 1..];
        for route in HEALTH_ROUTES {
            if let Some(after) = rest.strip_prefix(route) {
                if after.starts_with(quote) || after.starts_with('/') || after.starts_with('?') {
                    let end = rest.find(quote).unwrap_or(route.len());
                    return Some(&rest[..end]);
                }
            }
        }
    }
    None
}

/// A health route in a framework's route table, where routes are written without their
/// leading slash: Django's `urls.py` (`path("healthz/", …)`, `re_path(r"^health_check/$", …)`,
/// `name="health_check"`) and Rails' `config/routes.rb` (`get "up" => "rails/health#show"`).
fn framework_health_route<'a>(path: &str, line: &'a str) -> Option<&'a str> {
    let name = path.rsplit('/').next().unwrap_or(path);
    if name == "routes.rb" {
        return line.contains("rails/health#").then_some("rails/health");
    }
    if name != "urls.py" {
        return None;
    }
    const WORDS: &[&str] = &[
        "healthz",
        "health_check",
        "healthcheck",
        "health-check",
        "health",
        "readyz",
        "livez",
        "readiness",
        "liveness",
    ];
    for (i, quote) in line.char_indices().filter(|(_, c)| *c == '"' || *c == '\'') {
        let rest = &line[i + 1..];
        let end = match rest.find(quote) {
            Some(end) => end,
            None => continue,
        };
        let literal = &rest[..end];
        let bare = literal.trim_start_matches('^').trim_end_matches('$').trim_matches('/');
        let last = bare.rsplit('/').next().unwrap_or(bare);
        if WORDS.contains(&last) || WORDS.iter().any(|w| bare.ends_with(&format!("}}{w}"))) {
            return Some(literal);
        }
    }
    None
}

/// A quoted route on a line that names it a health check, as a configurable default:
/// `Flag("health-check-path", …).Default("/status")`.
fn named_health_route(line: &str) -> Option<&str> {
    for (i, quote) in line.char_indices().filter(|(_, c)| *c == '"' || *c == '\'' || *c == '`') {
        let rest = &line[i + 1..];
        let is_route = rest.starts_with('/') && rest[1..].starts_with(|c: char| c.is_ascii_lowercase() || c == quote);
        if let (true, Some(end)) = (is_route, rest.find(quote)) {
            let route = &rest[..end];
            // The line must name the route a health check elsewhere than in the route itself
            // (an API path such as `/v1/health/service` is another system's).
            let elsewhere = format!("{}{}", &line[..i], &rest[end..]).to_lowercase();
            let plain = route.chars().all(|c| c.is_ascii_alphanumeric() || "/-_".contains(c));
            // A health check named as such, not any word that starts with "health"
            // (`new HealthReport(…, "/images/…")`).
            const NAMING: &[&str] =
                &["healthcheck", "health-check", "health_check", "health check", "healthz", "liveness", "readiness"];
            // Or a route registered with a handler named for health (`HandleFunc("/", healthHandler)`).
            const REGISTERS: &[&str] = &["handlefunc(", ".handle(", ".get(", ".route(", "router."];
            let handler = elsewhere.contains("health") && REGISTERS.iter().any(|r| elsewhere.contains(r));
            if plain && route.len() < 40 && (handler || NAMING.iter().any(|n| elsewhere.contains(n))) {
                return Some(route);
            }
        }
    }
    None
}

/// Calls that start a network server, by language: the code is a service's.
const SERVER_CALLS: &[(&str, &str)] = &[
    ("ListenAndServe(", "Go `ListenAndServe`"),
    ("ListenAndServeTLS(", "Go `ListenAndServeTLS`"),
    ("grpc.NewServer(", "a gRPC server"),
    ("app.listen(", "`app.listen`"),
    ("server.listen(", "`server.listen`"),
    ("fastify.listen(", "`fastify.listen`"),
    ("uvicorn.run(", "`uvicorn.run`"),
    ("web.run_app(", "aiohttp `run_app`"),
    ("serve_forever(", "`serve_forever`"),
    ("@SpringBootApplication", "a Spring Boot application"),
    ("HttpServer::new(", "an actix-web server"),
    ("axum::serve(", "an axum server"),
    ("warp::serve(", "a warp server"),
    ("Server::bind(", "a hyper server"),
    ("WebApplication.CreateBuilder(", "an ASP.NET Core application"),
];

/// The first line of `text` that starts a network server, and what it is.
pub fn serves(text: &str) -> Option<(u32, &'static str)> {
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("//") || trimmed.starts_with('#') || trimmed.starts_with('*') {
            continue;
        }
        if let Some((_, what)) = SERVER_CALLS.iter().find(|(call, _)| line.contains(call)) {
            return Some((index as u32 + 1, what));
        }
    }
    None
}

/// Whether a Dockerfile declares a port its image listens on (`EXPOSE`).
pub fn dockerfile_exposes(text: &str) -> bool {
    text.lines().any(|line| {
        let trimmed = line.trim_start();
        trimmed.len() > 7 && trimmed[..7].eq_ignore_ascii_case("EXPOSE ")
    })
}

/// A `HEALTHCHECK` instruction in a Dockerfile (not `HEALTHCHECK NONE`), or the gRPC health
/// probe installed into the image.
pub fn scan_dockerfile(text: &str) -> Option<(u32, String)> {
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let upper = trimmed.to_uppercase();
        if upper.starts_with("HEALTHCHECK") && !upper["HEALTHCHECK".len()..].trim_start().starts_with("NONE") {
            return Some((index as u32 + 1, "Dockerfile `HEALTHCHECK`".to_string()));
        }
        if !trimmed.starts_with('#') && trimmed.contains("grpc_health_probe") {
            return Some((index as u32 + 1, "gRPC health probe in the image".to_string()));
        }
    }
    None
}

/// Alerts and dashboards in a monitoring mixin (Jsonnet): `alert: 'Name'` fields, and
/// Grafana dashboards built with grafonnet. A text match, the last resort for a language the
/// host does not evaluate.
pub fn scan_jsonnet(text: &str) -> Vec<(Signal, u32, String)> {
    let mut out = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("//") || trimmed.starts_with('#') {
            continue;
        }
        let number = index as u32 + 1;
        if (trimmed.starts_with("alert:") || trimmed.starts_with("alert :"))
            && !out.iter().any(|h: &(Signal, u32, String)| h.0 == Signal::AlertRules)
        {
            out.push((Signal::AlertRules, number, "Prometheus alerting rule in a monitoring mixin".to_string()));
        }
        if (trimmed.starts_with("record:") || trimmed.starts_with("record :"))
            && !out.iter().any(|h| h.0 == Signal::Prometheus)
        {
            out.push((Signal::Prometheus, number, "Prometheus recording rule in a monitoring mixin".to_string()));
        }
        if (trimmed.contains("grafonnet") || trimmed.contains("grafanaDashboards"))
            && !out.iter().any(|h| h.0 == Signal::GrafanaDashboards)
        {
            out.push((Signal::GrafanaDashboards, number, "Grafana dashboard in a monitoring mixin".to_string()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_routes_are_quoted_literals() {
        assert_eq!(health_route(r#"  mux.HandleFunc("/healthz", h)"#), Some("/healthz"));
        let probe = scan_source(
            "cmd/main.go",
            "if err := mgr.AddHealthzCheck(\"healthz\", healthz.Ping); err != nil {\n",
            false,
        );
        assert_eq!(probe, vec![(Signal::HealthChecks, 1, "controller-runtime health probe".to_string())]);
        assert_eq!(health_route(r#"@app.get('/health/ready')"#), Some("/health/ready"));
        assert_eq!(health_route("app.get(`/readyz`, ok)"), Some("/readyz"));
        assert_eq!(health_route(r#"fetch("/healthy-food")"#), None);
        assert_eq!(health_route("see /healthz for details"), None);
        let flag = r#"cmd.Flag("health-check-path", "Health check path.").Default("/status").StringVar(&p)"#;
        assert_eq!(named_health_route(flag), Some("/status"));
        assert_eq!(named_health_route(r#"open("/var/lib/data")"#), None);
        assert_eq!(named_health_route(r#"get("/v1/health/service/test?wait=1", h)"#), None);
        assert_eq!(named_health_route(r#"mux.HandleFunc("/", healthHandler(l))"#), Some("/"));
        assert_eq!(named_health_route(r#"r.Get("/ping", s.handleHealth)"#), Some("/ping"));
        assert_eq!(named_health_route(r#"report := NewHealthReport(ctx, "/images/x.png")"#), None);
        assert_eq!(
            named_health_route(r#"return Jenkins.RESOURCE_PATH + "/images/" + size + "/" + HEALTH_UNKNOWN_IMG;"#),
            None
        );
        assert_eq!(health_route(r#"router.Get("/-/healthy", func(w http.ResponseWriter) {"#), Some("/-/healthy"));
        assert!(scan_source("discovery/consul_test.go", "c.Get(\"/healthz\")\n", true).is_empty());
        assert_eq!(scan_source("discovery/consul.go", "c.Get(\"/healthz\")\n", false).len(), 1);
    }

    #[test]
    fn route_tables_write_health_routes_without_their_slash() {
        let django = "urlpatterns = [\n    path(\"api/\", include(api)),\n    re_path(\n        r\"^{PREFIX}health_check/$\",\n        HealthCheckView.as_view(),\n    ),\n]\n";
        let hits = scan_source("site/proxy/urls.py", django, false);
        assert_eq!(hits, vec![(Signal::HealthChecks, 4, "health endpoint `^{PREFIX}health_check/$`".to_string())]);
        assert_eq!(scan_source("app/urls.py", "    path('healthz/', views.ok),\n", false).len(), 1);
        // The same words elsewhere than a route table, or inside a longer route, are not one.
        assert!(scan_source("app/views.py", "    path('healthz/', views.ok),\n", false).is_empty());
        assert!(scan_source("app/urls.py", "    path('api/health-records/', views.records),\n", false).is_empty());
        let rails =
            "Rails.application.routes.draw do\n  get \"up\" => \"rails/health#show\", as: :rails_health_check\nend\n";
        assert_eq!(scan_source("config/routes.rb", rails, false).len(), 1);
    }

    #[test]
    fn code_that_starts_a_server_is_a_services() {
        assert_eq!(
            serves("package main\n\nfunc main() {\n\t_ = http.ListenAndServe(\":8080\", nil)\n}\n"),
            Some((4, "Go `ListenAndServe`"))
        );
        assert_eq!(serves("// http.ListenAndServe(\":8080\", nil)\nfmt.Println(\"cli\")\n"), None);
        assert_eq!(
            serves("if __name__ == \"__main__\":\n    uvicorn.run(app, host=\"0.0.0.0\")\n"),
            Some((2, "`uvicorn.run`"))
        );
    }

    #[test]
    fn commented_routes_do_not_count() {
        assert!(scan_source("main.go", "// r.Get(\"/healthz\")\n", false).is_empty());
        let hits = scan_source("main.go", "import (\n\t\"log/slog\"\n)\nr.Get(\"/healthz\", ok)\n", false);
        assert_eq!(hits.len(), 2);
        assert_eq!(hits[0].1, 2);
        assert_eq!(hits[1].1, 4);
    }

    #[test]
    fn dockerfile_healthcheck_none_is_no_health_check() {
        assert_eq!(scan_dockerfile("FROM x\nHEALTHCHECK NONE\n"), None);
        assert_eq!(scan_dockerfile("FROM x\nHEALTHCHECK CMD curl -f http://localhost/\n").map(|h| h.0), Some(2));
    }

    #[test]
    fn vendored_and_prioritised_paths() {
        assert!(is_vendored("vendor/github.com/x/y.go"));
        assert!(is_vendored("web/node_modules/a/index.js"));
        assert!(!is_vendored("src/vendors.go"));
        assert!(priority("src/health.go") < priority("src/main.go"));
        assert!(priority("src/main.go") < priority("src/util.go"));
        assert!(priority("src/util.go") < priority("tests/main_test.go"));
    }
}
