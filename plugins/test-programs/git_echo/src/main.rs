//! Declares `git = true` and echoes the `git` and `config` fields it received, so tests can see exactly
//! what reaches a plugin (and that nothing personal does).
use kaizen_plugin_sdk::{serde_json, Request, Response, Result, Value};

fn judge(request: &Request) -> Result<Response> {
    let mut response = Response::new();
    // The facts as the SDK read them, written back: what the host sent, through the types.
    response.fact("echo.git", request.git()?.map_or(Ok(Value::Null), serde_json::to_value)?);
    response.fact("echo.config", request.config.clone());
    Ok(response)
}

kaizen_plugin_sdk::main!(judge);
