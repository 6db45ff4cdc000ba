//! Declares `git = true` and echoes the `git` and `config` fields it received, so tests can see exactly
//! what reaches a plugin (and that nothing personal does).
use kaizen_plugin_sdk::{Request, Response, Result, Value};

fn judge(request: &Request) -> Result<Response> {
    let mut response = Response::new();
    response.fact("echo.git", request.git.clone().unwrap_or(Value::Null));
    response.fact("echo.config", request.config.clone());
    Ok(response)
}

kaizen_plugin_sdk::main!(judge);
