//! Secrets of well-known formats, found by their fixed prefix and checked for shape.

use crate::{entropy, is_placeholder, Kind};

/// A body with less entropy than this is a placeholder (`ghp_aaaa…`), not a token.
const MIN_BODY_ENTROPY: f64 = 2.5;

/// One well-known format: its prefixes, the characters of its body and the body's length.
struct Format {
    kind: Kind,
    prefixes: &'static [&'static str],
    body: fn(u8) -> bool,
    min: usize,
    /// The longest body; a longer run is some other string (a hash, an identifier).
    max: usize,
}

fn upper_alnum(b: u8) -> bool {
    b.is_ascii_uppercase() || b.is_ascii_digit()
}

fn alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

fn alnum_underscore(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn alnum_dash_underscore(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

fn alnum_dash(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
}

const FORMATS: &[Format] = &[
    Format { kind: Kind::AwsAccessKeyId, prefixes: &["AKIA", "ASIA"], body: upper_alnum, min: 16, max: 16 },
    Format {
        kind: Kind::GithubToken,
        prefixes: &["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
        body: alnum,
        min: 36,
        max: 255,
    },
    Format { kind: Kind::GithubToken, prefixes: &["github_pat_"], body: alnum_underscore, min: 22, max: 255 },
    Format { kind: Kind::GitlabToken, prefixes: &["glpat-"], body: alnum_dash_underscore, min: 20, max: 255 },
    Format {
        kind: Kind::SlackToken,
        prefixes: &["xoxa-", "xoxb-", "xoxp-", "xoxr-", "xoxs-"],
        body: alnum_dash,
        min: 10,
        max: 255,
    },
    Format { kind: Kind::StripeKey, prefixes: &["sk_live_", "rk_live_"], body: alnum, min: 16, max: 255 },
    Format { kind: Kind::GoogleApiKey, prefixes: &["AIza"], body: alnum_dash_underscore, min: 35, max: 35 },
    Format { kind: Kind::NpmToken, prefixes: &["npm_"], body: alnum, min: 36, max: 36 },
];

/// Every well-known secret in `text`, as (kind, start, end); they may overlap.
///
/// One pass over the text: a position is looked at only when its first two bytes begin
/// one of the prefixes (`AK`, `gh`, `--`, `ey`…), which is rare, and only then compared
/// with the prefixes themselves. (Searching for each of the nineteen prefixes in turn read
/// every text nineteen times, the larger part of the `security` plugin's time.) No prefix
/// can overlap an occurrence of itself that also starts a word, so this finds exactly the
/// matches a search for each prefix would.
pub fn find(text: &str) -> Vec<(Kind, usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    for start in 0..bytes.len().saturating_sub(1) {
        match (bytes[start], bytes[start + 1]) {
            (b'A', b'K')
            | (b'A', b'S')
            | (b'A', b'I')
            | (b'g', b'h')
            | (b'g', b'i')
            | (b'g', b'l')
            | (b'x', b'o')
            | (b's', b'k')
            | (b'r', b'k')
            | (b'n', b'p') => {
                if let Some(found) = token_at(text, start) {
                    out.push(found);
                }
            }
            (b'-', b'-') => out.extend(private_key_at(text, start)),
            (b'e', b'y') => out.extend(jwt_at(text, start)),
            _ => {}
        }
    }
    out
}

/// The token of a well-known format starting at `start`, if one does.
fn token_at(text: &str, start: usize) -> Option<(Kind, usize, usize)> {
    let bytes = text.as_bytes();
    for format in FORMATS {
        for prefix in format.prefixes {
            if !bytes[start..].starts_with(prefix.as_bytes()) {
                continue;
            }
            // A token starts a word: `xAKIA…` or `my_ghp_…` is something else.
            if start > 0 && alnum_underscore(bytes[start - 1]) {
                return None;
            }
            let body_start = start + prefix.len();
            let len = bytes[body_start..].iter().take_while(|&&b| (format.body)(b)).count();
            if len < format.min || len > format.max {
                return None;
            }
            let end = body_start + len;
            // The AWS and Google bodies have a fixed length: one more word character
            // makes it some other word.
            if end < bytes.len() && alnum_underscore(bytes[end]) {
                return None;
            }
            let body = &text[body_start..end];
            if format.kind == Kind::SlackToken && !body.bytes().any(|b| b.is_ascii_digit()) {
                return None;
            }
            if is_placeholder(&text[start..end]) || entropy(body) < MIN_BODY_ENTROPY {
                return None;
            }
            return Some((format.kind, start, end));
        }
    }
    None
}

/// A PEM private key at `start`: a `-----BEGIN … PRIVATE KEY-----` header followed,
/// within a few lines, by a key body (a run of base64), up to the matching `-----END`
/// line. A header alone (code that looks for one) or one followed by `...` is not a key.
fn private_key_at(text: &str, start: usize) -> Option<(Kind, usize, usize)> {
    const BEGIN: &str = "-----BEGIN ";
    const MIN_BODY_RUN: usize = 40;
    let bytes = text.as_bytes();
    if !text[start..].starts_with(BEGIN) {
        return None;
    }
    let header_end = match text[start..].find('\n') {
        Some(i) => start + i,
        None => text.len(),
    };
    let header = &text[start..header_end];
    let label_end = BEGIN.len() + header[BEGIN.len()..].find("-----")?;
    let label = &header[BEGIN.len()..label_end];
    let is_label = label.bytes().all(|b| b.is_ascii_uppercase() || b == b' ');
    if !is_label || !(label.ends_with("PRIVATE KEY") || label.ends_with("PRIVATE KEY BLOCK")) {
        return None;
    }
    let after = start + label_end + 5;
    // The body may follow on the next lines, or after `\n` escapes in a string literal.
    // The body comes before the end line: a `...` placeholder followed by prose with a
    // long word is no key.
    let end_line = text[after..].find("-----END ").map_or(text.len(), |i| after + i);
    let window_end = (after + 600).min(end_line);
    let mut run = 0;
    let mut has_body = false;
    let mut i = after;
    while i < window_end {
        let b = bytes[i];
        if b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=' {
            run += 1;
            if run >= MIN_BODY_RUN {
                has_body = true;
                break;
            }
        } else if b == b'\\' && i + 1 < window_end && bytes[i + 1] == b'n' {
            run = 0;
            i += 1;
        } else {
            run = 0;
        }
        i += 1;
    }
    if !has_body {
        return None;
    }
    let end = match text[after..].find("-----END ") {
        Some(i) => {
            let end_start = after + i;
            match text[end_start + 9..].find("-----") {
                Some(j) => end_start + 9 + j + 5,
                None => end_start + 9,
            }
        }
        // No end line: everything up to the end of the body.
        None => {
            let mut j = i;
            while j < bytes.len()
                && (bytes[j].is_ascii_alphanumeric() || matches!(bytes[j], b'+' | b'/' | b'=' | b'\n' | b'\r'))
            {
                j += 1;
            }
            j
        }
    };
    Some((Kind::PrivateKey, start, end))
}

/// A JSON Web Token at `start` (`eyJ…` header, `.`, `eyJ…` payload, `.`, signature) on a
/// line that names a secret (`token`, `jwt`, `auth`, `bearer`, `secret`, `session`,
/// `password`, `key`); elsewhere an encoded token is more often a test vector than a
/// credential.
fn jwt_at(text: &str, start: usize) -> Option<(Kind, usize, usize)> {
    const NAMES: &[&str] = &["token", "jwt", "auth", "bearer", "secret", "session", "password", "key", "cookie"];
    let bytes = text.as_bytes();
    let part = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
    if !text[start..].starts_with("eyJ") || (start > 0 && part(bytes[start - 1])) {
        return None;
    }
    let mut end = start;
    let mut lens = Vec::new();
    loop {
        let len = bytes[end..].iter().take_while(|&&b| part(b)).count();
        lens.push(len);
        end += len;
        if lens.len() == 3 || end >= bytes.len() || bytes[end] != b'.' {
            break;
        }
        end += 1;
    }
    if lens.len() != 3 || lens[0] < 10 || lens[1] < 10 || lens[2] < 10 {
        return None;
    }
    if !text[start + lens[0] + 1..].starts_with("eyJ") {
        return None;
    }
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    // The line around the token, without it: a token's own letters name nothing.
    let line = format!("{} {}", &text[line_start..start], &text[end..line_end]).to_ascii_lowercase();
    if !NAMES.iter().any(|n| line.contains(n)) || is_placeholder(&text[start..end]) {
        return None;
    }
    Some((Kind::Jwt, start, end))
}
