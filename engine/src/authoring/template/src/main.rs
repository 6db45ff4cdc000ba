//! An example Kaizen plugin: is every change reviewed by the people who own the code?
//!
//! It looks for a CODEOWNERS file where GitHub and GitLab read one, counts its ownership
//! rules and points at the first. Replace the check with your own; keep the shape:
//! one `judge` function from the request to the response.
use kaizen_plugin_sdk::{find_line, Evidence, Finding, Request, Response, Result};

/// Where GitHub and GitLab look for a CODEOWNERS file, in their order of precedence.
const LOCATIONS: &[&str] = &[".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS"];

fn judge(request: &Request) -> Result<Response> {
    let mut response = Response::new();
    // `request.files` lists the files matching the manifest's `inputs.files` globs.
    let found = LOCATIONS.iter().find(|path| request.files.iter().any(|f| f.path == **path));
    let rules = match found {
        None => {
            response.push(Finding::fail("codeowners", "no CODEOWNERS file in .github/, docs/, .gitlab/ or the root"));
            0
        }
        Some(path) => {
            // The repository is mounted read-only at /repo; read_file takes a relative path.
            let text = request.read_file(path)?;
            let rules: Vec<&str> =
                text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
            if let Some(first) = rules.first() {
                let line = find_line(&text, first).unwrap_or(1);
                let evidence = Evidence::line(*path, line).with_message("first ownership rule");
                let message = format!("{} declares {} ownership rule(s)", path, rules.len());
                response.push(Finding::pass("codeowners", message).with_evidence(evidence));
            } else {
                let message = format!("{} declares no ownership rule", path);
                response.push(Finding::warn("codeowners", message).with_evidence_path(*path));
            }
            rules.len()
        }
    };
    // Facts are machine-readable; each must be declared in plugin.toml's [[facts]].
    response.fact("ownership.codeowners_rules", rules as u64);
    Ok(response)
}

kaizen_plugin_sdk::main!(judge);
