//! Each detector on true positives and on the false-positive traps, and a property test of
//! the redactor over generated texts.
//!
//! Every secret-looking value here is built by concatenation at run time, so this file
//! holds nothing a secret scanner (or GitHub push protection) would take for a credential.

use super::*;

/// A fake body of `n` characters from a fixed, mixed alphabet, different for each `seed`.
fn body(seed: u64, n: usize, alphabet: &[u8]) -> String {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    (0..n).map(|_| alphabet[rng.below(alphabet.len())] as char).collect()
}

const UPPER_DIGITS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const BASE64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn aws_id() -> String {
    format!("{}IA{}", "AK", body(1, 16, UPPER_DIGITS))
}

fn kinds(text: &str) -> Vec<Kind> {
    find(text).into_iter().map(|m| m.kind).collect()
}

fn values(text: &str) -> Vec<String> {
    find(text).into_iter().map(|m| text[m.start..m.end].to_string()).collect()
}

#[test]
fn aws_access_key_ids_and_secret_keys() {
    let id = aws_id();
    let secret = body(2, 40, BASE64);
    let text = format!("[default]\naws_access_key_id = {}\naws_secret_access_key = {}\n", id, secret);
    let found = find(&text);
    assert_eq!(found.len(), 2, "{:?}", found);
    assert_eq!((found[0].kind, found[0].line), (Kind::AwsAccessKeyId, 2));
    assert_eq!(&text[found[0].start..found[0].end], id);
    assert_eq!((found[1].kind, found[1].line), (Kind::AwsSecretAccessKey, 3));
    assert_eq!(&text[found[1].start..found[1].end], secret);
    let temporary = format!("ASIA{}", body(3, 16, UPPER_DIGITS));
    assert_eq!(kinds(&format!("key: {}", temporary)), vec![Kind::AwsAccessKeyId]);
}

#[test]
fn aws_traps() {
    // The documentation's example key, a longer word, a prefix inside a word.
    assert!(find(&format!("AKIA{}", "IOSFODNN7EXAMPLE")).is_empty());
    assert!(find(&format!("AKIA{}X", body(1, 16, UPPER_DIGITS))).is_empty());
    assert!(find(&format!("XAKIA{}", body(1, 16, UPPER_DIGITS))).is_empty());
    assert!(find(&format!("AKIA{}", "1234567890ABCDEF")).is_empty(), "counts up");
    assert!(find(&format!("AKIA{}", "AAAAAAAAAAAAAAAA")).is_empty(), "no entropy");
    let aws_example_secret = format!("wJalrXUtnFEMI/K7MDENG/bPxRfiCY{}", "EXAMPLEKEY");
    assert!(find(&format!("aws_secret_access_key = {}", aws_example_secret)).is_empty());
}

#[test]
fn private_keys_need_a_body() {
    let pem_body = (0..4).map(|i| body(10 + i, 64, BASE64)).collect::<Vec<_>>().join("\n");
    let key = format!("-----BEGIN RSA {}-----\n{}\n-----END RSA PRIVATE KEY-----", "PRIVATE KEY", pem_body);
    let text = format!("# deploy key\n{}\nafter\n", key);
    let found = find(&text);
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].kind, found[0].line), (Kind::PrivateKey, 2));
    assert_eq!(&text[found[0].start..found[0].end], key);
    // In a string literal with `\n` escapes.
    let literal = format!(
        "KEY = \"-----BEGIN OPENSSH {}-----\\n{}\\n-----END OPENSSH PRIVATE KEY-----\\n\"",
        "PRIVATE KEY",
        body(4, 70, BASE64)
    );
    assert_eq!(kinds(&literal), vec![Kind::PrivateKey]);
    // Code that looks for a header, a placeholder body, a public key.
    assert!(find("if line.starts_with(\"-----BEGIN RSA PRIVATE KEY-----\") {\n    return true;\n}\n").is_empty());
    assert!(find("-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n").is_empty());
    let prose = format!(
        "-----BEGIN ENCRYPTED SIGSTORE {}-----\n...\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\nSee {}\n",
        "PRIVATE KEY",
        body(6, 50, ALNUM)
    );
    assert!(find(&prose).is_empty(), "a long word after the end line is no body");
    let public = format!("-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n", body(5, 64, BASE64));
    assert!(find(&public).is_empty());
}

#[test]
fn tokens_of_well_known_formats() {
    let cases = [
        (format!("ghp_{}", body(20, 36, ALNUM)), Kind::GithubToken),
        (format!("gho_{}", body(21, 36, ALNUM)), Kind::GithubToken),
        (format!("ghs_{}", body(22, 36, ALNUM)), Kind::GithubToken),
        (format!("github_pat_{}_{}", body(23, 22, ALNUM), body(24, 59, ALNUM)), Kind::GithubToken),
        (format!("glpat-{}", body(25, 20, ALNUM)), Kind::GitlabToken),
        (format!("xoxb-{}-{}-{}", "2637485910", "4820193746512", body(26, 24, ALNUM)), Kind::SlackToken),
        (format!("sk_live_{}", body(27, 24, ALNUM)), Kind::StripeKey),
        (format!("AIza{}", body(28, 35, ALNUM)), Kind::GoogleApiKey),
        (format!("npm_{}", body(29, 36, ALNUM)), Kind::NpmToken),
    ];
    for (token, kind) in &cases {
        let text = format!("value {} here\n", token);
        assert_eq!(kinds(&text), vec![*kind], "{}", kind);
        assert_eq!(values(&text), vec![token.clone()]);
        let redacted = redact(&text);
        assert!(!redacted.contains(token.as_str()), "{}", redacted);
        assert!(redacted.contains(&format!("…(redacted {})", kind.name())), "{}", redacted);
    }
}

#[test]
fn token_traps() {
    assert!(find(&format!("ghp_{}", "x".repeat(36))).is_empty(), "xxxx");
    assert!(find(&format!("ghp_{}", body(20, 20, ALNUM))).is_empty(), "too short");
    assert!(find(&format!("my_ghp_{}", body(20, 36, ALNUM))).is_empty(), "inside a word");
    assert!(find(&format!("xoxb-{}", "not-a-real-token")).is_empty(), "no digits");
    assert!(find(&format!("sk_test_{}", body(27, 24, ALNUM))).is_empty(), "test keys are not live");
    assert!(find(&format!("AIza{}", body(28, 30, ALNUM))).is_empty(), "wrong length");
    assert!(find(&format!("npm_{}", "abcdefgh".repeat(5))).is_empty(), "counts up");
}

#[test]
fn jwts_only_near_a_secret_name() {
    let jwt = format!("eyJ{}.eyJ{}.{}", body(30, 30, ALNUM), body(31, 60, ALNUM), body(32, 43, ALNUM));
    assert_eq!(kinds(&format!("Authorization: Bearer {}\n", jwt)), vec![Kind::Jwt]);
    assert_eq!(kinds(&format!("session = \"{}\"\n", jwt)), vec![Kind::Jwt]);
    assert!(find(&format!("vector: {}\n", jwt)).is_empty(), "a test vector");
    assert!(find(&format!("jwt eyJ{}.notapayload.{}\n", body(30, 30, ALNUM), body(32, 43, ALNUM))).is_empty());
}

#[test]
fn high_entropy_values_assigned_to_secret_names() {
    let value = body(40, 32, ALNUM);
    for line in [
        format!("password = \"{}\"", value),
        format!("DB_PASSWORD={}", value),
        format!("  \"client_secret\": \"{}\",", value),
        format!("api_key: {} # prod", value),
        format!("token := \"{}\"", value),
        format!(":auth_token => '{}'", value),
        format!("<add key=\"x\" secret=\"{}\"/>", value),
        // `latest` and `contest` are not `test`; a quoted name needs no space after its colon.
        format!("latest_token = \"{}\"", value),
        format!("{{\"password\":\"{}\"}}", value),
    ] {
        let text = format!("{}\n", line);
        assert_eq!(kinds(&text), vec![Kind::Assigned], "{}", line);
        assert_eq!(values(&text), vec![value.clone()], "{}", line);
    }
}

#[test]
fn assignment_traps() {
    let value = body(40, 32, ALNUM);
    for line in [
        // Not a secret-like name, or a name about a secret.
        format!("checksum = \"{}\"", value),
        format!("password_file = \"{}\"", value),
        format!("token_url: {}", value),
        // Placeholders and references.
        "password: ${DB_PASSWORD_FROM_ENVIRONMENT}".to_string(),
        "token: ${{ secrets.GITHUB_TOKEN }}".to_string(),
        "api_key = \"<your api key goes here 1>\"".to_string(),
        "api_key = \"{{ vault_api_key_value_2 }}\"".to_string(),
        "secret: secrets.DEPLOY_SECRET_VALUE_V2".to_string(),
        "token = os.environ[\"GITHUB_TOKEN_2\"]".to_string(),
        "password = \"EXAMPLEpassword1234567890\"".to_string(),
        "secret_key = \"xxxxxxxxxxxxxxxxxxxxxxxx1\"".to_string(),
        "password = \"this_is_not_a_secret_at_all\"".to_string(),
        // Low entropy, no digits, too short, a path.
        "password = \"aaaaaaaaaaaaaaaaaaaaaaaa1\"".to_string(),
        "secret = \"correcthorsebatterystaple\"".to_string(),
        format!("token = \"{}\"", body(41, 12, ALNUM)),
        "private_key: config/keys/deploy-2023.pem".to_string(),
        // Comparisons of another kind, and paths in code.
        format!("if token != \"{}\"", value),
        "token::Kind::Identifier123456789".to_string(),
        // A comparison with, or an assignment of, a variable or a constant.
        "  if(token == NGHTTP3_QPACK_TOKEN__STATUS) {".to_string(),
        format!("  if (secret == {}) {{", value),
        "api_key = DEFAULT_API_KEY_VERSION_2".to_string(),
        // Code rather than a literal; references to a stored secret; ARNs; readable phrases.
        "\t_ PasswordHasher = BcryptPasswordHasher{0}".to_string(),
        "    GITHUB_TOKEN: Github/deploy-bot-fgpat2024:actions read".to_string(),
        "  secret_arn: arn:aws:secretsmanager:us-west-2:123456789012:secret:TestKey7Q2".to_string(),
        "      METRICS_JWT_SECRET: realtime-metrics-secret-2024".to_string(),
        "      API_JWT_SECRET: super-secret-jwt-token-with-at-least-32-characters-long".to_string(),
        "        _setInitialMasterPasswordCommand = setInitialMasterPasswordCommand2;".to_string(),
        "    public const string TokenIdentifier = \"SsoEmail2faSessionTokenIdentifier\";".to_string(),
        "    public const string EnableX = \"enable-account-encryption-v2-jit-password\";".to_string(),
        "\tworkloadToken = \"urn:ietf:params:aws:token-type:aws4_request\"".to_string(),
        "  \"imageUrl\": \"https://example.org/o/img.svg?alt=media&token=506faab0-617a-4ae9-b2f1-0c5cd0d2a1b3\","
            .to_string(),
        format!("      \"hashed_secret\": \"{}\",", body(42, 40, ALNUM)),
        // Names that say the value is made up; a test-mode key; the default of a setting
        // about a secret; a feature flag's name.
        format!("    const FAKE_ACCESS_TOKEN: &str = \"{}\";", value),
        format!("  testPassword = \"{}\"", value),
        format!("      GOV_NOTIFY_API_KEY: test-key-{}", value),
        "    public static final String PASSWORD_ENCODER_CIPHER_ALGORITHM_DEFAULT = \"AES/CBC/PKCS5Padding1\";".to_string(),
        "    public const string EnableV2 = \"pm-27278-v2-password-registration\";".to_string(),
        // A colon inside a coordinate or a path, not a mapping.
        "  \"classpath \\\"com.google.android.libraries.mapsplatform.secrets-gradle-plugin:secrets-gradle-plugin:2.0.1\\\"\"".to_string(),
        format!("\t// for https://g.codefresh.io/account/oidc-test/get-token:{}/65e5a53e5", value),
    ] {
        assert!(find(&line).is_empty(), "{} gave {:?}", line, find(&line));
    }
}

#[test]
fn a_token_inside_an_assignment_is_one_match_of_its_kind() {
    let token = format!("glpat-{}", body(50, 20, ALNUM));
    let text = format!("GITLAB_TOKEN=\"{}\"\n", token);
    assert_eq!(kinds(&text), vec![Kind::GitlabToken]);
    assert_eq!(redact(&text), "GITLAB_TOKEN=\"glpa…(redacted gitlab-token)\"\n");
}

#[test]
fn markers_keep_only_a_public_prefix() {
    let id = aws_id();
    assert_eq!(redact(&format!("id={}", id)), "id=AKIA…(redacted aws-access-key-id)");
    let secret = body(60, 30, ALNUM);
    assert_eq!(redact(&format!("password={}", secret)), "password=…(redacted secret-assignment)");
}

#[test]
fn lines_count_from_one() {
    let text = format!("a\n\nb\n{}\nc npm_{}\n", aws_id(), body(61, 36, ALNUM));
    let lines: Vec<u32> = find(&text).iter().map(|m| m.line).collect();
    assert_eq!(lines, vec![4, 5]);
}

#[test]
fn entropy_in_bits_per_character() {
    assert_eq!(entropy(""), 0.0);
    assert_eq!(entropy("aaaa"), 0.0);
    assert!((entropy("abcd") - 2.0).abs() < 1e-9);
}

/// A small deterministic generator (xorshift64*), so the property test needs no crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A text made of pieces that come near the detectors: prefixes, names, operators, quotes,
/// bodies of the right and wrong lengths, placeholders, PEM lines, newlines and non-ASCII.
fn generated(rng: &mut Rng) -> String {
    const PIECES: &[&str] = &[
        "AKIA",
        "ASIA",
        "ghp_",
        "github_pat_",
        "glpat-",
        "xoxb-",
        "sk_live_",
        "AIza",
        "npm_",
        "eyJ",
        ".",
        "-",
        "_",
        "password",
        "secret",
        "token",
        "api_key",
        "aws_secret_access_key",
        "Authorization: Bearer ",
        " = ",
        ": ",
        "=",
        ":=",
        "=>",
        "\"",
        "'",
        "`",
        " ",
        "\n",
        "\\n",
        "-----BEGIN ",
        "PRIVATE KEY-----",
        "-----END PRIVATE KEY-----",
        "EXAMPLE",
        "${",
        "}",
        "<",
        ">",
        "é",
        "…",
        "(redacted jwt)",
        "#",
        "/",
        "+",
    ];
    let mut text = String::new();
    for _ in 0..rng.below(40) {
        match rng.below(3) {
            0 => text.push_str(PIECES[rng.below(PIECES.len())]),
            1 => {
                let n = [8, 16, 20, 22, 30, 35, 36, 40, 64][rng.below(9)];
                let alphabet = [UPPER_DIGITS, ALNUM, BASE64][rng.below(3)];
                let seed = rng.next();
                text.push_str(&body(seed, n, alphabet));
            }
            _ => {
                let seed = rng.next();
                text.push_str(&body(seed, 1 + rng.below(6), ALNUM));
            }
        }
    }
    text
}

#[test]
fn redacted_text_never_holds_a_matched_value() {
    let mut rng = Rng(0x005E_C2E7);
    let mut matched = 0;
    for _ in 0..20_000 {
        let text = generated(&mut rng);
        let found = find(&text);
        let redacted = redact(&text);
        for m in &found {
            assert!(m.start < m.end && m.end <= text.len());
            let value = &text[m.start..m.end];
            assert!(!redacted.contains(value), "{:?} kept {:?} in {:?}", m.kind, value, redacted);
        }
        matched += found.len();
        assert!(find(&redacted).is_empty(), "redacting {:?} gave {:?}, still a match", text, redacted);
        assert_eq!(redact(&redacted), redacted);
    }
    assert!(matched > 1_000, "the generator must reach the detectors: {} matches", matched);
}
