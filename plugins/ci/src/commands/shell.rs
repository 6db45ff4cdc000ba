//! Reading a shell script: its simple commands, their words, and where their program is.

use super::patterns::MULTI_GOAL;
use super::{words_of_name, Category};
use kaizen_plugin_sdk::glob_match;

/// A simple command and the script line it starts on.
#[derive(Debug)]
pub(super) struct Segment {
    pub(super) text: String,
    pub(super) line: String,
}

/// The simple commands of a script, split on newlines, `&&`, `||`, `;` and `|`, with line
/// continuations joined.
pub(super) fn segments(script: &str) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    let mut continued = false;
    for raw in script.lines() {
        let line = raw.trim();
        let was_continued = continued;
        continued = false;
        if line.is_empty() || is_comment(line) {
            continue;
        }
        // A trailing `\` (sh), ` `` ` (PowerShell) or ` ^` (cmd) continues the command.
        let body = match line.strip_suffix('\\') {
            Some(body) => Some(body),
            None if line.ends_with(" `") || line.ends_with(" ^") => Some(&line[..line.len() - 1]),
            None => None,
        };
        continued = body.is_some();
        let body = body.unwrap_or(line);
        for (i, piece) in body.split([';', '|', '&']).enumerate() {
            match out.last_mut() {
                Some(last) if i == 0 && was_continued => {
                    last.text.push(' ');
                    last.text.push_str(piece);
                }
                _ => out.push(Segment { text: piece.to_string(), line: line.to_string() }),
            }
        }
    }
    out.retain(|s| !s.text.trim().is_empty());
    out
}

/// A simple command split into words, with the positions its program may be at.
pub(super) struct Command {
    words: Vec<String>,
    starts: Vec<usize>,
}

impl Command {
    pub(super) fn parse(text: &str) -> Command {
        let words = words(text);
        let starts = program_starts(&words);
        Command { words, starts }
    }

    /// Whether it does what one of the category's patterns describes, or runs a script
    /// named for it.
    pub(super) fn is(&self, category: Category) -> bool {
        self.starts.iter().any(|&start| {
            category.patterns().iter().any(|pattern| matches(pattern, &self.words, start))
                || runs_script_for(&self.words[start], category)
        })
    }
}

fn is_comment(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    line.starts_with('#') || line.starts_with("::") || lower == "rem" || lower.starts_with("rem ")
}

fn words(text: &str) -> Vec<String> {
    // Keep a GitHub expression in one word: `${{ env.CARGO }}` becomes `${{env.CARGO}}`.
    let text = text.replace("${{ ", "${{").replace(" }}", "}}");
    let mut out = Vec::new();
    for word in text.split_whitespace() {
        if word.starts_with('#') {
            break;
        }
        let word = word.trim_matches(|c| matches!(c, '"' | '\'' | '(' | ')' | '`' | '{' | '}'));
        if !word.is_empty() {
            out.push(word.to_string());
        }
    }
    out
}

/// Where the program of a simple command may be: after variable assignments and after the
/// launchers that only run another program (`sudo`, `npx`, `poetry run`, `python -m`).
/// Some launchers may run either themselves or the next word (`yarn test` and `yarn jest`),
/// and `docker run` takes an image and options the plugin cannot tell apart, so any word
/// after it may be the program.
fn program_starts(words: &[String]) -> Vec<usize> {
    let mut starts = Starts { found: Vec::new(), seen: vec![false; words.len()] };
    starts_from(words, 0, &mut starts);
    let mut found = starts.found;
    found.sort_unstable();
    found.dedup();
    found
}

/// The positions found so far, and those already explored: a launcher's options can be
/// read two ways, and without this a chain of launchers would be explored exponentially.
struct Starts {
    found: Vec<usize>,
    seen: Vec<bool>,
}

impl Starts {
    fn push(&mut self, i: usize) {
        self.found.push(i);
    }

    fn extend(&mut self, range: std::ops::Range<usize>) {
        self.found.extend(range);
    }
}

fn starts_from(words: &[String], mut i: usize, starts: &mut Starts) {
    while i < words.len() && is_assignment(&words[i]) {
        i += 1;
    }
    if i >= words.len() || starts.seen[i] {
        return;
    }
    starts.seen[i] = true;
    let name = program_name(&words[i]);
    let next = words.get(i + 1).map(String::as_str);
    match name.as_str() {
        "sudo" | "time" | "env" | "exec" | "nice" | "nohup" | "command" | "call" | "xvfb-run" | "npx" | "bunx"
        | "pnpx" | "stdbuf" | "unbuffer" | "then" | "else" | "do" | "if" | "elif" | "while" | "until" | "!" => {
            after_options(words, i + 1, starts)
        }
        "timeout" => starts_from(words, skip_flags(words, i + 1) + 1, starts),
        "poetry" | "pipenv" | "uv" | "pdm" | "hatch" | "rye" | "coverage" if next == Some("run") => {
            after_options(words, i + 2, starts)
        }
        "bundle" if next == Some("exec") => after_options(words, i + 2, starts),
        "npm" | "pnpm" | "yarn" if next == Some("exec") || next == Some("dlx") => after_options(words, i + 2, starts),
        "python" if next == Some("-m") => starts_from(words, i + 2, starts),
        "docker" | "podman" | "nerdctl" | "docker-compose" => {
            match words[i + 1..].iter().position(|w| w == "run" || w == "exec") {
                Some(p) => starts.extend(i + p + 2..words.len()),
                None => starts.push(i),
            }
        }
        "sh" | "bash" | "zsh" | "dash" | "pwsh" | "powershell" | "cmd" => {
            match words[i + 1..].iter().position(|w| is_command_flag(w)) {
                // `bash -c 'make test'`: the quoted words are the command.
                Some(p) => starts_from(words, i + p + 2, starts),
                // `bash ./ci/test.sh`: the script is the program.
                None => after_options(words, i + 1, starts),
            }
        }
        "yarn" | "pnpm" | "bun" | "node" | "php" | "ruby" | "python" | "perl" => {
            starts.push(i);
            after_options(words, i + 1, starts);
        }
        _ => starts.push(i),
    }
}

/// The program after a launcher's options. The word after the last option is the program
/// or that option's value (`uv run --group dev tox`), so both readings are kept.
fn after_options(words: &[String], from: usize, starts: &mut Starts) {
    let program = skip_flags(words, from);
    starts_from(words, program, starts);
    if program > from && !words[program - 1].contains('=') {
        starts_from(words, program + 1, starts);
    }
}

fn skip_flags(words: &[String], mut i: usize) -> usize {
    while i < words.len() && words[i].starts_with('-') {
        i += 1;
    }
    i
}

fn is_assignment(word: &str) -> bool {
    match word.find('=') {
        Some(eq) if eq > 0 => {
            let name = &word[..eq];
            !name.starts_with(|c: char| c.is_ascii_digit())
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        }
        _ => false,
    }
}

/// `-c`, `-ec`, `-Command` (PowerShell), `/c` (cmd).
fn is_command_flag(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    lower == "/c"
        || lower == "-command"
        || (lower.starts_with('-') && !lower.starts_with("--") && lower.len() <= 4 && lower.ends_with('c'))
}

/// The program a word names: its file name, lower case, without a Windows extension, with
/// wrappers and aliases resolved (`./gradlew` is `gradle`, `python3.12` is `python`).
fn program_name(word: &str) -> String {
    if let Some(program) = variable_program(word) {
        return program;
    }
    let base = word.rsplit(['/', '\\']).next().unwrap_or(word);
    let mut name = base.to_ascii_lowercase();
    for extension in [".exe", ".cmd", ".bat", ".ps1"] {
        if name.ends_with(extension) {
            name.truncate(name.len() - extension.len());
            break;
        }
    }
    let alias = match name.as_str() {
        "gradlew" => "gradle",
        "mvnw" => "mvn",
        "py.test" => "pytest",
        "bazelisk" => "bazel",
        "flyctl" => "fly",
        "py" => "python",
        _ if name.starts_with("python") && name[6..].chars().all(|c| c.is_ascii_digit() || c == '.') => "python",
        _ => return name,
    };
    alias.to_string()
}

/// A program named by a variable, as CI scripts often do (`$CARGO test`,
/// `${{ env.CARGO }} test`, `$PYTHON -m pytest`): the word of the variable's name that is a
/// program the patterns know.
fn variable_program(word: &str) -> Option<String> {
    let name = word.strip_prefix('$')?;
    words_of_name(name).into_iter().find(|w| {
        w == "python"
            || Category::ALL.iter().flat_map(|c| c.patterns()).any(|p| p.split_whitespace().next() == Some(w.as_str()))
    })
}

fn matches(pattern: &str, words: &[String], start: usize) -> bool {
    let mut parts = pattern.split_whitespace();
    let program = match parts.next() {
        Some(program) => program,
        None => return false,
    };
    if !glob_match(program, &program_name(&words[start])) {
        return false;
    }
    let args = &words[start + 1..];
    let rest: Vec<&str> = parts.collect();
    let many_goals = MULTI_GOAL.contains(&program);
    let mut next = 0;
    let mut after_flag = false;
    for wanted in rest.iter().filter(|p| !p.starts_with('-') && !p.starts_with('!')) {
        loop {
            let word = match args.get(next) {
                Some(word) => word.as_str(),
                None => return false,
            };
            next += 1;
            if word == "--" {
                // What follows goes to the program being run (`cargo run -- test`).
                return false;
            }
            if is_word(wanted, word, program) {
                after_flag = false;
                break;
            }
            if word.starts_with('-') || word.starts_with('+') {
                after_flag = !word.contains('=');
            } else if after_flag || many_goals {
                after_flag = false;
            } else {
                return false;
            }
        }
    }
    let has_flag =
        |flag: &str| args.iter().any(|w| w == flag || (w.starts_with(flag) && w[flag.len()..].starts_with('=')));
    rest.iter().filter(|p| p.starts_with('-')).all(|flag| has_flag(flag))
        && rest.iter().filter_map(|p| p.strip_prefix('!')).all(|bad| !args.iter().any(|w| w.starts_with(bad)))
}

fn is_word(wanted: &str, word: &str, program: &str) -> bool {
    // Gradle tasks may be qualified by their project: `:app:test`.
    glob_match(wanted, word) || (program == "gradle" && glob_match(wanted, word.rsplit(':').next().unwrap_or(word)))
}

/// Whether the program is a script whose name says what it does: `./ci/run-tests.sh`.
fn runs_script_for(word: &str, category: Category) -> bool {
    const SCRIPT_EXTENSIONS: &[&str] = &[".sh", ".bash", ".ps1", ".bat", ".cmd", ".py", ".rb"];
    let is_path = word.contains('/') || word.contains('\\') || SCRIPT_EXTENSIONS.iter().any(|e| word.ends_with(e));
    if !is_path {
        return false;
    }
    let base = word.rsplit(['/', '\\']).next().unwrap_or(word);
    let stem = base.split('.').next().unwrap_or(base);
    words_of_name(stem).iter().any(|w| category.script_words().contains(&w.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn does(script: &str, category: Category) -> bool {
        segments(script).iter().any(|segment| Command::parse(&segment.text).is(category))
    }

    fn runs_tests(script: &str) -> bool {
        does(script, Category::Test)
    }

    fn lints(script: &str) -> bool {
        does(script, Category::Lint)
    }

    fn deploys(script: &str) -> bool {
        does(script, Category::Deploy)
    }

    #[test]
    fn test_runners_are_recognised_with_flags_and_wrappers() {
        for script in [
            "cargo test --workspace",
            "cargo +nightly test",
            "cargo nextest run --profile ci",
            "go test -race ./...",
            "go -C services/api test ./...",
            "pytest -q tests/",
            "python -m pytest",
            "python3.12 -m pytest -x",
            "poetry run pytest",
            "uv run --frozen pytest",
            "tox -e py312",
            "npm test",
            "npm --prefix web test",
            "npm run test:unit",
            "yarn test --ci",
            "pnpm -r test",
            "npx jest --ci",
            "node_modules/.bin/vitest run",
            "mvn -B verify",
            "./mvnw -B -s ci-settings.xml clean verify",
            "mvn.cmd package",
            "./gradlew build",
            "gradlew.bat :app:test",
            "./gradlew testDebugUnitTest",
            "make -j4 test",
            "make tests",
            "ctest --output-on-failure",
            "dotnet test --no-build",
            "bundle exec rspec",
            "bundle exec rake spec",
            "vendor/bin/phpunit",
            "php vendor/bin/phpunit --coverage-text",
            "mix test",
            "bazel test //...",
            "swift test",
            "sudo -E env CI=1 make check",
            "FOO=1 BAR=2 cargo test",
            "docker run --rm -v $PWD:/src -w /src rust:1.79 cargo test",
            "docker compose run --rm app pytest",
            "bash -c 'make test'",
            "./ci/run-tests.sh",
            "sh scripts/test.sh",
            "if true; then make test; fi",
            "python manage.py test",
            "timeout 10m go test ./...",
            "${{ env.CARGO }} test --verbose --workspace ${{ env.TARGET_FLAGS }}",
            "$CARGO_BIN test",
            "uv run --locked --no-default-groups --group dev tox run",
            "sudo -u runner make test",
            // Each launcher's option could take a value; this must not take forever.
            &format!("{}make test", "env -i ".repeat(200)),
            "\"$PYTHON\" -m pytest",
        ] {
            assert!(runs_tests(script), "{} should run tests", script);
        }
    }

    #[test]
    fn commands_that_only_mention_a_test_runner_do_not_count() {
        for script in [
            "npm install --save-dev jest",
            "pip install pytest tox",
            "echo cargo test",
            "cargo build --release",
            "cargo run -- test",
            "cargo build --bin test",
            "npm run build -- --mode test",
            "go build -o test ./cmd",
            "mvn -B -DskipTests package",
            "mvn install -Dmaven.test.skip=true",
            "gradle testClasses",
            "mkdir -p test-results",
            "cat ./test.sh",
            "# cargo test",
            "rm -rf tests/",
            "${{ matrix.command }} test",
        ] {
            assert!(!runs_tests(script), "{} should not run tests", script);
        }
    }

    #[test]
    fn linters_are_recognised() {
        for script in [
            "cargo clippy --all-targets -- -D warnings",
            "cargo fmt --all -- --check",
            "cargo fmt --check",
            "npx eslint .",
            "npx prettier --check .",
            "ruff check .",
            "python -m mypy src",
            "black --check .",
            "golangci-lint run",
            "go vet ./...",
            "terraform fmt -check -recursive",
            "terraform -chdir=infra validate",
            "mvn -B checkstyle:check",
            "./gradlew ktlintCheck detekt",
            "mvn verify sonar:sonar",
            "pre-commit run --all-files",
            "npm run lint",
            "yarn lint:ci",
            "shellcheck scripts/*.sh",
            "hadolint Dockerfile",
            "dotnet format --verify-no-changes",
            "markdownlint-cli2 '**/*.md'",
            "./scripts/lint.sh",
        ] {
            assert!(lints(script), "{} should lint", script);
        }
        for script in ["cargo fmt", "prettier --write .", "black .", "npm install eslint", "terraform fmt"] {
            assert!(!lints(script), "{} should not count as linting", script);
        }
    }

    #[test]
    fn deployments_are_recognised() {
        for script in [
            "kubectl apply -f k8s/",
            "helm upgrade --install api ./chart",
            "terraform apply -auto-approve tfplan",
            "npx cdk deploy --all",
            "sam deploy --no-confirm-changeset",
            "aws --region eu-west-1 ecs update-service --cluster c --service s",
            "aws s3 sync dist/ s3://bucket",
            "flyctl deploy --remote-only",
            "vercel deploy --prod",
            "gcloud run deploy api --image x",
            "ansible-playbook -i inventory site.yml",
            "argocd app sync api",
            "./deploy.sh production",
        ] {
            assert!(deploys(script), "{} should deploy", script);
        }
        for script in ["terraform plan", "helm plugin install x", "kubectl get pods", "aws s3 ls"] {
            assert!(!deploys(script), "{} should not deploy", script);
        }
    }
}
