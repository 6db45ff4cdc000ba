//! Pipeline runs: each recorded export format imports to exact runs, deployments and
//! summary; formats are recognised by content; broken files give positioned errors; the
//! live GitHub client runs against a real HTTP server on loopback replaying recorded pages
//! (pagination, rate limits, the 1,000-run query cap); `kaizen collect pipelines` writes a
//! file that imports back.

use crate::support::forge::{FakeForge, Reply};
use crate::support::{fixture, kaizen, run};
use kaizen::collect::forge::ForgeError;
use kaizen::collect::pipelines::{
    self, DeployPatterns, FetchError, Format, GithubFetch, ImportError, Imported, PipelineRun, Token,
};
use std::collections::VecDeque;
use std::net::TcpListener;
use std::sync::Mutex;
use std::time::{Duration, Instant};

fn import(path: &str) -> Imported {
    pipelines::import_file(&fixture(path), &DeployPatterns::default()).unwrap()
}

/// One line per run: id, workflow, branch, event, status, conclusion, created, finished,
/// duration, deployment.
fn lines(runs: &[PipelineRun]) -> Vec<String> {
    let show = |v: serde_json::Value| match v {
        serde_json::Value::Null => "-".to_owned(),
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    };
    runs.iter()
        .map(|r| {
            let v = serde_json::to_value(r).unwrap();
            let fields = ["id", "workflow", "branch", "event", "status", "conclusion", "created_at", "finished_at"];
            let mut line: Vec<String> = fields.iter().map(|f| show(v[*f].clone())).collect();
            line.push(show(v["duration_seconds"].clone()));
            line.push(if r.deployment { "DEPLOY".into() } else { "-".into() });
            line.join(" | ")
        })
        .collect()
}

fn summary(imports: &[Imported]) -> serde_json::Value {
    serde_json::to_value(pipelines::pipeline_runs(imports)).unwrap()["summary"].clone()
}

#[test]
fn gh_run_list_imports_exact_runs() {
    let imported = import("pipelines/gh-run-list/runs.json");
    assert_eq!(imported.source.format, Format::GhRunList);
    assert_eq!(imported.source.repository.as_deref(), Some("acme/shop"));
    assert_eq!(lines(&imported.runs), [
        "9001 | CI | main | push | completed | success | 2024-05-02T09:00:00Z | 2024-05-02T09:06:45Z | 400 | -",
        "9002 | Deploy production | main | push | completed | success | 2024-05-02T09:07:00Z | 2024-05-02T09:12:02Z | 300 | DEPLOY",
        "9004 | Nightly | main | schedule | completed | timed_out | 2024-05-03T02:00:00Z | 2024-05-03T08:00:30Z | 21600 | -",
        "9003 | CI | feature/coupons | pull_request | completed | failure | 2024-05-03T14:30:00Z | 2024-05-03T14:34:03Z | 240 | -",
        "9006 | Deploy production | feature/coupons | pull_request | completed | success | 2024-05-03T15:00:00Z | 2024-05-03T15:02:02Z | 120 | -",
        "9005 | Deploy production | main | push | in_progress | - | 2024-05-04T08:00:00Z | - | - | DEPLOY",
        "9007 | CI | dependabot/cargo/serde-1.0.200 | pull_request | queued | - | 2024-05-04T08:30:00Z | - | - | -",
    ]);
    let run = &imported.runs[0];
    assert_eq!(run.head_sha.as_deref(), Some("a1b2c3d4e5f60718293a4b5c6d7e8f9012345678"));
    assert_eq!(run.url.as_deref(), Some("https://github.com/acme/shop/actions/runs/9001"));
    assert!(imported.warnings.is_empty(), "{:?}", imported.warnings);
    assert_eq!(
        summary(&[imported]),
        serde_json::json!({
            "runs": {"total": 7, "unfinished": 2, "success": 3, "failure": 1, "cancelled": 0, "skipped": 0,
                     "timed_out": 1, "action_required": 0, "neutral": 0},
            "deployments": {"total": 2, "unfinished": 1, "success": 1, "failure": 0, "cancelled": 0, "skipped": 0,
                            "timed_out": 0, "action_required": 0, "neutral": 0},
            "first_run": "2024-05-02T09:00:00Z",
            "last_run": "2024-05-04T08:30:00Z",
        })
    );
}

const REST_LINES: [&str; 5] = [
    "7005 | CodeQL | main | schedule | completed | failure | 2024-06-09T03:00:00Z | 2024-06-09T03:00:02Z | 2 | -",
    "7004 | CD | main | workflow_dispatch | completed | success | 2024-06-09T16:00:00Z | 2024-06-09T16:05:01Z | 300 | DEPLOY",
    "7002 | CI | fix/tax | pull_request | completed | failure | 2024-06-10T10:00:00Z | 2024-06-10T10:03:10Z | 180 | -",
    "7001 | Release | main | push | completed | success | 2024-06-10T12:00:00Z | 2024-06-10T12:10:03Z | 600 | DEPLOY",
    "7003 | CI | main | push | in_progress | - | 2024-06-11T08:00:00Z | - | - | -",
];

#[test]
fn github_rest_pages_concatenated_or_in_an_array_import_alike_and_once_per_run() {
    // As `gh api --paginate` writes them: two JSON documents back to back; run 7002 is on
    // both pages (a new run shifted the pages while they were read).
    let imported = import("pipelines/github-rest/runs.json");
    assert_eq!(imported.source.format, Format::GithubRest);
    assert_eq!(imported.source.repository.as_deref(), Some("acme/shop"));
    assert_eq!(lines(&imported.runs), REST_LINES);

    // As `gh api --paginate --slurp` or `jq -s` write them: one array of pages.
    let dir = tempfile::tempdir().unwrap();
    let pages: Vec<serde_json::Value> = ["page-1", "page-2"]
        .map(|p| {
            serde_json::from_slice(&std::fs::read(fixture(&format!("pipelines/github-api/{p}.json"))).unwrap()).unwrap()
        })
        .to_vec();
    let path = dir.path().join("slurped.json");
    std::fs::write(&path, serde_json::to_string_pretty(&pages).unwrap()).unwrap();
    let slurped = pipelines::import_file(&path, &DeployPatterns::default()).unwrap();
    assert_eq!(slurped.runs, imported.runs);
}

/// The list endpoint does not say whether a ref is a tag (only the single-pipeline endpoint
/// has `tag`), so pipeline 505's tag `v1.4.0` reads as its branch.
#[test]
fn gitlab_pipelines_import_with_offsets_and_every_status() {
    let imported = import("pipelines/gitlab/pipelines.json");
    assert_eq!(imported.source.format, Format::GitlabPipelines);
    assert_eq!(imported.source.repository.as_deref(), Some("acme/platform/shop"));
    assert_eq!(lines(&imported.runs), [
        "501 | pipeline | main | push | completed | success | 2024-07-01T13:00:00Z | 2024-07-01T13:12:30Z | 750 | -",
        "502 | pipeline | refs/merge-requests/7/head | merge_request_event | completed | failure | 2024-07-01T15:00:00Z | 2024-07-01T15:05:00Z | 300 | -",
        "503 | pipeline | main | schedule | completed | cancelled | 2024-07-02T06:00:00Z | 2024-07-02T06:03:00Z | 180 | -",
        "504 | pipeline | main | web | in_progress | - | 2024-07-02T18:00:00Z | - | - | -",
        "505 | Deploy v1.4.0 | v1.4.0 | push | completed | success | 2024-07-02T19:00:00Z | 2024-07-02T19:20:00Z | 1200 | DEPLOY",
        "506 | pipeline | main | trigger | queued | - | 2024-07-03T13:30:00Z | - | - | -",
        "507 | pipeline | main | push | completed | action_required | 2024-07-03T14:00:00Z | 2024-07-03T14:04:00Z | 240 | -",
    ]);
    assert_eq!(imported.runs[0].url.as_deref(), Some("https://gitlab.example.com/acme/platform/shop/-/pipelines/501"));
}

#[test]
fn a_single_gitlab_pipeline_uses_its_own_finish_time_and_duration() {
    let imported = import("pipelines/gitlab-pipeline/pipeline.json");
    assert_eq!(imported.source.format, Format::GitlabPipelines);
    assert_eq!(
        lines(&imported.runs),
        ["501 | pipeline | main | push | completed | success | 2024-07-01T13:00:00Z | 2024-07-01T13:12:30Z | 685 | -",]
    );
}

#[test]
fn codepipeline_executions_are_deployments_of_the_pipeline_named_by_the_file() {
    let imported = import("pipelines/codepipeline/shop-deploy.json");
    assert_eq!(imported.source.format, Format::CodepipelineExecutions);
    assert_eq!(lines(&imported.runs), [
        "8e7d6c5b-4a39-4827-8160-5f4e3d2c1b0a | shop-deploy | - | webhook_v2 | completed | success | 2024-08-01T08:00:00Z | 2024-08-01T08:14:00Z | 840 | DEPLOY",
        "9f8e7d6c-5b4a-4938-8271-605f4e3d2c1b | shop-deploy | - | cloud_watch_event | completed | failure | 2024-08-01T10:00:00Z | 2024-08-01T10:09:00Z | 540 | DEPLOY",
        "a0f9e8d7-c6b5-4a49-8382-71605f4e3d2b | shop-deploy | - | start_pipeline_execution | completed | cancelled | 2024-08-01T12:00:00Z | 2024-08-01T12:07:30Z | 450 | DEPLOY",
        "b1a0e9d8-c7b6-4a59-8483-72615f4e3d2c | shop-deploy | - | webhook_v2 | completed | skipped | 2024-08-01T14:00:00Z | 2024-08-01T14:02:00Z | 120 | DEPLOY",
        "c2b1f2a4-5d6e-4f70-8a9b-0c1d2e3f4a5b | shop-deploy | - | webhook_v2 | in_progress | - | 2024-08-02T07:00:00Z | - | - | DEPLOY",
    ]);
    assert_eq!(imported.runs[0].head_sha.as_deref(), Some("b1b2b3b4b5b6b7b8b9b0b1b2b3b4b5b6b7b8b9b0"));
    assert_eq!(imported.runs[2].head_sha, None, "no source revision");
    let s = summary(&[imported]);
    assert_eq!((s["deployments"]["total"].as_u64(), s["deployments"]["skipped"].as_u64()), (Some(5), Some(1)));
}

#[test]
fn a_kaizen_aws_inventory_yields_the_executions_of_every_pipeline() {
    let imported = import("pipelines/aws-inventory/inventory.json");
    assert_eq!(imported.source.format, Format::KaizenAwsInventory);
    assert_eq!(lines(&imported.runs), [
        "bbbbbbbb-cccc-4ddd-8eee-ffffffffffff | infra | - | put_action_revision | completed | failure | 2024-08-01T08:00:00Z | 2024-08-01T08:03:20Z | 200 | DEPLOY",
        "11111111-2222-4333-8444-555555555555 | shop-deploy | - | webhook_v2 | completed | success | 2024-08-02T09:00:00Z | 2024-08-02T09:10:00Z | 600 | DEPLOY",
        "66666666-7777-4888-9999-aaaaaaaaaaaa | shop-deploy | - | start_pipeline_execution | in_progress | - | 2024-08-02T11:00:00Z | - | - | DEPLOY",
    ]);
    assert_eq!(imported.runs[0].head_sha, None, "an S3 object version is not a commit");
    assert_eq!(
        imported.runs[1].url.as_deref(),
        Some("https://eu-west-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/shop-deploy/executions/11111111-2222-4333-8444-555555555555/timeline?region=eu-west-1")
    );
}

#[test]
fn kaizen_runs_file_imports_back_with_its_sources_and_the_callers_patterns() {
    let imports = [import("pipelines/gh-run-list/runs.json"), import("pipelines/gitlab/pipelines.json")];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("runs.json");
    std::fs::write(&path, pipelines::to_runs_file(&imports, "2024-08-03T07:00:00.5Z".parse().unwrap())).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.starts_with(
            "{\n  \"kind\": \"kaizen-pipeline-runs\",\n  \"version\": 1,\n  \"collected_at\": \"2024-08-03T07:00:00Z\""
        ),
        "{text}"
    );

    let back = pipelines::import_file(&path, &DeployPatterns::default()).unwrap();
    assert_eq!(back.source.format, Format::KaizenPipelineRuns);
    assert_eq!(back.source.collected_from.len(), 2);
    assert_eq!(back.source.collected_from[1].repository.as_deref(), Some("acme/platform/shop"));
    assert_eq!(back.source.repository, None, "two repositories");
    let mut expected: Vec<PipelineRun> = imports.iter().flat_map(|i| i.runs.clone()).collect();
    expected.sort_by(|a, b| a.created_at.cmp(&b.created_at).then_with(|| a.id.cmp(&b.id)));
    assert_eq!(back.runs, expected);
    assert_eq!(summary(&[back]), summary(&imports));

    // Deployments follow the patterns of the assessment, not those of the collection.
    let none = DeployPatterns {
        workflow: vec![],
        environment: vec![],
        events: vec![],
        exclude_events: vec![],
        sources: vec![],
    };
    assert!(pipelines::import_file(&path, &none).unwrap().runs.iter().all(|r| !r.deployment));
    let nightly = DeployPatterns { workflow: vec!["/^night/".into()], ..none };
    let marked: Vec<String> = pipelines::import_file(&path, &nightly)
        .unwrap()
        .runs
        .into_iter()
        .filter(|r| r.deployment)
        .map(|r| r.id)
        .collect();
    assert_eq!(marked, ["9004"]);
}

fn import_text(text: &str) -> Result<Imported, ImportError> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.json");
    std::fs::write(&path, text).unwrap();
    pipelines::import_file(&path, &DeployPatterns::default()).map_err(|e| {
        // Name the file by its base name so messages can be compared whole.
        match e {
            // Without the quoted line, so the first line can be compared whole.
            ImportError::Json { line, column, message, .. } => {
                ImportError::Json { path: "export.json".into(), line, column, message, snippet: None }
            }
            ImportError::Unrecognised { found, .. } => ImportError::Unrecognised { path: "export.json".into(), found },
            ImportError::Invalid { message, .. } => ImportError::Invalid { path: "export.json".into(), message },
            other => other,
        }
    })
}

#[test]
fn broken_files_give_errors_with_file_line_and_column() {
    let e =
        import_text("[\n  {\"databaseId\": 1, \"createdAt\": \"2024-05-02T09:00:00Z\",\n   \"status\": completed}\n]")
            .unwrap_err();
    assert_eq!(e.to_string(), "export.json:3:14: error[pipelines-syntax]: expected value");

    // Valid JSON, wrong value: the position is in the whole file, on the second page.
    let text = "[{\"id\": 1, \"project_id\": 5, \"ref\": \"main\", \"status\": \"success\", \"created_at\": \"2024-07-01T09:00:00Z\"}]\n\
                [{\"id\": 2, \"project_id\": 5, \"ref\": \"main\", \"status\": \"success\",\n  \"created_at\": \"yesterday\"}]";
    let e = import_text(text).unwrap_err().to_string();
    // The column of the closing quote of the bad value; jiff's own words follow.
    assert!(e.starts_with("export.json:3:27: error[pipelines-syntax]: invalid timestamp `yesterday`: "), "{e}");

    let e = import_text(
        "{\"total_count\": 1, \"workflow_runs\": [{\"id\": \"\", \"created_at\": \"2024-01-01T00:00:00Z\"}]}",
    )
    .unwrap_err();
    assert_eq!(e.to_string(), "export.json:1:46: error[pipelines-syntax]: expected an id, found \"\"");
}

#[test]
fn what_is_no_pipeline_export_is_named_as_such() {
    let e = import_text("{\"items\": [], \"page\": 1}").unwrap_err();
    assert_eq!(
        e.to_string(),
        "export.json: error[pipelines-unrecognised]: not a recognised pipeline export: expected gh run list JSON, GitHub REST actions/runs, GitLab \
         pipelines, AWS CodePipeline executions or a Kaizen AWS inventory (found an object with keys items, page)"
    );
    let e = import_text("[{\"name\": \"x\"}]").unwrap_err();
    assert!(e.to_string().ends_with("(found a list whose first item is an object with keys name)"), "{e}");
    let e = import_text("").unwrap_err();
    assert!(e.to_string().ends_with("(the file holds no JSON value)"), "{e}");
    let e = import_text("{\"kind\": \"kaizen-result\"}").unwrap_err();
    assert!(e.to_string().ends_with("(found an object of kind `kaizen-result`)"), "{e}");

    let gh = std::fs::read_to_string(fixture("pipelines/gh-run-list/runs.json")).unwrap();
    let gitlab = std::fs::read_to_string(fixture("pipelines/gitlab-pipeline/pipeline.json")).unwrap();
    let e = import_text(&format!("{gh}\n{gitlab}")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "export.json: error[pipelines-invalid]: document 2 is GitLab pipelines but the file started as gh run list JSON: import them as separate files"
    );

    let e = import_text("{\"kind\": \"kaizen-pipeline-runs\", \"version\": 2, \"runs\": []}").unwrap_err();
    assert_eq!(
        e.to_string(),
        "export.json: error[pipelines-invalid]: a kaizen-pipeline-runs file of version 2; this Kaizen reads version 1"
    );
}

#[test]
fn an_empty_list_is_no_runs_with_a_warning() {
    let imported = import_text("[]\n").unwrap();
    assert_eq!((imported.source.format, imported.runs.len()), (Format::Empty, 0));
    assert!(imported.warnings[0].ends_with("an empty list: no runs"), "{:?}", imported.warnings);
    // An empty last page of a GitLab export does not change the format.
    let gitlab = std::fs::read_to_string(fixture("pipelines/gitlab/pipelines.json")).unwrap();
    let imported = import_text(&format!("[]\n{gitlab}\n[]")).unwrap();
    assert_eq!((imported.source.format, imported.runs.len()), (Format::GitlabPipelines, 7));
}

// ---------------------------------------------------------------------------------------
// The live GitHub client against a real HTTP server on loopback.

const TOKEN: &str = "ghp_kaizenTestToken0123456789";

/// A recorded page of `tests/pipelines/github-api/`, with the rate-limit header GitHub sends.
fn page(name: &str) -> Reply {
    let body = std::fs::read_to_string(fixture(&format!("pipelines/github-api/{name}.json"))).unwrap();
    Reply::json(body).header("x-ratelimit-remaining", "4999")
}

/// Serves the replies in order, one per request, then refuses every further request.
fn serve(replies: impl FnOnce(&str) -> Vec<Reply> + Send + 'static) -> FakeForge {
    let queue: Mutex<Option<VecDeque<Reply>>> = Mutex::new(None);
    let replies = Mutex::new(Some(replies));
    FakeForge::start(move |_, base| {
        let mut queue = queue.lock().unwrap();
        let queue = queue.get_or_insert_with(|| (replies.lock().unwrap().take().unwrap())(base).into());
        queue.pop_front().unwrap_or_else(|| Reply::status(500, "{\"message\": \"no reply left\"}"))
    })
}

fn fetch(server: &FakeForge) -> GithubFetch {
    GithubFetch {
        api_base: server.base.clone(),
        token: Some(Token::new(TOKEN)),
        max_wait: Duration::from_secs(10),
        ..GithubFetch::new("acme/shop", "2024-06-01T00:00:00Z".parse().unwrap())
    }
}

fn next_link(base: &str, page: u32) -> String {
    format!("<{base}/repos/acme/shop/actions/runs?per_page=100&created=%3E%3D2024-06-01&page={page}>; rel=\"next\"")
}

fn in_a_second() -> String {
    (jiff::Timestamp::now().as_second() + 1).to_string()
}

#[test]
fn live_fetch_follows_pages_and_waits_for_a_short_rate_limit_reset() {
    let server = serve(|base| {
        vec![
            page("page-1")
                .header("link", next_link(base, 2))
                .header("x-ratelimit-remaining", "0")
                .header("x-ratelimit-reset", in_a_second()),
            page("page-2"),
        ]
    });
    let started = Instant::now();
    let imported = fetch(&server).run(&DeployPatterns::default()).unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1), "waited for the reset: {:?}", started.elapsed());
    assert_eq!(lines(&imported.runs), REST_LINES);
    assert_eq!(imported.source.format, Format::GithubApi);
    assert_eq!(imported.source.url.as_deref(), Some(format!("{}/repos/acme/shop/actions/runs", server.base).as_str()));

    let seen = server.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].target, "/repos/acme/shop/actions/runs?per_page=100&created=%3E%3D2024-06-01&page=1");
    assert_eq!(seen[1].target, "/repos/acme/shop/actions/runs?per_page=100&created=%3E%3D2024-06-01&page=2");
    for request in &seen {
        assert_eq!(request.header("authorization"), Some(format!("Bearer {TOKEN}").as_str()));
        assert_eq!(request.header("accept"), Some("application/vnd.github+json"));
        assert_eq!(request.header("x-github-api-version"), Some("2022-11-28"));
        assert!(request.header("user-agent").is_some_and(|ua| ua.starts_with("kaizen/")), "{request:?}");
    }
}

#[test]
fn live_fetch_retries_after_a_secondary_rate_limit() {
    let server = serve(|_| {
        vec![
            Reply::status(429, "{\"message\": \"You have exceeded a secondary rate limit.\"}")
                .header("retry-after", "1"),
            page("page-2"),
        ]
    });
    let imported = fetch(&server).run(&DeployPatterns::default()).unwrap();
    assert_eq!(imported.runs.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["7005", "7004", "7002"]);
    let seen = server.seen.lock().unwrap();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].target, seen[1].target, "the same page, asked again");
}

#[test]
fn live_fetch_stops_with_the_reset_time_when_the_limit_resets_late() {
    let reset = jiff::Timestamp::now().as_second() + 3600;
    let server = serve(move |_| {
        vec![Reply {
            status: 403,
            headers: vec![
                ("x-ratelimit-remaining".into(), "0".into()),
                ("x-ratelimit-reset".into(), reset.to_string()),
            ],
            body: "{\"message\": \"API rate limit exceeded for user ID 1.\"}".into(),
        }]
    });
    let started = Instant::now();
    let e = fetch(&server).run(&DeployPatterns::default()).unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5), "no waiting for an hour");
    let reset_text = jiff::Timestamp::from_second(reset).unwrap().to_string();
    assert!(matches!(e, FetchError::Forge(ForgeError::RateLimited { max_wait_seconds: 10, .. })), "{e:?}");
    let message = e.to_string();
    assert!(message.starts_with(&format!("GitHub API rate limit exhausted until {reset_text} (")), "{message}");
    assert!(message.contains(&format!("try again after {reset_text}")), "{message}");
    assert!(!message.contains(TOKEN) && !format!("{e:?}").contains(TOKEN));
}

#[test]
fn live_fetch_errors_name_the_cause_and_never_the_token() {
    let server = serve(|_| {
        vec![Reply {
            status: 401,
            headers: vec![],
            body: "{\"message\": \"Bad credentials\", \"documentation_url\": \"https://docs.github.com/rest\"}".into(),
        }]
    });
    let e = fetch(&server).run(&DeployPatterns::default()).unwrap_err();
    let message = e.to_string();
    assert!(
        message.ends_with("HTTP 401: Bad credentials (the token was rejected: check GITHUB_TOKEN or GH_TOKEN)"),
        "{message}"
    );
    assert!(!message.contains(TOKEN) && !format!("{e:?}").contains(TOKEN));

    // A next-page link to another server is not followed: the token would go with it.
    let server = serve(|_| vec![page("page-1").header("link", "<http://203.0.113.9/steal?page=2>; rel=\"next\"")]);
    let e = fetch(&server).run(&DeployPatterns::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "refusing to follow a next-page link to http://203.0.113.9/steal?page=2: it leaves the API server"
    );
    assert_eq!(server.seen.lock().unwrap().len(), 1);

    // Nobody listening.
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let fetch = GithubFetch { api_base: format!("http://127.0.0.1:{port}"), ..fetch(&server) };
    let message = fetch.run(&DeployPatterns::default()).unwrap_err().to_string();
    assert!(
        message.starts_with(&format!("cannot fetch http://127.0.0.1:{port}/repos/acme/shop/actions/runs?")),
        "{message}"
    );
}

#[test]
fn live_fetch_narrows_the_query_past_githubs_cap_and_stops_at_max_runs() {
    // Page 1 holds as many runs as a query may serve (3 here, 1,000 on GitHub) of 5: the
    // client asks again for the runs up to the oldest day it saw.
    let narrowed = page("page-2");
    let narrowed = Reply {
        body: String::from_utf8(narrowed.body)
            .unwrap()
            .replace("\"total_count\": 5", "\"total_count\": 3")
            .into_bytes(),
        ..narrowed
    };
    let server = serve(|_| vec![page("page-1"), narrowed]);
    let imported = GithubFetch { query_cap: 3, ..fetch(&server) }.run(&DeployPatterns::default()).unwrap();
    assert_eq!(lines(&imported.runs), REST_LINES);
    let seen = server.seen.lock().unwrap();
    assert_eq!(seen[1].target, "/repos/acme/shop/actions/runs?per_page=100&created=2024-06-01..2024-06-10&page=1");
    drop(seen);

    let server = serve(|base| vec![page("page-1").header("link", next_link(base, 2))]);
    let imported = GithubFetch { max_runs: 2, ..fetch(&server) }.run(&DeployPatterns::default()).unwrap();
    assert_eq!(imported.runs.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["7001", "7003"]);
    assert!(imported.warnings[0].ends_with("stopped at 2 runs (the limit); older runs were not fetched"));
    assert_eq!(server.seen.lock().unwrap().len(), 1, "no second page once the limit is reached");
}

// ---------------------------------------------------------------------------------------
// The command.

#[test]
fn collect_pipelines_writes_a_file_that_imports_back() {
    let server = serve(|base| vec![page("page-1").header("link", next_link(base, 2)), page("page-2")]);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("runs.json");
    let output = run(kaizen()
        .args(["collect", "pipelines"])
        .arg(fixture("pipelines/gitlab/pipelines.json"))
        .args(["--github", "acme/shop", "--github-api", &server.base, "--since", "2024-06-01", "--out"])
        .arg(&out)
        .env("GITHUB_TOKEN", TOKEN)
        .env_remove("GH_TOKEN"));
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("gitlab/pipelines.json: 7 runs (1 deployments), gitlab-pipelines"), "{stderr}");
    assert!(stderr.contains("/repos/acme/shop/actions/runs: 5 runs (2 deployments), github-api"), "{stderr}");
    assert!(!stderr.contains(TOKEN));
    assert_eq!(server.seen.lock().unwrap()[0].header("authorization"), Some(format!("Bearer {TOKEN}").as_str()));

    let written = std::fs::read_to_string(&out).unwrap();
    assert!(!written.contains(TOKEN));
    let back = pipelines::import_file(&out, &DeployPatterns::default()).unwrap();
    assert_eq!(back.runs.len(), 12);
    let formats: Vec<Format> = back.source.collected_from.iter().map(|s| s.format).collect();
    assert_eq!(formats, [Format::GitlabPipelines, Format::GithubApi]);
}

#[test]
fn collect_pipelines_reports_a_broken_file_with_its_position_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("runs.json");
    std::fs::write(&path, "{\"total_count\": 1,\n \"workflow_runs\": [1, }").unwrap();
    let output = run(kaizen().args(["collect", "pipelines"]).arg(&path));
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&format!("{}:2:23: error[pipelines-syntax]: expected value", path.display())), "{stderr}");
    assert!(output.stdout.is_empty());
}

#[test]
fn collect_pipelines_needs_something_to_collect() {
    let output = run(kaizen().args(["collect", "pipelines"]));
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("nothing to collect"));
}
