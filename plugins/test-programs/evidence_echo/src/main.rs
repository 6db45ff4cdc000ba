//! Declares `pipelines = true` and `cloud = true` and echoes the `pipelines`, `cloud` and
//! `target.kind` fields it received, so tests can see exactly what reaches a plugin.
use kaizen_plugin_sdk::{Request, Response, Result, Value};

fn judge(request: &Request) -> Result<Response> {
    let mut response = Response::new();
    response.fact("echo.pipelines", request.pipelines.clone().unwrap_or(Value::Null));
    response.fact("echo.cloud", request.cloud.clone().unwrap_or(Value::Null));
    response.fact("echo.kind", Value::String(request.target.kind.clone()));
    Ok(response)
}

kaizen_plugin_sdk::main!(judge);
