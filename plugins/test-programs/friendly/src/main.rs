//! A well-behaved plugin: reports whether the target has a README, with evidence.
//! The baseline that must keep working beside misbehaving plugins, and the trivial
//! plugin of the invocation-overhead benchmark.
use kaizen_plugin_sdk::{find_line, Evidence, Finding, Request, Response, Result};

fn judge(request: &Request) -> Result<Response> {
    let mut response = Response::new();
    let readme = request.files.iter().find(|f| f.path.eq_ignore_ascii_case("README.md"));
    match readme {
        Some(file) => {
            let text = request.read_file(&file.path)?;
            let mut evidence = Evidence::file(file.path.clone());
            if let Some(line) = find_line(&text, "#") {
                evidence = Evidence::line(file.path.clone(), line).with_message("first heading");
            }
            response.push(Finding::pass("probe", "README.md is present").with_evidence(evidence));
        }
        None => response.push(Finding::fail("probe", "no README.md at the repository root")),
    }
    response.fact("friendly.files_seen", request.files.len() as u64);
    response.fact("friendly.target", request.target.name.clone());
    Ok(response)
}

kaizen_plugin_sdk::main!(judge);
