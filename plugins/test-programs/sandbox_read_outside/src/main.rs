//! Tries to read outside its sandbox and reports, per attempt, whether it got through.
//! A finding `pass` means the attempt was refused; `fail` means the sandbox leaked.
use kaizen_plugin_sdk::{Finding, Request, Response, Result};

fn attempt(response: &mut Response, what: &str, outcome: std::io::Result<String>) {
    response.push(match outcome {
        Ok(seen) => Finding::fail("probe", format!("{}: got through ({} bytes)", what, seen.len())),
        Err(e) => Finding::pass("probe", format!("{}: refused ({})", what, e)),
    });
}

fn judge(_: &Request) -> Result<Response> {
    let mut response = Response::new();
    attempt(&mut response, "read /etc/passwd", std::fs::read_to_string("/etc/passwd"));
    attempt(&mut response, "read /repo/../etc/passwd", std::fs::read_to_string("/repo/../etc/passwd"));
    attempt(&mut response, "list /repo/..", std::fs::read_dir("/repo/..").map(|d| format!("{}", d.count())));
    attempt(&mut response, "list /", std::fs::read_dir("/").map(|d| format!("{}", d.count())));
    attempt(&mut response, "read ../outside.txt", std::fs::read_to_string("/repo/../outside.txt"));
    attempt(&mut response, "follow symlink /repo/escape", std::fs::read_to_string("/repo/escape"));
    let env: Vec<(String, String)> = std::env::vars().collect();
    attempt(
        &mut response,
        "environment",
        if env.is_empty() {
            Err(std::io::Error::new(std::io::ErrorKind::Other, "empty"))
        } else {
            Ok(format!("{:?}", env))
        },
    );
    let args: Vec<String> = std::env::args().skip(1).collect();
    attempt(
        &mut response,
        "arguments",
        if args.is_empty() { Err(std::io::Error::new(std::io::ErrorKind::Other, "none")) } else { Ok(args.join(" ")) },
    );
    let inside = std::fs::read_to_string("/repo/README.md");
    response.fact("sandbox.repo_readable", inside.is_ok());
    Ok(response)
}

kaizen_plugin_sdk::main!(judge);
