//! Kaizen's built-in `security` plugin: the security practices visible in a repository, in
//! the spirit of OpenSSF Scorecard, and committed secrets.
//!
//! The scanners, SBOM generators and signing steps the pipelines run come from the host's CI
//! model (the tools of the catalogue, each with the line that runs it); GitHub workflows
//! come parsed for pinning, permissions and dangerous patterns ([`workflows`]); everything
//! else is judged from the file inventory and by reading text files ([`repo`]), once each,
//! with [`kaizen_secrets`] finding credentials. A secret's value
//! never leaves this plugin: findings name its kind, file and line, and a marker that
//! keeps at most its public prefix (`AKIA…(redacted aws-access-key-id)`).

mod repo;
#[cfg(test)]
mod tests;
mod workflows;

use kaizen_plugin_sdk::evidence::ci::kinds;
use kaizen_plugin_sdk::{find_line, Ci, Evidence, Finding, Request, Response, Result, ToolUse, Value};
use std::collections::{BTreeMap, BTreeSet};
use workflows::{Permissions, Workflow};

/// At most this many pieces of evidence per finding.
const MAX_EVIDENCE: usize = 20;

fn judge(request: &Request) -> Result<Response> {
    let workflows: Vec<Workflow> = request
        .documents_matching(".github/workflows/*.{yml,yaml}")
        .filter_map(|d| d.value.as_ref().map(|value| Workflow { path: &d.path, value, document: d }))
        .filter(|w| w.value.get("jobs").map_or(false, Value::is_object))
        .collect();
    // The repository's own composite actions: their steps run in the workflows that use
    // them, so their actions are pinned, and their scripts are safe, or not, alike.
    let actions: Vec<Workflow> = request
        .documents_matching("**/action.{yml,yaml}")
        .filter_map(|d| d.value.as_ref().map(|value| Workflow { path: &d.path, value, document: d }))
        .filter(Workflow::is_action)
        .collect();
    let mut texts = Texts { request, cache: BTreeMap::new() };
    let model = request.ci()?.unwrap_or_default();
    let model = &model;
    let ci = !model.pipelines.is_empty();

    let mut response = Response::new();
    let files = &request.files;

    let candidates = repo::security_policy_files(files);
    let policy = candidates.iter().copied().find(|path| texts.get(path).map_or(false, repo::is_disclosure_policy));
    response.push(match (policy, candidates.first()) {
        (Some(path), _) => {
            Finding::pass("security-policy", format!("security policy in {}", path)).with_evidence_path(path)
        }
        (None, Some(path)) => Finding::fail(
            "security-policy",
            format!(
                "{} does not say how to report a vulnerability (an address, a form, a private advisory link)",
                path
            ),
        )
        .with_evidence_path(*path),
        (None, None) => Finding::fail("security-policy", "no SECURITY.md at the root, in .github/ or in docs/"),
    });
    let owners = repo::codeowners(files);
    response.push(match owners {
        Some(path) => Finding::pass("codeowners", format!("code owners in {}", path)).with_evidence_path(path),
        None => Finding::fail("codeowners", "no CODEOWNERS file at the root, in .github/ or in docs/"),
    });

    let tools = repo::update_tools(request);
    let chosen = tools.iter().fold(None::<&repo::UpdateTool>, |best, t| match best {
        Some(b) if b.entries >= t.entries => Some(b),
        _ => Some(t),
    });
    response.push(match chosen {
        Some(tool) => {
            let mut f = Finding::pass("dependency-update-tool", format!("{} configured in {}", tool.name, tool.path));
            for t in &tools {
                f = f.with_evidence(Evidence::file(t.path.as_str()).with_message(format!("{} configuration", t.name)));
            }
            f
        }
        None => Finding::fail("dependency-update-tool", "neither Dependabot nor Renovate is configured"),
    });

    let scanners: Vec<&ToolUse> = model.tools.iter().filter(|u| u.is_security_scan()).collect();
    for (check, wanted, what) in [
        ("sast", &[kinds::SAST, kinds::IAC_SCAN, kinds::DAST][..], "static application security testing"),
        (
            "vulnerability-scanning",
            &[kinds::SCA, kinds::CONTAINER_SCAN][..],
            "dependency or container vulnerability scanner",
        ),
        ("secret-scanning", &[kinds::SECRETS][..], "secret scanner"),
    ] {
        response.push(scanner_finding(check, wanted, what, &scanners, ci, model));
    }

    let (pinned_fact, pinned_finding) = pinned_actions(&workflows, &actions, &mut texts);
    response.push(pinned_finding);
    let (permissions_fact, permissions_finding) = workflow_permissions(&workflows, &mut texts);
    response.push(permissions_finding);
    response.push(dangerous_workflows(&workflows, &actions, &mut texts));

    let hooks = repo::pre_commit(request);
    response.push(match &hooks {
        Some(path) => {
            Finding::pass("pre-commit-hooks", format!("pre-commit hooks in {}", path)).with_evidence_path(path.as_str())
        }
        None => Finding::fail("pre-commit-hooks", "no pre-commit, husky or lefthook configuration"),
    });

    let release = release_signals(request, model, &workflows, &mut texts);
    response.push(release_finding("sbom", "an SBOM is generated", &release.sbom, &release, ci));
    response.push(release_finding("signed-releases", "releases are signed", &release.signing, &release, ci));

    response.push(match repo::license(files) {
        Some(path) => Finding::pass("license", format!("license in {}", path)).with_evidence_path(path),
        None => Finding::fail("license", "no LICENSE, COPYING or LICENSES/ at the root"),
    });

    let scan = scan_files(request);
    let validated_wrapper = workflows.iter().flat_map(|w| w.uses()).any(|u| {
        let u = u.to_ascii_lowercase();
        u.starts_with("gradle/wrapper-validation-action") || u.starts_with("gradle/actions/wrapper-validation")
    });
    response.push(binary_finding(files, &request.target.root, validated_wrapper));
    response.push(match scan.fuzz.first() {
        Some((path, what)) => {
            let mut f = Finding::pass("fuzzing", format!("{} in {}", what, path));
            for (path, what) in scan.fuzz.iter().take(MAX_EVIDENCE) {
                f = f.with_evidence(Evidence::file(path.as_str()).with_message(*what));
            }
            f
        }
        None => Finding::fail(
            "fuzzing",
            "no fuzz targets (cargo-fuzz, Go fuzz tests, ClusterFuzzLite, libFuzzer, Jazzer, atheris)",
        ),
    });
    response.push(secrets_finding(&scan));

    let update_fact = chosen.map_or("none", |t| t.name);
    let all_tools: BTreeSet<&str> = tools.iter().map(|t| t.name).collect();
    let names: BTreeSet<&str> = scanners.iter().map(|u| u.tool.as_str()).collect();
    response.fact("security.dependency_updates", update_fact);
    response.fact("security.dependency_update_tools", Value::from(all_tools.into_iter().collect::<Vec<_>>()));
    response.fact("security.policy", policy.is_some());
    response.fact("security.codeowners", owners.is_some());
    response.fact("security.scanners", Value::from(names.into_iter().collect::<Vec<_>>()));
    response.fact("security.actions_pinned", pinned_fact);
    response.fact("security.workflow_permissions", permissions_fact);
    response.fact("security.pre_commit", hooks.is_some());
    response.fact("security.secrets_found", scan.secrets.len() as u64);
    Ok(response)
}

kaizen_plugin_sdk::main!(judge);

/// The raw text of files, read once each, for line numbers.
struct Texts<'a> {
    request: &'a Request,
    cache: BTreeMap<String, Option<String>>,
}

impl Texts<'_> {
    fn get(&mut self, path: &str) -> Option<&str> {
        let request = self.request;
        self.cache.entry(path.to_string()).or_insert_with(|| request.read_file(path).ok()).as_deref()
    }

    fn line(&mut self, path: &str, needle: &str) -> Option<u32> {
        let needle = needle.lines().next().unwrap_or("").trim();
        if needle.is_empty() {
            return None;
        }
        self.get(path).and_then(|text| find_line(text, needle))
    }

    fn evidence(&mut self, path: &str, needle: &str) -> Evidence {
        match self.line(path, needle) {
            Some(line) => Evidence::line(path, line),
            None => Evidence::file(path),
        }
    }
}

fn scanner_finding(check: &str, wanted: &[&str], what: &str, scanners: &[&ToolUse], ci: bool, model: &Ci) -> Finding {
    let relevant: Vec<&&ToolUse> = scanners.iter().filter(|u| wanted.iter().any(|k| u.is(k))).collect();
    if relevant.is_empty() {
        // Without CI nothing scans in CI: the practice is missing, not inapplicable (a
        // repository without CI still has dependencies and may still leak secrets).
        if !ci {
            return Finding::fail(check, format!("no {} runs in CI: no CI definition found", what));
        }
        let ignored = model.ignored.len();
        let note = if ignored > 0 {
            format!(" ({} CI file{} that are not the repository's own were not read)", ignored, plural(ignored))
        } else {
            String::new()
        };
        return Finding::fail(check, format!("no {} runs in CI{}", what, note));
    }
    let names: BTreeSet<&str> = relevant.iter().map(|u| u.name.as_str()).collect();
    let names = names.into_iter().collect::<Vec<_>>().join(", ");
    let mut finding = Finding::pass(check, format!("{} in CI: {}", what, names));
    let mut seen = BTreeSet::new();
    for u in relevant {
        if seen.insert((u.path.as_str(), u.tool.as_str())) && finding.evidence.len() < MAX_EVIDENCE {
            let at = match u.line {
                Some(line) => Evidence::line(u.path.as_str(), line),
                None => Evidence::file(u.path.as_str()),
            };
            finding = finding.with_evidence(at.with_message(format!("runs {}: {}", u.name, tool_message(u))));
        }
    }
    finding
}

/// What shows a tool use: the command or reference, and the runner that led to it.
fn tool_message(u: &ToolUse) -> String {
    let mut out = match u.form.as_str() {
        "command" => format!("`{}`", short(&u.text)),
        form => format!("{} `{}`", form, short(&u.text)),
    };
    for via in &u.via {
        out.push_str(&format!(" via `{}` ({})", via.name, via.location()));
    }
    out
}

fn short(text: &str) -> String {
    let one = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match one.char_indices().nth(100) {
        Some((cut, _)) => format!("{}…", &one[..cut]),
        None => one,
    }
}

fn share_fact(done: usize, total: usize) -> &'static str {
    match (done, total) {
        (_, 0) => "n/a",
        (0, _) => "none",
        (d, t) if d == t => "all",
        _ => "some",
    }
}

fn pinned_actions(workflows: &[Workflow], actions: &[Workflow], texts: &mut Texts) -> (&'static str, Finding) {
    let mut total = 0;
    let mut unpinned: Vec<(&str, &str)> = Vec::new();
    for workflow in workflows.iter().chain(actions) {
        for uses in workflow.uses() {
            total += 1;
            if !workflows::is_pinned(uses) {
                unpinned.push((workflow.path, uses));
            }
        }
    }
    let pinned = total - unpinned.len();
    let fact = share_fact(pinned, total);
    const CHECK: &str = "pinned-actions";
    let mut finding = match fact {
        "n/a" => return (fact, Finding::not_applicable(CHECK, "no GitHub workflow uses an action")),
        "all" => {
            return (fact, Finding::pass(CHECK, format!("all {} action references are pinned by commit SHA", total)))
        }
        "none" => Finding::fail(CHECK, format!("none of {} action references is pinned by commit SHA", total)),
        _ => Finding::warn(CHECK, format!("{} of {} action references are pinned by commit SHA", pinned, total))
            .with_score(pinned as f64 / total as f64),
    };
    if fact == "none" {
        finding = finding.with_score(0.0);
    }
    let mut seen = BTreeSet::new();
    for (path, uses) in unpinned {
        if seen.insert((path, uses)) && finding.evidence.len() < MAX_EVIDENCE {
            let evidence = texts.evidence(path, uses).with_message(format!("`{}` is not pinned by commit SHA", uses));
            finding = finding.with_evidence(evidence);
        }
    }
    (fact, finding)
}

fn workflow_permissions(workflows: &[Workflow], texts: &mut Texts) -> (&'static str, Finding) {
    const CHECK: &str = "workflow-permissions";
    let mut lacking = Vec::new();
    for workflow in workflows {
        match workflows::permissions(workflow, workflows) {
            Permissions::Declared => {}
            Permissions::WriteAll => lacking.push((workflow.path, true)),
            Permissions::Missing => lacking.push((workflow.path, false)),
        }
    }
    let total = workflows.len();
    let declared = total - lacking.len();
    let fact = share_fact(declared, total);
    let mut finding = match fact {
        "n/a" => return (fact, Finding::not_applicable(CHECK, "no GitHub workflow found")),
        "all" => {
            return (fact, Finding::pass(CHECK, format!("all {} workflows declare their token permissions", total)))
        }
        "none" => {
            Finding::fail(CHECK, format!("none of {} workflows declares its token permissions", total)).with_score(0.0)
        }
        _ => Finding::warn(CHECK, format!("{} of {} workflows declare their token permissions", declared, total))
            .with_score(declared as f64 / total as f64),
    };
    for (path, write_all) in lacking.into_iter().take(MAX_EVIDENCE) {
        let evidence = if write_all {
            texts.evidence(path, "write-all").with_message("grants `write-all`")
        } else {
            Evidence::file(path).with_message("no `permissions:` at the top level or on every job")
        };
        finding = finding.with_evidence(evidence);
    }
    (fact, finding)
}

fn dangerous_workflows(workflows: &[Workflow], actions: &[Workflow], texts: &mut Texts) -> Finding {
    const CHECK: &str = "dangerous-workflow";
    if workflows.is_empty() && actions.is_empty() {
        return Finding::not_applicable(CHECK, "no GitHub workflow found");
    }
    let mut found = Vec::new();
    for workflow in workflows.iter().chain(actions) {
        for danger in workflows::dangers(workflow) {
            found.push((workflow.path, danger));
        }
    }
    if found.is_empty() {
        let mut what = format!("{} workflows", workflows.len());
        if !actions.is_empty() {
            what.push_str(&format!(" and {} composite action{}", actions.len(), plural(actions.len())));
        }
        return Finding::pass(CHECK, format!("no dangerous pattern in {}", what));
    }
    let mut finding =
        Finding::fail(CHECK, format!("{} dangerous pattern{} in workflows", found.len(), plural(found.len())));
    for (path, danger) in found.into_iter().take(MAX_EVIDENCE) {
        finding = finding.with_evidence(texts.evidence(path, &danger.needle).with_message(danger.what));
    }
    finding
}

/// SBOM and signing steps, and whether a release process is visible at all.
struct Release {
    sbom: Vec<(String, u32, String)>,
    signing: Vec<(String, u32, String)>,
    visible: bool,
}

fn release_signals(request: &Request, model: &Ci, workflows: &[Workflow], texts: &mut Texts) -> Release {
    let mut release = Release { sbom: Vec::new(), signing: Vec::new(), visible: false };
    // What the pipelines run: SBOM generators, signing and attestation steps, releases.
    for u in &model.tools {
        let line = u.line.unwrap_or(0);
        if u.is(kinds::SBOM) {
            release.sbom.push((u.path.clone(), line, u.name.clone()));
        }
        if u.is(kinds::SIGN) {
            release.signing.push((u.path.clone(), line, u.name.clone()));
        }
        if u.is(kinds::RELEASE) {
            release.visible = true;
        }
    }
    // What release configuration files say: GoReleaser's `sboms` and `signs`, Maven's GPG
    // plugin, Gradle's signing plugin. (What CI runs comes from the tools above, never from
    // the words of a pipeline file.)
    for file in request.files_matching("**").filter(|f| repo::matches_any(repo::RELEASE_FILES, &f.path)) {
        let lower = file.path.to_ascii_lowercase();
        if lower.contains("goreleaser") {
            release.visible = true;
        }
        let text = match texts.get(&file.path) {
            Some(t) => t,
            None => continue,
        };
        for (i, line) in text.lines().enumerate() {
            if let Some(what) = repo::sbom_signal(line) {
                release.sbom.push((file.path.clone(), i as u32 + 1, what.to_string()));
            }
            if let Some(what) = repo::signing_signal(line) {
                release.signing.push((file.path.clone(), i as u32 + 1, what.to_string()));
            }
        }
    }
    for workflow in workflows {
        // BuildKit's SBOM attestation, asked of docker/build-push-action or bake-action.
        for step in workflow.steps() {
            let uses = step.get("uses").and_then(Value::as_str).unwrap_or("");
            let action = uses.split('@').next().unwrap_or("");
            if !matches!(action, "docker/build-push-action" | "docker/bake-action") {
                continue;
            }
            if let Some(sbom) = step.get("with").and_then(|w| w.get("sbom")) {
                if is_true(sbom) {
                    let line = workflow.document.line_at(sbom).unwrap_or(0);
                    release.sbom.push((workflow.path.to_owned(), line, "BuildKit SBOM attestation".to_owned()));
                }
            }
        }
        let on = workflow.value.get("on");
        let tags = on.and_then(|o| o.get("push")).and_then(|p| p.get("tags")).is_some();
        if tags || workflow.triggers().contains(&"release") {
            release.visible = true;
        }
    }
    release.visible |= !release.sbom.is_empty() || !release.signing.is_empty();
    release
}

fn release_finding(
    check: &str,
    doing: &str,
    signals: &[(String, u32, String)],
    release: &Release,
    ci: bool,
) -> Finding {
    match signals.first() {
        Some((path, _, what)) => {
            let mut f = Finding::pass(check, format!("{}: {} in {}", doing, what, path));
            let mut seen = BTreeSet::new();
            for (path, line, what) in signals {
                if seen.insert((path.as_str(), what.as_str())) && f.evidence.len() < MAX_EVIDENCE {
                    let at =
                        if *line > 0 { Evidence::line(path.as_str(), *line) } else { Evidence::file(path.as_str()) };
                    f = f.with_evidence(at.with_message(what.as_str()));
                }
            }
            f
        }
        None if !ci && !release.visible => Finding::not_applicable(check, "no CI or release build found"),
        None if !release.visible => Finding::not_applicable(check, "no release process is visible in the repository"),
        None => Finding::fail(check, format!("a release process is visible, but nothing shows that {}", doing)),
    }
}

/// Whether an action input is set to true (`true`, `"true"`, or a `generator=` setting).
fn is_true(value: &Value) -> bool {
    match value {
        Value::Bool(b) => *b,
        Value::String(s) => {
            let s = s.trim();
            s.eq_ignore_ascii_case("true") || s.starts_with("generator=")
        }
        _ => false,
    }
}

/// Whether a file with a binary extension is in fact text (Scorecard's `printable.lib`).
fn is_text_file(root: &str, path: &str) -> bool {
    use std::io::Read;
    let full = format!("{}/{}", root.trim_end_matches('/'), path);
    let mut head = Vec::new();
    match std::fs::File::open(full) {
        Ok(file) => file.take(8192).read_to_end(&mut head).is_ok() && !head.is_empty() && repo::looks_like_text(&head),
        Err(_) => false,
    }
}

fn binary_finding(files: &[kaizen_plugin_sdk::FileEntry], root: &str, validated_wrapper: bool) -> Finding {
    const CHECK: &str = "binary-artifacts";
    let binaries: Vec<&str> = files
        .iter()
        .map(|f| f.path.as_str())
        .filter(|p| repo::is_binary_artifact(p) && !(validated_wrapper && repo::is_gradle_wrapper(p)))
        .filter(|p| !is_text_file(root, p))
        .collect();
    if binaries.is_empty() {
        return Finding::pass(CHECK, "no compiled binary artifacts committed");
    }
    let n = binaries.len();
    let mut finding = Finding::fail(CHECK, format!("{} binary artifact{} committed", n, plural(n)))
        .with_score((1.0 - n as f64 / 10.0).max(0.0));
    for path in binaries.into_iter().take(MAX_EVIDENCE) {
        let message = if repo::is_gradle_wrapper(path) {
            "Gradle wrapper jar, not validated by a workflow"
        } else {
            "compiled artifact"
        };
        finding = finding.with_evidence(Evidence::file(path).with_message(message));
    }
    finding
}

/// One secret found: where and what, never its value.
struct Secret {
    path: String,
    line: u32,
    kind: kaizen_secrets::Kind,
    marker: String,
}

/// What reading the text files found.
#[derive(Default)]
struct Scan {
    secrets: Vec<Secret>,
    /// Secrets in tests and fixtures, usually throwaway keys: a warning, not counted.
    test_secrets: Vec<Secret>,
    fuzz: Vec<(String, &'static str)>,
    read: usize,
    skipped_large: usize,
    stopped_at_budget: usize,
}

fn scan_files(request: &Request) -> Scan {
    let mut scan = Scan::default();
    let mut budget = repo::MAX_TOTAL_BYTES;
    for file in &request.files {
        if repo::skip_reading(&file.path) || file.size == 0 {
            continue;
        }
        if file.size > repo::MAX_READ_BYTES {
            scan.skipped_large += 1;
            continue;
        }
        if file.size > budget {
            scan.stopped_at_budget += 1;
            continue;
        }
        budget -= file.size;
        let full = format!("{}/{}", request.target.root.trim_end_matches('/'), file.path);
        let bytes = match std::fs::read(&full) {
            Ok(b) => b,
            Err(_) => continue,
        };
        if bytes[..bytes.len().min(8000)].contains(&0) {
            continue;
        }
        let text = String::from_utf8_lossy(&bytes);
        scan.read += 1;
        if let Some(what) = repo::fuzz_signal(&file.path, &text) {
            scan.fuzz.push((file.path.clone(), what));
        }
        if repo::is_minified(&text) {
            continue;
        }
        let documentation = repo::is_documentation(&file.path) || file.role == kaizen_plugin_sdk::Role::Docs;
        // Tests, examples, fixtures and vendored copies hold throwaway keys more often than not.
        let test = file.role.is_test() || !(file.role.is_own() || file.role == kaizen_plugin_sdk::Role::Docs);
        let found = kaizen_secrets::find(&text);
        let examples = if found.is_empty() { Vec::new() } else { repo::example_lines(&file.path, &text) };
        for m in found {
            if documentation && m.kind == kaizen_secrets::Kind::Assigned {
                continue;
            }
            let secret = Secret { path: file.path.clone(), line: m.line, kind: m.kind, marker: m.marker(&text) };
            // A token or a key shown in documentation is an example for readers, like a test's.
            let shown = matches!(m.kind, kaizen_secrets::Kind::Jwt | kaizen_secrets::Kind::PrivateKey);
            let example = examples.get(m.line as usize).copied().unwrap_or(false);
            if test || example || (documentation && shown) {
                scan.test_secrets.push(secret);
            } else {
                scan.secrets.push(secret);
            }
        }
    }
    scan
}

fn secrets_finding(scan: &Scan) -> Finding {
    const CHECK: &str = "no-committed-secrets";
    let mut notes = Vec::new();
    if scan.skipped_large > 0 {
        notes.push(format!("{} file{} above 1 MiB not read", scan.skipped_large, plural(scan.skipped_large)));
    }
    if scan.stopped_at_budget > 0 {
        notes.push(format!(
            "{} file{} not read after the {} MiB reading budget",
            scan.stopped_at_budget,
            plural(scan.stopped_at_budget),
            repo::MAX_TOTAL_BYTES >> 20
        ));
    }
    let notes = if notes.is_empty() { String::new() } else { format!(" ({})", notes.join("; ")) };
    if scan.secrets.is_empty() && scan.test_secrets.is_empty() {
        return Finding::pass(CHECK, format!("no secrets found in {} text files{}", scan.read, notes));
    }
    let (mut finding, listed) = if scan.secrets.is_empty() {
        let n = scan.test_secrets.len();
        let message = format!(
            "no secrets in the repository's own files, but {} secret{} in tests, fixtures, examples or vendored code ({}); make sure they are throwaway{}",
            n,
            plural(n),
            kinds(&scan.test_secrets),
            notes
        );
        (Finding::warn(CHECK, message), &scan.test_secrets)
    } else {
        let n = scan.secrets.len();
        let mut message = format!("{} secret{} committed: {}", n, plural(n), kinds(&scan.secrets));
        if !scan.test_secrets.is_empty() {
            message.push_str(&format!(
                ", and {} more in tests, fixtures, examples or vendored code",
                scan.test_secrets.len()
            ));
        }
        (Finding::fail(CHECK, format!("{}{}", message, notes)), &scan.secrets)
    };
    for s in listed.iter().take(MAX_EVIDENCE) {
        finding = finding.with_evidence(
            Evidence::line(s.path.as_str(), s.line)
                .with_message(format!("{}: {}", s.kind.description(), s.marker))
                .with_snippet(s.marker.as_str()),
        );
    }
    finding
}

fn kinds(secrets: &[Secret]) -> String {
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for s in secrets {
        *kinds.entry(s.kind.description()).or_insert(0) += 1;
    }
    kinds.iter().map(|(k, n)| format!("{} {}", n, k)).collect::<Vec<_>>().join(", ")
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
