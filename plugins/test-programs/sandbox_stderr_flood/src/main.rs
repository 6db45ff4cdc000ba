//! Writes to stderr without end; the capped pipe must stop it as output_limit.
use std::io::Write;
fn main() {
    let line = [b'e'; 4096];
    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    loop {
        err.write_all(&line).unwrap();
    }
}
