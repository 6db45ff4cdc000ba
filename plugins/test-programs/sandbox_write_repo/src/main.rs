//! Tries to change the repository it can read and reports, per attempt, whether it got through.
//! A finding `pass` means the attempt was refused; `fail` means the sandbox leaked.
use kaizen_plugin_sdk::{Finding, Request, Response, Result};
use std::io::Write;

fn attempt(response: &mut Response, what: &str, outcome: std::io::Result<()>) {
    response.push(match outcome {
        Ok(()) => Finding::fail("probe", format!("{}: got through", what)),
        Err(e) => Finding::pass("probe", format!("{}: refused ({})", what, e)),
    });
}

fn judge(_: &Request) -> Result<Response> {
    let mut response = Response::new();
    attempt(&mut response, "create /repo/planted.txt", std::fs::write("/repo/planted.txt", "planted"));
    attempt(
        &mut response,
        "append to /repo/README.md",
        std::fs::OpenOptions::new().append(true).open("/repo/README.md").and_then(|mut f| f.write_all(b"changed")),
    );
    attempt(
        &mut response,
        "truncate /repo/README.md",
        std::fs::OpenOptions::new().write(true).truncate(true).open("/repo/README.md").map(|_| ()),
    );
    attempt(&mut response, "remove /repo/README.md", std::fs::remove_file("/repo/README.md"));
    attempt(&mut response, "mkdir /repo/newdir", std::fs::create_dir("/repo/newdir"));
    attempt(&mut response, "rename /repo/README.md", std::fs::rename("/repo/README.md", "/repo/MOVED.md"));
    attempt(&mut response, "write /tmp/x", std::fs::write("/tmp/x", "x"));
    Ok(response)
}

kaizen_plugin_sdk::main!(judge);
