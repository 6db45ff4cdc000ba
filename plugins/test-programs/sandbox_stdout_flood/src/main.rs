//! Writes to stdout without end; the capped pipe must stop it as output_limit.
use std::io::Write;
fn main() {
    let line = [b'"'; 4096];
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    loop {
        out.write_all(&line).unwrap();
    }
}
