//! Declares `git = true` and echoes the `git` field it received, so tests can see exactly
//! what reaches a plugin (and that nothing personal does).
use kaizen_plugin_sdk::{Request, Response, Result, Value};

fn judge(request: &Request) -> Result<Response> {
    let mut response = Response::new();
    response.fact("echo.git", request.git.clone().unwrap_or(Value::Null));
    Ok(response)
}

kaizen_plugin_sdk::main!(judge);
