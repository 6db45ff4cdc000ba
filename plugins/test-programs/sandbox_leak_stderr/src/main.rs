//! A failing plugin that leaks secrets where only its failure is reported: it writes a
//! token to stderr, then a response whose `status` is an AWS key id, which the host's
//! parse error would quote. The values are built by concatenation, so this source holds
//! no real-looking secret.
fn main() {
    let aws = format!("{}{}", "AKIA", "Q3ZL7RTW2XNB5KJD");
    let github = format!("{}{}", "ghp_", "R7kQ2mX9vL4pT8wZ3nB6cY1dF5gH0jKsA2eU");
    eprintln!("sandbox_leak_stderr: using GITHUB_TOKEN={}", github);
    println!("{{\"api\":1,\"findings\":[{{\"check\":\"probe\",\"status\":\"{}\"}}]}}", aws);
}
