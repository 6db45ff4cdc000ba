//! Returns `config.count` findings (1,000,000 by default), written straight to stdout so
//! the plugin itself stays small. A million do not fit the engine's 16 MiB stdout ceiling
//! (output_limit); fewer that fit are cut by the host to its per-run cap, with a warning.
use std::io::{Read, Write};

fn main() {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).unwrap();
    let request = kaizen_plugin_sdk::Request::from_json(&input).unwrap();
    let count = request.config.get("count").and_then(|c| c.as_u64()).unwrap_or(1_000_000);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    out.write_all(b"{\"api\":1,\"findings\":[").unwrap();
    for i in 0..count {
        if i > 0 {
            out.write_all(b",").unwrap();
        }
        write!(out, "{{\"check\":\"probe\",\"status\":\"pass\",\"message\":\"{}\"}}", i).unwrap();
    }
    out.write_all(b"],\"facts\":{}}").unwrap();
    out.flush().unwrap();
}
