//! The models shipped in `questionnaires/` beside the default one validate against the
//! built-in plugins' checks and facts, as a user would check them.

use crate::support::{kaizen, root, run};

#[test]
fn the_dora_capabilities_model_is_valid() {
    let path = root().join("questionnaires/dora-capabilities.toml");
    let output = run(kaizen().args(["model", "check"]).arg(&path));
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("model `dora-capabilities` 1.0.0 is valid: 3 areas, 20 practices, 25 questions"),
        "{stdout}"
    );
}
