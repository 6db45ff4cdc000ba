use super::*;

fn argvs(script: &str) -> Vec<Vec<String>> {
    commands(script, 1).into_iter().map(|c| c.argv).filter(|a| !a.is_empty()).collect()
}

fn first(script: &str) -> Vec<String> {
    argvs(script).into_iter().next().unwrap_or_default()
}

fn words(text: &str) -> Vec<String> {
    text.split_whitespace().map(String::from).collect()
}

#[test]
fn a_script_is_split_into_simple_commands_with_their_lines() {
    let found = commands("set -e\nnpm ci && npm test\ncargo build \\\n  --release && cargo clippy\n", 10);
    let got: Vec<(Vec<String>, u32)> = found.iter().map(|c| (c.argv.clone(), c.line)).collect();
    assert_eq!(
        got,
        vec![
            (words("set -e"), 10),
            (words("npm ci"), 11),
            (words("npm test"), 11),
            (words("cargo build --release"), 12),
            (words("cargo clippy"), 13),
        ]
    );
    assert_eq!(
        argvs("make lint || exit 1 ; go test ./... | tee out.txt & wait"),
        vec![words("make lint"), words("exit 1"), words("go test ./..."), words("tee out.txt"), words("wait")]
    );
}

#[test]
fn quoting_is_removed_and_quoted_operators_stay_inside_words() {
    assert_eq!(first(r#"echo "a && b" 'c; d' e\ f"#), vec!["echo", "a && b", "c; d", "e f"]);
    assert_eq!(first(r#"git commit -m "it's \"done\"""#), vec!["git", "commit", "-m", "it's \"done\""]);
    assert_eq!(
        first("${{ env.CARGO }} test --workspace ${{ env.FLAGS }}"),
        vec!["${{env.CARGO}}", "test", "--workspace", "${{env.FLAGS}}"]
    );
    assert_eq!(first("echo # a comment\n"), vec!["echo"]);
    assert_eq!(argvs("# cargo test\n"), Vec::<Vec<String>>::new());
    assert_eq!(first("build 2>&1 | tee log"), vec!["build", "2>&1"]);
    assert_eq!(first("build >&2"), vec!["build", ">&2"]);
}

#[test]
fn wrappers_are_taken_off() {
    for (script, expected) in [
        ("sudo -E env CI=1 make check", "make check"),
        ("FOO=1 BAR=2 cargo test", "cargo test"),
        ("time nice -n 10 go test ./...", "go test ./..."),
        ("timeout 10m go test ./...", "go test ./..."),
        ("npx --yes jest --ci", "jest --ci"),
        ("uvx nox -s lint", "nox -s lint"),
        ("pipx run tox -e py312", "tox -e py312"),
        ("poetry run pytest -q", "pytest -q"),
        ("uv run --frozen --group dev tox run", "tox run"),
        ("bundle exec rspec", "rspec"),
        ("python -m pytest -x", "pytest -x"),
        ("python3.12 -m mypy src", "mypy src"),
        ("xvfb-run -a npm test", "npm test"),
        ("pnpm exec playwright test", "playwright test"),
        ("cross-env NODE_ENV=test jest", "jest"),
        ("sudo -u runner make test", "make test"),
        ("unshare --map-root-user --net make test T=test/unit", "make test T=test/unit"),
        ("python3 -u -X dev -m pytest -q", "pytest -q"),
    ] {
        assert_eq!(first(script), words(expected), "{script}");
    }
}

#[test]
fn scripts_inside_commands_are_read() {
    assert_eq!(argvs("bash -c 'make test && make lint'"), vec![words("make test"), words("make lint")]);
    assert_eq!(argvs("sh -ec \"go vet ./...\""), vec![words("go vet ./...")]);
    assert_eq!(argvs("if true; then make test; fi"), vec![words("true"), words("make test")]);
    assert_eq!(argvs("for d in a b; do (cd $d && go test ./...); done"), vec![words("cd $d"), words("go test ./...")]);
    assert_eq!(
        argvs("$(go env GOPATH)/bin/golangci-lint run"),
        vec![vec!["$(go env GOPATH)/bin/golangci-lint".to_owned(), "run".to_owned()], words("go env GOPATH")]
    );
    assert_eq!(argvs("eval \"make test\""), vec![words("make test")]);
    // A variable left as the program: the command as written (the CI model names a
    // `$(KUSTOMIZE)` by its variable), and what follows it, in case it was a prefix.
    for (script, rest) in [
        ("$(TEST_ENV) uv run --locked --dev pytest --cov", "pytest --cov"),
        ("${RUNNER} cargo test", "cargo test"),
        ("$(PYTHON) -m pytest tests", "pytest tests"),
        ("$KUSTOMIZE build config/default", "build config/default"),
    ] {
        let found = argvs(script);
        assert_eq!(found[..2], [words(script), words(rest)], "{script}");
        // `$(NAME)` is also a command substitution to the shell: NAME runs first.
        assert!(found.len() == 2 || found[2].len() == 1, "{script}: {found:?}");
    }
    assert_eq!(
        argvs("python -b -W always -m coverage run -m django test -v2"),
        vec![words("coverage run -m django test -v2"), words("django test -v2")]
    );
}

#[test]
fn containers_keep_their_image_and_run_their_command() {
    let found = commands("docker run --rm -v $PWD:/src -w /src aquasec/trivy:0.50 fs .", 1);
    assert_eq!(found[0].image.as_deref(), Some("aquasec/trivy:0.50"));
    assert_eq!(found[1].argv, words("fs ."));
    let found = commands("docker run --rm rust:1.79 cargo test", 1);
    assert_eq!(found[0].image.as_deref(), Some("rust:1.79"));
    assert_eq!(found[1].argv, words("cargo test"));
    assert_eq!(argvs("docker compose run --rm app pytest"), vec![words("pytest")]);
    assert_eq!(argvs("docker-compose exec -T web python manage.py test"), vec![words("python manage.py test")]);
}

#[test]
fn here_documents_are_skipped() {
    let script =
        "cat <<EOF > config.yml\nkubectl apply -f x\nEOF\nmake test\ncat <<-'END'\n\tnot a command\n\tEND\nmake lint\n";
    assert_eq!(argvs(script), vec![words("cat > config.yml"), words("make test"), words("cat"), words("make lint")]);
    let lines: Vec<u32> = commands(script, 1).iter().map(|c| c.line).collect();
    assert_eq!(lines, vec![1, 4, 5, 8]);
}

#[test]
fn hostile_scripts_end() {
    // Nesting past the limit is left alone rather than followed.
    let deep = format!("{}make{}", "bash -c '".repeat(50), "'".repeat(50));
    assert!(commands(&deep, 1).len() <= MAX_NESTING + 2);
    assert!(commands(&"$(".repeat(10_000), 1).len() <= MAX_NESTING + 2);
    assert_eq!(argvs("\"unterminated"), vec![vec!["unterminated".to_owned()]]);
    assert_eq!(argvs("'unterminated"), vec![vec!["unterminated".to_owned()]]);
    assert_eq!(argvs("cat <<EOF\nno end"), vec![words("cat")]);
    assert_eq!(first(&format!("{}make test", "env -i ".repeat(200))), words("make test"));
}
