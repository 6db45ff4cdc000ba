//! Reports the wall clock it sees, so a test can prove the engine's fixed clock option.
use kaizen_plugin_sdk::{Request, Response, Result};

fn judge(_: &Request) -> Result<Response> {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let mut response = Response::new();
    response.fact("sandbox.wall_clock_secs", now);
    Ok(response)
}

kaizen_plugin_sdk::main!(judge);
