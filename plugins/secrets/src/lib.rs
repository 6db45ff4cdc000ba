//! Finds secrets in text and redacts them.
//!
//! Kaizen never writes a secret's value into a report, a log or a result file. This crate is
//! the one place that knows what a secret looks like: the `security` plugin uses [`find`] to
//! report committed secrets, and the engine applies [`redact`] to every string a plugin
//! returns, so even a careless or hostile third-party plugin cannot leak one.
//!
//! Two families of detectors:
//!
//! - **Well-known formats**, recognised by their fixed prefix and shape: AWS access key ids
//!   (`AKIA`/`ASIA` and 16 upper-case letters or digits), PEM private keys
//!   (`-----BEGIN … PRIVATE KEY-----` followed by a key body), GitHub tokens (`ghp_`, `gho_`,
//!   `ghu_`, `ghs_`, `ghr_`, `github_pat_`), GitLab personal access tokens (`glpat-`), Slack
//!   tokens (`xoxa-`, `xoxb-`, `xoxp-`, `xoxr-`, `xoxs-`), Stripe live keys (`sk_live_`,
//!   `rk_live_`), Google API keys (`AIza` and 35 characters), npm tokens (`npm_`), and JSON
//!   Web Tokens on a line that names a secret.
//! - **Assignments**: a value of at least [`MIN_GENERIC_LEN`] characters with letters and
//!   digits and a Shannon entropy of at least [`MIN_ENTROPY`] bits per character, assigned
//!   (`=`, `:`, `:=`, `=>`) to a name that contains `password`, `secret`, `token`, `api_key`
//!   and the like. A 40-character value assigned to an AWS secret name is an AWS secret
//!   access key.
//!
//! Obvious examples are not secrets: values containing `EXAMPLE`, `xxxx`, `dummy`,
//! `placeholder` and the like, runs such as `123456789`, template placeholders (`${…}`,
//! `{{…}}`, `<…>`), references such as `secrets.GITHUB_TOKEN`, and bodies of too little
//! entropy (`ghp_aaaa…`).
//!
//! The matching is hand-written (no regular-expression crate) so the crate has no
//! dependencies and builds with Rust 1.63 for WebAssembly plugins.
//!
//! # Example
//!
//! ```
//! // Built by concatenation so this file holds no real-looking token.
//! let token = format!("ghp_{}", "Zq8Lr2Vt6Wx1Yb4Nc7Md0Kf3Hj5Gs9Pa2EeQ");
//! let text = format!("GITHUB_TOKEN={}\n", token);
//! let found = kaizen_secrets::find(&text);
//! assert_eq!(found.len(), 1);
//! assert_eq!(found[0].kind, kaizen_secrets::Kind::GithubToken);
//! assert_eq!(found[0].line, 1);
//! let redacted = kaizen_secrets::redact(&text);
//! assert_eq!(redacted, "GITHUB_TOKEN=ghp_…(redacted github-token)\n");
//! assert!(!redacted.contains(&token));
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod assign;
mod known;

use std::fmt;

/// The shortest value the assignment detector considers.
pub const MIN_GENERIC_LEN: usize = 20;

/// The least Shannon entropy, in bits per character, of a value the assignment detector
/// reports. Random base64 of 20 characters has about 4.2, hexadecimal about 3.7; words and
/// identifiers stay below.
pub const MIN_ENTROPY: f64 = 3.5;

/// What kind of secret a match is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// An AWS access key id (`AKIA…`, `ASIA…`).
    AwsAccessKeyId,
    /// An AWS secret access key: 40 characters assigned to an AWS secret name.
    AwsSecretAccessKey,
    /// A PEM private key block.
    PrivateKey,
    /// A GitHub token (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `github_pat_`).
    GithubToken,
    /// A GitLab personal access token (`glpat-`).
    GitlabToken,
    /// A Slack token (`xoxa-`, `xoxb-`, `xoxp-`, `xoxr-`, `xoxs-`).
    SlackToken,
    /// A Stripe live secret or restricted key (`sk_live_`, `rk_live_`).
    StripeKey,
    /// A Google API key (`AIza…`).
    GoogleApiKey,
    /// An npm access token (`npm_`).
    NpmToken,
    /// A JSON Web Token on a line that names a secret.
    Jwt,
    /// A high-entropy value assigned to a secret-like name.
    Assigned,
}

impl Kind {
    /// The kind's stable kebab-case name, as it appears in markers and findings.
    pub fn name(self) -> &'static str {
        match self {
            Kind::AwsAccessKeyId => "aws-access-key-id",
            Kind::AwsSecretAccessKey => "aws-secret-access-key",
            Kind::PrivateKey => "private-key",
            Kind::GithubToken => "github-token",
            Kind::GitlabToken => "gitlab-token",
            Kind::SlackToken => "slack-token",
            Kind::StripeKey => "stripe-key",
            Kind::GoogleApiKey => "google-api-key",
            Kind::NpmToken => "npm-token",
            Kind::Jwt => "jwt",
            Kind::Assigned => "secret-assignment",
        }
    }

    /// A short description for people: "AWS access key id".
    pub fn description(self) -> &'static str {
        match self {
            Kind::AwsAccessKeyId => "AWS access key id",
            Kind::AwsSecretAccessKey => "AWS secret access key",
            Kind::PrivateKey => "private key",
            Kind::GithubToken => "GitHub token",
            Kind::GitlabToken => "GitLab token",
            Kind::SlackToken => "Slack token",
            Kind::StripeKey => "Stripe live key",
            Kind::GoogleApiKey => "Google API key",
            Kind::NpmToken => "npm token",
            Kind::Jwt => "JSON Web Token",
            Kind::Assigned => "high-entropy value assigned to a secret-like name",
        }
    }

    /// How many leading characters of a match are a fixed, public prefix of the format
    /// (`AKIA`, `ghp_`), which a marker may keep; at most 4, and 0 for kinds whose every
    /// character is secret.
    fn public_prefix(self) -> usize {
        match self {
            Kind::AwsAccessKeyId | Kind::GithubToken | Kind::GitlabToken | Kind::SlackToken => 4,
            Kind::StripeKey | Kind::GoogleApiKey | Kind::NpmToken => 4,
            Kind::Jwt => 3,
            Kind::AwsSecretAccessKey | Kind::PrivateKey | Kind::Assigned => 0,
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One secret found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretMatch {
    /// What kind of secret.
    pub kind: Kind,
    /// Byte offset of the secret's first character.
    pub start: usize,
    /// Byte offset just past its last character.
    pub end: usize,
    /// 1-based line of its first character.
    pub line: u32,
}

impl SecretMatch {
    /// The marker that replaces this match in [`redact`]: its public prefix (at most four
    /// characters, none for a value that is secret throughout), an ellipsis and the kind,
    /// as `AKIA…(redacted aws-access-key-id)`.
    pub fn marker(&self, text: &str) -> String {
        let value = &text[self.start..self.end];
        let keep = self.kind.public_prefix().min(value.len());
        format!("{}…(redacted {})", &value[..keep], self.kind.name())
    }
}

/// Every secret in `text`, ordered by position, none overlapping another. Where a
/// well-known format sits inside an assignment (`token = "ghp_…"`), the match is the
/// well-known one.
pub fn find(text: &str) -> Vec<SecretMatch> {
    let mut spans: Vec<(Kind, usize, usize)> = known::find(text);
    for (kind, start, end) in assign::find(text) {
        if !spans.iter().any(|&(_, s, e)| start < e && s < end) {
            spans.push((kind, start, end));
        }
    }
    spans.sort_by_key(|&(_, start, end)| (start, end));
    let mut out: Vec<SecretMatch> = Vec::with_capacity(spans.len());
    let mut line = 1u32;
    let mut counted = 0usize;
    for (kind, start, end) in spans {
        if matches!(out.last(), Some(last) if start < last.end) {
            continue;
        }
        line += text.as_bytes()[counted..start].iter().filter(|&&b| b == b'\n').count() as u32;
        counted = start;
        out.push(SecretMatch { kind, start, end, line });
    }
    out
}

/// `text` with every match of [`find`] replaced by its [`SecretMatch::marker`]. The result
/// contains no match's value, not even a second copy of it that no detector matched where
/// it stands (a password repeated in a comment), and redacting it again changes nothing.
pub fn redact(text: &str) -> String {
    // Most strings hold no secret: one scan, and the text is returned as it was.
    let mut out = match redact_once(text) {
        Some(out) => out,
        None => return text.to_string(),
    };
    // A marker ends a word where the secret went on, so what is left of the text can
    // become a match of its own (a token that was one character too long); redact until
    // nothing matches. Each pass only replaces, so two or three passes are the most seen.
    for _ in 0..8 {
        match redact_once(&out) {
            Some(again) if again != out => out = again,
            _ => break,
        }
    }
    out
}

/// One pass of [`redact`]; `None` when nothing matched.
fn redact_once(text: &str) -> Option<String> {
    let found = find(text);
    if found.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    let mut values: Vec<(&str, String)> = Vec::new();
    for m in &found {
        out.push_str(&text[at..m.start]);
        let marker = m.marker(text);
        out.push_str(&marker);
        values.push((&text[m.start..m.end], marker));
        at = m.end;
    }
    out.push_str(&text[at..]);
    values.sort_by_key(|v| std::cmp::Reverse(v.0.len()));
    for (value, marker) in values {
        if out.contains(value) {
            out = out.replace(value, &marker);
        }
    }
    Some(out)
}

/// Shannon entropy of a string's bytes, in bits per character.
pub fn entropy(value: &str) -> f64 {
    let bytes = value.as_bytes();
    if bytes.is_empty() {
        return 0.0;
    }
    let mut counts = [0usize; 256];
    for &b in bytes {
        counts[b as usize] += 1;
    }
    let n = bytes.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// Whether a value is an obvious example or placeholder rather than a secret: it names
/// itself one (`EXAMPLE`, `dummy`, `xxxx`), counts up (`123456789`, `abcdefgh`) or is a
/// template placeholder (`${…}`, `{{…}}`, `<…>`).
pub fn is_placeholder(value: &str) -> bool {
    const WORDS: &[&str] = &[
        "example",
        "xxxx",
        "dummy",
        "placeholder",
        "changeme",
        "change_me",
        "redacted",
        "sample",
        "fake",
        "your_",
        "your-",
        "yourtoken",
        "yourkey",
        "insert",
        "replace",
        "****",
        "....",
        "…",
        "123456789",
        "abcdefgh",
        "0000000000",
        "secret_here",
        "token_here",
        "key_here",
    ];
    let lower = value.to_ascii_lowercase();
    WORDS.iter().any(|w| lower.contains(w))
        || value.contains("${")
        || value.contains("{{")
        || value.contains("$(")
        || value.contains("%(")
        || (value.contains('<') && value.contains('>'))
}

#[cfg(test)]
mod tests;
