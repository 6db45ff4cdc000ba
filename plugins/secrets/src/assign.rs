//! High-entropy values assigned to secret-like names, one line at a time: `password = "…"`,
//! `API_TOKEN=…`, `"client_secret": "…"`, `secret := "…"`, `:token => "…"`.

use crate::{entropy, is_placeholder, Kind, MIN_ENTROPY, MIN_GENERIC_LEN};

/// Parts of a name that make it secret-like.
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "api_key",
    "apikey",
    "api-key",
    "access_key",
    "accesskey",
    "access-key",
    "private_key",
    "privatekey",
    "private-key",
    "auth_key",
    "authkey",
    "credential",
];

/// Endings of names that hold something about a secret rather than the secret itself
/// (`password_file`, `token_url`, `secret_name`).
const NOT_SECRET_ENDINGS: &[&str] = &[
    "name",
    "file",
    "path",
    "url",
    "uri",
    "type",
    "ref",
    "env",
    "length",
    "len",
    "id",
    "hash",
    "count",
    "size",
    "field",
    "header",
    "prefix",
    "expiry",
    "expires",
    "ttl",
    "provider",
    "endpoint",
    "policy",
    "dir",
    "format",
    "algorithm",
    "algo",
    "cipher",
    "scheme",
    "mode",
    "version",
    "pattern",
    "regex",
    "label",
    "param",
    "message",
];

/// Words of a name that say its value is made up for a test or an example
/// (`FAKE_ACCESS_TOKEN`, `testPassword`, `example_api_key`).
const MADE_UP_WORDS: &[&str] = &["fake", "dummy", "example", "sample", "mock", "test", "testing", "stub", "bogus"];

/// The longest value considered: anything longer is data, not a credential.
const MAX_LEN: usize = 512;

/// Every assignment of a secret-like value in `text`, as (kind, start, end) of the value.
pub fn find(text: &str) -> Vec<(Kind, usize, usize)> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split('\n') {
        scan_line(line, offset, &mut out);
        offset += line.len() + 1;
    }
    out
}

fn scan_line(line: &str, offset: usize, out: &mut Vec<(Kind, usize, usize)>) {
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b != b'=' && b != b':' {
            i += 1;
            continue;
        }
        let operator = i;
        let mut value_from = i + 1;
        // `::` is a path separator; `!=`, `<=`, `>=` compare; `:=`, `=>`, `==` assign or
        // compare a literal, which is as much a committed secret.
        let next = bytes.get(i + 1).copied();
        let previous = if i > 0 { Some(bytes[i - 1]) } else { None };
        if b == b':' && next == Some(b':') {
            i += 2;
            continue;
        }
        if matches!(previous, Some(b'!') | Some(b'<') | Some(b'>')) {
            i += 1;
            continue;
        }
        while matches!(bytes.get(value_from), Some(b'=') | Some(b'>')) {
            value_from += 1;
        }
        let compares = b == b'=' && next == Some(b'=');
        i = value_from;
        let key = match key_before(line, operator) {
            Some(key) => key,
            None => continue,
        };
        // `…?alt=media&token=…` inside a URL: a link's parameter, not an assignment.
        let key_start = key.as_ptr() as usize - line.as_ptr() as usize;
        if line[..key_start].ends_with('?') || line[..key_start].ends_with('&') {
            continue;
        }
        if !is_secret_name(key) || has_made_up_word(key) {
            continue;
        }
        // `secrets-gradle-plugin:2.0.1`, `/get-token:628a…`: a colon inside a coordinate or
        // a path, not a mapping (YAML and code put a space after the colon of an unquoted
        // name).
        let key_end = key_start + key.len();
        let key_quoted = key_start > 0
            && matches!(bytes[key_start - 1], b'"' | b'\'')
            && matches!(bytes.get(key_end), Some(b'"' | b'\''));
        if b == b':' && !key_quoted && value_from == operator + 1 && !matches!(next, Some(b' ' | b'\t' | b'"' | b'\''))
        {
            continue;
        }
        let (start, end) = match value_after(line, value_from) {
            Some(span) => span,
            None => continue,
        };
        let value = &line[start..end];
        let quoted = start > 0 && matches!(bytes[start - 1], b'"' | b'\'' | b'`');
        // `token == NGHTTP3_QPACK_TOKEN__STATUS`, `key = DEFAULT_KEY_V2`: a comparison with,
        // or an assignment of, a variable or a constant rather than a literal.
        if !quoted && (compares || is_constant_name(value)) {
            continue;
        }
        // `_ Hasher = BcryptHasher{0}`, `key: Map<K, V>`, `_tokenCommand = tokenCommand;`: an
        // expression of code, not a literal.
        let statement_end = line[end..].trim_start().starts_with(';');
        if !quoted && (statement_end || value.bytes().any(|b| matches!(b, b'{' | b'<' | b'>'))) {
            continue;
        }
        if !looks_secret(value) {
            continue;
        }
        let kind = if is_aws_secret_name(key) && value.len() == 40 { Kind::AwsSecretAccessKey } else { Kind::Assigned };
        out.push((kind, offset + start, offset + end));
    }
}

/// The name left of an operator: an identifier, perhaps quoted (`"client_secret":`).
fn key_before(line: &str, operator: usize) -> Option<&str> {
    let bytes = line.as_bytes();
    let mut end = operator;
    while end > 0 && (bytes[end - 1] == b' ' || bytes[end - 1] == b'\t') {
        end -= 1;
    }
    if end > 0 && matches!(bytes[end - 1], b'"' | b'\'') {
        end -= 1;
    }
    let mut start = end;
    while start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || matches!(bytes[start - 1], b'_' | b'-' | b'.')) {
        start -= 1;
    }
    if start == end {
        None
    } else {
        Some(&line[start..end])
    }
}

fn is_secret_name(key: &str) -> bool {
    // `hashed_secret` (detect-secrets' baseline): a digest of a secret, not the secret.
    if key.len() > 6 && key.is_char_boundary(6) && key[..6].eq_ignore_ascii_case("hashed") {
        return false;
    }
    // Most names are not secret-like: rule them out without allocating. Every word of
    // SECRET_WORDS contains one of these stems, so a name without any is not secret-like.
    // (This runs for every `=` and `:` of every text file the `security` plugin reads.)
    const STEMS: &[&[u8]] = &[b"pass", b"secret", b"token", b"key", b"credential"];
    if !STEMS.iter().any(|stem| contains_ignore_case(key.as_bytes(), stem)) {
        return false;
    }
    let lower = key.to_ascii_lowercase();
    let last = lower.rsplit('.').next().unwrap_or(&lower);
    // `PASSWORD_ENCODER_CIPHER_ALGORITHM_DEFAULT`: the default of what the name holds.
    let head = last.trim_end_matches("_default").trim_end_matches("-default");
    SECRET_WORDS.iter().any(|w| last.contains(w)) && !NOT_SECRET_ENDINGS.iter().any(|e| head.ends_with(e))
}

/// Whether a name has a word saying its value is made up (`FAKE_ACCESS_TOKEN`,
/// `testPassword`); `latest_token` and `contest_key` have none.
fn has_made_up_word(key: &str) -> bool {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut previous_lower = false;
    for c in key.chars() {
        if !c.is_ascii_alphanumeric() {
            words.push(std::mem::take(&mut word));
            previous_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && previous_lower {
            words.push(std::mem::take(&mut word));
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        word.push(c.to_ascii_lowercase());
    }
    words.push(word);
    words.iter().any(|w| MADE_UP_WORDS.contains(&w.as_str()))
}

/// Whether `haystack` contains `needle` (lower case), ignoring ASCII case.
fn contains_ignore_case(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.len() >= needle.len()
        && haystack.windows(needle.len()).any(|w| w.iter().zip(needle).all(|(a, b)| a.to_ascii_lowercase() == *b))
}

fn is_aws_secret_name(key: &str) -> bool {
    let lower = key.to_ascii_lowercase();
    lower.contains("secret_access_key")
        || lower.contains("secretaccesskey")
        || lower.contains("secret-access-key")
        || (lower.contains("aws") && lower.contains("secret"))
}

/// The value right of an operator: inside quotes, or up to a space or a delimiter.
fn value_after(line: &str, from: usize) -> Option<(usize, usize)> {
    let bytes = line.as_bytes();
    let mut start = from;
    while start < bytes.len() && (bytes[start] == b' ' || bytes[start] == b'\t') {
        start += 1;
    }
    let quote = *bytes.get(start)?;
    if matches!(quote, b'"' | b'\'' | b'`') {
        start += 1;
        let len = line[start..].find(quote as char)?;
        return Some((start, start + len));
    }
    let len = bytes[start..]
        .iter()
        .take_while(|&&b| !b.is_ascii_whitespace() && !matches!(b, b',' | b';' | b')' | b']' | b'}' | b'"' | b'\''))
        .count();
    Some((start, start + len))
}

/// Whether a value assigned to a secret-like name looks like a real credential.
fn looks_secret(value: &str) -> bool {
    let bytes = value.as_bytes();
    if bytes.len() < MIN_GENERIC_LEN || bytes.len() > MAX_LEN {
        return false;
    }
    if !bytes.iter().all(|b| b.is_ascii_graphic()) {
        return false;
    }
    if !bytes.iter().any(u8::is_ascii_alphabetic) || !bytes.iter().any(u8::is_ascii_digit) {
        return false;
    }
    if matches!(bytes[0], b'/' | b'.' | b'~' | b'$' | b'%' | b'@' | b'&' | b'*' | b'#') {
        return false;
    }
    if value.contains("://") || bytes.iter().any(|b| matches!(b, b'(' | b')' | b'[' | b']')) {
        return false;
    }
    // A path (`keys/deploy-2023.pem`) rather than base64; a reference to a stored secret
    // (`prod/github-token:token`, CodeBuild's `secrets-manager` entries); an AWS ARN.
    if value.contains('/') && (value.contains('.') || value.contains(':'))
        || value.starts_with("arn:")
        || value.starts_with("urn:")
    {
        return false;
    }
    // `SsoEmail2faSessionToken`: an identifier of capitalised words, not a generated value.
    if is_camel_words(value) {
        return false;
    }
    // Readable words joined by dashes or underscores (`realtime-metrics-secret-2024`,
    // `super-secret-jwt-token-with-at-least-32-characters`): a test value written by a
    // person, not a generated credential.
    if is_phrase(value) {
        return false;
    }
    if is_dotted_identifier(value) || is_placeholder(value) {
        return false;
    }
    // `test-key-fa80e418-…` (GOV.UK Notify's test keys), `test_sk_…`: a key for a test mode.
    let lower = value.to_ascii_lowercase();
    if lower.starts_with("test-") || lower.starts_with("test_") {
        return false;
    }
    entropy(value) >= MIN_ENTROPY
}

/// Words of lower-case letters (a number may end one: `v2`, `ipv4`), or numbers, joined by
/// `-` or `_`: at least three words of three letters or more, or two among four parts or
/// more (`pm-27278-v2-password-registration`, a feature flag's name).
fn is_phrase(value: &str) -> bool {
    let words: Vec<&str> = value.split(['-', '_']).collect();
    let word = |w: &&str| {
        let letters = w.trim_end_matches(|c: char| c.is_ascii_digit());
        !w.is_empty() && letters.bytes().all(|b| b.is_ascii_lowercase())
    };
    let long = words.iter().filter(|w| w.len() >= 3 && w.bytes().all(|b| b.is_ascii_lowercase())).count();
    words.len() >= 3 && words.iter().all(word) && (long >= 3 || (long >= 2 && words.len() >= 4))
}

/// Letters and digits that read as capitalised words (`SsoEmail2faSessionToken`,
/// `EnableAccountEncryption`): three or more words of a capital and two or more lower-case
/// letters make up most of it. Generated values change case at random and rarely do.
fn is_camel_words(value: &str) -> bool {
    let bytes = value.as_bytes();
    if !bytes.iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    let (mut words, mut covered, mut i) = (0, 0, 0);
    while i < bytes.len() {
        if bytes[i].is_ascii_uppercase() {
            let run = bytes[i + 1..].iter().take_while(|b| b.is_ascii_lowercase()).count();
            if run >= 2 {
                words += 1;
                covered += run + 1;
                i += run + 1;
                continue;
            }
        }
        i += 1;
    }
    words >= 3 && covered * 4 >= bytes.len() * 3
}

/// An upper-case constant's name (`NGHTTP3_QPACK_TOKEN__STATUS`): letters, digits and
/// underscores, with an underscore between words and no lower-case letter.
fn is_constant_name(value: &str) -> bool {
    let bytes = value.as_bytes();
    matches!(bytes.first(), Some(b) if b.is_ascii_uppercase())
        && bytes.contains(&b'_')
        && bytes.iter().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_')
}

/// `secrets.GITHUB_TOKEN`, `process.env.NPM_TOKEN`, `settings.SECRET_KEY_V2`: a reference
/// to where the secret is kept.
fn is_dotted_identifier(value: &str) -> bool {
    value.contains('.')
        && value.split('.').all(|segment| {
            let mut chars = segment.chars();
            match chars.next() {
                Some(c) if c.is_ascii_alphabetic() || c == '_' => chars.all(|c| c.is_ascii_alphanumeric() || c == '_'),
                _ => false,
            }
        })
}
