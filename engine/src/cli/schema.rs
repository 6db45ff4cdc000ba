//! `kaizen schema`: the JSON Schema of result.json.

use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    outln!("{}", serde_json::to_string_pretty(&kaizen::result::json_schema())?)?;
    Ok(ExitCode::SUCCESS)
}
