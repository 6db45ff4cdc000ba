//! Writes a response that would be valid JSON but for bytes that are not UTF-8, and the
//! same bytes to stderr: invalid_output, with a stderr tail that is still valid UTF-8.
use std::io::Write;

fn main() {
    std::io::stderr().write_all(b"sandbox_invalid_utf8: \xff\xfe\xc3(\n").unwrap();
    std::io::stdout()
        .write_all(
            b"{\"api\":1,\"findings\":[{\"check\":\"probe\",\"status\":\"pass\",\"message\":\"\xff\xfe\xc0\x80\"}]}",
        )
        .unwrap();
}
