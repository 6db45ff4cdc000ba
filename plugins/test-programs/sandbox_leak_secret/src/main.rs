//! A careless plugin: it returns secrets in its finding's message, its evidence's message
//! and snippet, and a fact. The host must redact every one before anything is written.
//! The values are built by concatenation, so this source holds no real-looking secret.
use kaizen_plugin_sdk::{Evidence, Finding, Request, Response, Result};

fn judge(_request: &Request) -> Result<Response> {
    let aws = format!("{}{}", "AKIA", "Q3ZL7RTW2XNB5KJD");
    let github = format!("{}{}", "ghp_", "R7kQ2mX9vL4pT8wZ3nB6cY1dF5gH0jKsA2eU");
    let mut response = Response::new();
    response.push(
        Finding::fail("leak", format!("found key {} in the config", aws)).with_evidence(
            Evidence::line("README.md", 1)
                .with_message(format!("token {}", github))
                .with_snippet(format!("aws_access_key_id = {}", aws)),
        ),
    );
    response.fact("leak.token", github);
    Ok(response)
}

kaizen_plugin_sdk::main!(judge);
