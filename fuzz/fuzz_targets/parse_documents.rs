//! The host's document parsers (YAML, JSON, TOML, HCL, Dockerfile, Jenkinsfile, XML,
//! go.mod, requirements): any bytes give values within the depth limit or per-document
//! errors; never a panic, a stack overflow or a hang. The first byte picks the format.
#![no_main]
use kaizen::parse::{parse, Format, MAX_DEPTH};
use libfuzzer_sys::fuzz_target;

fn depth(value: &serde_json::Value) -> usize {
    match value {
        serde_json::Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        serde_json::Value::Object(map) => 1 + map.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else { return };
    for value in parse(Format::ALL[usize::from(pick) % Format::ALL.len()], bytes).into_iter().flatten() {
        assert!(depth(&value) <= MAX_DEPTH + 1, "a value nested deeper than the limit");
    }
});
