//! The secret redactor: a known secret on its own line, anywhere in arbitrary text, never
//! survives `kaizen_secrets::redact`, and redacting twice changes nothing more.
#![no_main]
use libfuzzer_sys::fuzz_target;

/// One planted line per kind the crate detects; built by concatenation so the repository
/// holds no real-looking secret. (kind's secret value, the line holding it)
fn planted() -> Vec<(String, String)> {
    let pairs = [
        (format!("{}{}", "AKIA", "Q3ZL7RTW2XNB5KJD"), "aws_access_key_id = "),
        (format!("{}{}", "q7Rk2LmX9vT4pW8zN3bB6cY1", "dF5gH0jKsA2eUo8i"), "aws_secret_access_key = "),
        (format!("{}{}", "ghp_", "R7kQ2mX9vL4pT8wZ3nB6cY1dF5gH0jKsA2eU"), "GITHUB_TOKEN="),
        (format!("{}{}", "glpat-", "x9Kq2Lm7Vt4Wz8Nb3Rc6"), "GITLAB="),
        (format!("{}{}", "xoxb-", "2847561930-4817263950-Zq8Lr2Vt6Wx1Yb4Nc7Md0Kf3"), "SLACK="),
        (format!("{}{}", "sk_live_", "4eC39HqLyjWDarjtT1zdp7dc9Xq2"), "STRIPE="),
        (format!("{}{}", "AIza", "SyB7kQ2mX9vL4pT8wZ3nB6cY1dF5gH0jKsA"), "MAPS="),
        (format!("{}{}", "npm_", "Zq8Lr2Vt6Wx1Yb4Nc7Md0Kf3Hj5Gs9Pa2EeQ"), "NPM="),
        (format!("{}{}", "Zt8kW2qLx9", "Vb4Nc7Md0Kf3"), "db_password = "),
    ];
    pairs.into_iter().map(|(value, prefix)| (value.clone(), format!("{prefix}{value}"))).collect()
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(rest);
    let at = text.char_indices().map(|(i, _)| i).nth(usize::from(pick) % 7 * 13).unwrap_or(text.len());
    let planted = planted();
    let (value, line) = &planted[usize::from(pick) % planted.len()];
    let (before, after) = text.split_at(at);
    let input = format!("{before}\n{line}\n{after}");
    let once = kaizen_secrets::redact(&input);
    assert!(!once.contains(value.as_str()), "a planted secret survived redaction: {input:?} -> {once:?}");
    let twice = kaizen_secrets::redact(&once);
    assert_eq!(once, twice, "redaction is not idempotent");
});
