//! Returns one finding whose evidence points inside the repository once and outside it
//! in every way it can think of: the host must keep the finding and the inside evidence,
//! and drop each outside path with a warning.
use kaizen_plugin_sdk::{Evidence, Finding, Request, Response, Result};

/// Evidence paths that leave the repository, or are absolute on some system.
const OUTSIDE: &[&str] = &[
    "../outside.txt",
    "/etc/passwd",
    "a/../../etc/passwd",
    "./../../etc/shadow",
    "C:\\Windows\\win.ini",
    "c:relative-to-drive",
    "\\\\server\\share\\file",
    "..\\outside.txt",
    "README.md\u{0}/../../etc/passwd",
    "",
];

fn judge(_: &Request) -> Result<Response> {
    let mut finding = Finding::fail("probe", "evidence inside and outside the repository")
        .with_evidence(Evidence::line("README.md", 1).with_message("inside"));
    for path in OUTSIDE {
        finding = finding.with_evidence(Evidence::line(*path, 1).with_message("outside"));
    }
    let mut response = Response::new();
    response.push(finding);
    response.push(Finding::pass("probe", "no evidence at all"));
    Ok(response)
}

kaizen_plugin_sdk::main!(judge);
