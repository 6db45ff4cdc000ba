//! Emits a finding for a check its manifest does not declare.
fn main() {
    print!("{{\"api\":1,\"findings\":[{{\"check\":\"probe\",\"status\":\"pass\",\"message\":\"declared\"}},{{\"check\":\"not-in-manifest\",\"status\":\"fail\",\"message\":\"undeclared\"}}],\"facts\":{{}}}}");
}
