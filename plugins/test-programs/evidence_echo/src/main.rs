//! Declares `pipelines = true` and `cloud = true` and echoes the `pipelines`, `cloud` and
//! `target.kind` fields it received, so tests can see exactly what reaches a plugin.
use kaizen_plugin_sdk::{serde_json, Request, Response, Result, Value};

fn judge(request: &Request) -> Result<Response> {
    let mut response = Response::new();
    // The evidence as the SDK read it, written back: what the host sent, through the types.
    response.fact("echo.pipelines", request.pipelines()?.map_or(Ok(Value::Null), serde_json::to_value)?);
    response.fact("echo.cloud", request.cloud()?.map_or(Ok(Value::Null), serde_json::to_value)?);
    response.fact("echo.kind", Value::String(request.target.kind.clone()));
    Ok(response)
}

kaizen_plugin_sdk::main!(judge);
