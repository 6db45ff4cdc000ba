//! Secrets never leak: a repository holding one secret of every kind `kaizen-secrets`
//! detects, in files plugins quote (a workflow's commands, a Dockerfile, a config file), in
//! a file name, a link name and a commit message, assessed with every built-in plugin and
//! with plugins that leak on purpose. No secret may appear in result.json, report.md, the
//! logs at the most verbose level, or `kaizen plugin run` output.
//!
//! The secrets are built here by concatenation and written at run time, so the repository
//! itself holds none.

use crate::support::{git_at, kaizen, run, test_plugin, write_files};
use kaizen_secrets::Kind;
use std::path::Path;

/// One fake secret of every kind, each on a line where the detector finds it; built by
/// concatenation. Returns (kind, line to plant).
fn planted() -> Vec<(Kind, String)> {
    let key_body = [
        "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun",
        "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK",
        "LxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo",
    ]
    .join("\n");
    vec![
        (Kind::AwsAccessKeyId, format!("aws_access_key_id = {}{}", "AKIA", "Q3ZL7RTW2XNB5KJD")),
        (
            Kind::AwsSecretAccessKey,
            format!("aws_secret_access_key = {}{}", "q7Rk2LmX9vT4pW8zN3bB6cY1", "dF5gH0jKsA2eUo8i"),
        ),
        (
            Kind::PrivateKey,
            format!("{}\n{key_body}\n{}", "-----BEGIN RSA PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----"),
        ),
        (Kind::GithubToken, format!("GITHUB_TOKEN={}{}", "ghp_", "R7kQ2mX9vL4pT8wZ3nB6cY1dF5gH0jKsA2eU")),
        (Kind::GitlabToken, format!("GITLAB={}{}", "glpat-", "x9Kq2Lm7Vt4Wz8Nb3Rc6")),
        (Kind::SlackToken, format!("SLACK={}{}", "xoxb-", "2847561930-4817263950-Zq8Lr2Vt6Wx1Yb4Nc7Md0Kf3")),
        (Kind::StripeKey, format!("STRIPE={}{}", "sk_live_", "4eC39HqLyjWDarjtT1zdp7dc9Xq2")),
        (Kind::GoogleApiKey, format!("MAPS={}{}", "AIza", "SyB7kQ2mX9vL4pT8wZ3nB6cY1dF5gH0jKsA")),
        (Kind::NpmToken, format!("NPM={}{}", "npm_", "Zq8Lr2Vt6Wx1Yb4Nc7Md0Kf3Hj5Gs9Pa2EeQ")),
        (
            Kind::Jwt,
            format!(
                "auth_token: {}.{}.{}",
                "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9",
                "eyJzdWIiOiJrYWl6ZW4tdGVzdCIsImlhdCI6MTcwMDAwMDAwMH0",
                "Qm9xN2tMcjJWdDZXeDFZYjROYzdNZDBLZjNIajU"
            ),
        ),
        (Kind::Assigned, format!("db_password = \"{}{}\"", "Zt8kW2qLx9", "Vb4Nc7Md0Kf3")),
    ]
}

/// The secret values of [`planted`], as the detector delimits them, checked to be found
/// with their kind (so the test covers every kind, and fails if a line stops matching).
fn secret_values() -> Vec<(Kind, String)> {
    let mut values = Vec::new();
    for (kind, line) in planted() {
        let found = kaizen_secrets::find(&line);
        assert_eq!(found.len(), 1, "{kind:?}: {found:?}");
        assert_eq!(found[0].kind, kind, "{line}");
        values.push((kind, line[found[0].start..found[0].end].to_owned()));
    }
    let mut kinds: Vec<_> = values.iter().map(|(k, _)| *k).collect();
    kinds.dedup();
    assert_eq!(kinds.len(), 11, "every kind kaizen-secrets detects is planted");
    values
}

/// A git repository with the secrets in the places plugins read and quote.
fn leaky_repository(dir: &Path) {
    let lines: Vec<String> = planted().into_iter().map(|(_, line)| line).collect();
    let all = lines.join("\n");
    let value = |kind: Kind| secret_values().into_iter().find(|(k, _)| *k == kind).unwrap().1;
    let (github, npm, aws) = (value(Kind::GithubToken), value(Kind::NpmToken), value(Kind::AwsAccessKeyId));
    let workflow = format!(
        "on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    env:\n      TOKEN: {github}\n    steps:\n      \
         - run: make test GITHUB_TOKEN={github}\n      - run: ./deploy.sh --npm-token {npm}\n"
    );
    write_files(
        dir,
        &[
            ("README.md", &format!("# leaky\n\n```\n{all}\n```\n")),
            ("config/secrets.env", &format!("{all}\n")),
            ("config/app.yml", &format!("database:\n  password: {}\n", value(Kind::Assigned))),
            (".github/workflows/deploy.yml", &workflow),
            (&format!(".github/workflows/{aws}.yml"), &workflow),
            ("Dockerfile", &format!("FROM node:20\nENV NPM_TOKEN={npm}\nRUN npm ci --token {github}\nUSER node\n")),
            ("main.tf", &format!("provider \"aws\" {{\n  access_key = \"{aws}\"\n}}\n")),
        ],
    );
    std::os::unix::fs::symlink("README.md", dir.join(format!("link-{github}"))).unwrap();
    git_at(dir, 1_700_000_000, &["init", "-q", "-b", "main"]);
    git_at(dir, 1_700_000_000, &["add", "."]);
    git_at(dir, 1_700_000_000, &["commit", "-q", "-m", &format!("add config\n\nGITHUB_TOKEN={github}")]);
}

fn assert_clean(what: &str, text: &str) {
    for (kind, value) in secret_values() {
        // A private key leaks by its body: check each of its lines.
        for piece in value.lines().filter(|l| l.len() >= 16) {
            assert!(!text.contains(piece), "{what} holds a {kind:?}: {piece}");
        }
    }
}

#[test]
fn no_secret_reaches_a_result_a_report_a_log_or_plugin_run_output() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("leaky");
    std::fs::create_dir_all(&repo).unwrap();
    leaky_repository(&repo);
    let out = dir.path().join("out");
    let leakers = ["sandbox_leak_secret", "sandbox_leak_stderr"];

    let mut cmd = kaizen();
    cmd.arg("assess").arg("-vvv").arg("--format").arg("json,md,html,sarif").arg("--out").arg(&out).arg(&repo);
    for plugin in leakers {
        cmd.arg("--plugins").arg(test_plugin(plugin));
    }
    let output = run(&mut cmd);
    assert_eq!(output.status.code(), Some(0));
    let result = std::fs::read_to_string(out.join("result.json")).unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.lines().count() > 10, "the most verbose logs were written: {stderr}");

    // The secrets were seen: the security plugin reports each file, the leakers failed or
    // were redacted, and the markers stand where the values were.
    let json: serde_json::Value = serde_json::from_str(&result).unwrap();
    let t = &json["targets"][0];
    assert!(t["facts"]["security.secrets_found"].as_u64().unwrap() >= 11, "{:#}", t["facts"]);
    let error = t["errors"].as_array().unwrap().iter().find(|e| e["plugin"] == "sandbox_leak_stderr").unwrap();
    assert_eq!(error["kind"], "invalid_output");
    assert!(error["stderr"].as_str().unwrap().contains("ghp_…(redacted github-token)"), "{error:#}");
    assert!(error["message"].as_str().unwrap().contains("AKIA…(redacted aws-access-key-id)"), "{error:#}");
    assert!(result.contains("link-ghp_…(redacted github-token)"), "the link's name is reported, redacted");

    assert_clean("result.json", &result);
    assert_clean("report.md", &std::fs::read_to_string(out.join("report.md")).unwrap());
    assert_clean("the -vvv log", &stderr);
    assert_clean("assess stdout", &String::from_utf8_lossy(&output.stdout));
    for other in ["report.html", "findings.sarif"] {
        let text = std::fs::read_to_string(out.join(other)).unwrap_or_else(|e| panic!("{other}: {e}"));
        assert_clean(other, &text);
    }

    // `kaizen report` renders again from result.json alone.
    let rerender = dir.path().join("rerender");
    let output = run(kaizen().arg("report").arg(out.join("result.json")).arg("--out").arg(&rerender).arg("-vvv"));
    assert_eq!(output.status.code(), Some(0));
    assert_clean("kaizen report -vvv", &String::from_utf8_lossy(&output.stderr));
    assert_clean("re-rendered report.md", &std::fs::read_to_string(rerender.join("report.md")).unwrap());

    // `kaizen plugin run`, for each built-in plugin and each leaker.
    let builtin = ["ci", "iac", "security", "delivery", "observability", "resilience"];
    let leakers: Vec<String> = leakers.iter().map(|p| test_plugin(p).to_str().unwrap().to_owned()).collect();
    for plugin in builtin.iter().map(|p| p.to_string()).chain(leakers) {
        let output = run(kaizen().arg("plugin").arg("run").arg(&plugin).arg("--target").arg(&repo).arg("-vvv"));
        assert!(!output.stdout.is_empty() || !output.stderr.is_empty(), "{plugin} printed something");
        assert_clean(&format!("plugin run {plugin} stdout"), &String::from_utf8_lossy(&output.stdout));
        assert_clean(&format!("plugin run {plugin} stderr"), &String::from_utf8_lossy(&output.stderr));
    }
}
