use super::*;

fn argv(text: &str) -> Vec<String> {
    text.split_whitespace().map(String::from).collect()
}

fn ids(matches: &[Match]) -> Vec<String> {
    matches.iter().map(|m| m.tool.id.clone()).collect()
}

fn tools_of(command: &str) -> Vec<String> {
    ids(&Catalogue::builtin().command(&argv(command)))
}

#[test]
fn the_built_in_catalogue_loads_and_every_tool_shows_up_somehow() {
    let catalogue = Catalogue::builtin();
    assert!(catalogue.tools().len() > 80, "{}", catalogue.tools().len());
    for tool in catalogue.tools() {
        assert!(!tool.forms().is_empty(), "tool `{}` has no way to show up", tool.id);
        assert!(tool.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'), "{}", tool.id);
    }
}

#[test]
fn a_catalogue_with_mistakes_names_each() {
    let bad = "schema = 1\n[[tool]]\nid = \"a\"\nname = \"A\"\nkinds = [\"tests\"]\ncommands = [\"\"]\n[[tool]]\nid = \"a\"\nname = \"A\"\nkinds = []\n";
    let error = Catalogue::parse(bad).unwrap_err().to_string();
    for expected in
        ["unknown kind `tests`", "`` is not a command pattern", "tool `a` is listed twice", "tool `a` has no kind"]
    {
        assert!(error.contains(expected), "{expected}: {error}");
    }
    assert!(
        Catalogue::parse("schema = 1\n[[tool]]\nid = \"a\"\nname = \"A\"\nkinds = [\"test\"]\nbogus = 1\n").is_err()
    );
}

#[test]
fn commands_match_on_program_and_subcommand_not_on_substrings() {
    assert_eq!(tools_of("go test -race ./..."), ["go-test"]);
    assert_eq!(tools_of("go -C services/api test ./..."), ["go-test"]);
    assert_eq!(tools_of("go build -o test ./cmd"), Vec::<String>::new());
    assert_eq!(tools_of("./mvnw -B -s ci.xml clean verify"), ["maven-test"]);
    assert_eq!(tools_of("mvn -B -DskipTests package"), Vec::<String>::new());
    assert_eq!(tools_of("./gradlew build -x test"), Vec::<String>::new());
    assert_eq!(tools_of("gradlew.bat :app:test"), ["gradle-test"]);
    assert_eq!(tools_of("gradle testClasses"), Vec::<String>::new());
    assert_eq!(tools_of("cargo run -- test"), Vec::<String>::new());
    assert_eq!(tools_of("helm unittest charts/app"), ["helm-unittest"]);
    assert_eq!(tools_of("ct lint --config ct.yaml"), ["chart-testing"]);
    assert_eq!(tools_of("molecule test -s default"), ["molecule"]);
    assert_eq!(tools_of("rm -rf /opt/hostedtoolcache/CodeQL"), Vec::<String>::new());
    assert_eq!(tools_of("mvn verify sonar:sonar"), ["maven-test", "sonarqube"]);
    assert_eq!(tools_of("kubectl apply -f k8s/"), ["kubectl-apply"]);
    assert_eq!(tools_of("kubectl apply --dry-run=client -f k8s/"), ["kubeconform"]);
    assert_eq!(tools_of("govulncheck ./..."), ["govulncheck"]);
    assert_eq!(tools_of("cmake --build build --target test"), ["ctest"]);
    assert_eq!(tools_of("django test -v2"), ["pytest"]);
}

#[test]
fn a_use_can_narrow_the_kinds_of_its_tool() {
    let catalogue = Catalogue::builtin();
    let kinds_of = |command: &str| -> Vec<String> { catalogue.command(&argv(command))[0].kinds.to_vec() };
    assert_eq!(kinds_of("trivy image app:1.0"), ["container-scan"]);
    assert_eq!(kinds_of("trivy config ."), ["iac-scan"]);
    assert_eq!(kinds_of("trivy fs --scanners vuln ."), ["sca", "secrets"]);
    assert_eq!(kinds_of("snyk code test"), ["sast"]);
    assert_eq!(kinds_of("snyk test --all-projects"), ["sca"]);
    assert_eq!(kinds_of("ct install --all"), ["test"]);
}

#[test]
fn references_of_every_kind() {
    let catalogue = Catalogue::builtin();
    let found = |how, text: &str| ids(&catalogue.reference(how, text));
    assert_eq!(found(Reference::Action, "github/codeql-action/analyze@v3"), ["codeql"]);
    assert_eq!(found(Reference::Action, "github/codeql-action/upload-sarif@v3"), Vec::<String>::new());
    assert_eq!(found(Reference::Action, "snyk/actions/node@master"), ["snyk"]);
    assert_eq!(
        found(Reference::Action, "ossf/scorecard-action@62b2cac7ed8198b15735ed49ab1e5cf35480ba46"),
        ["scorecard"]
    );
    assert_eq!(found(Reference::Image, "aquasec/trivy:0.50.0"), ["trivy"]);
    assert_eq!(found(Reference::Image, "docker.io/aquasec/trivy@sha256:abc"), ["trivy"]);
    assert_eq!(found(Reference::Image, "aquasec/trivy-operator:1"), Vec::<String>::new());
    assert_eq!(found(Reference::Gitlab, "Security/SAST.gitlab-ci.yml"), ["gitlab-sast"]);
    assert_eq!(found(Reference::Gitlab, "Jobs/SAST-IaC.latest.gitlab-ci.yml"), ["gitlab-iac-sast"]);
    assert_eq!(
        found(Reference::Gitlab, "$CI_SERVER_FQDN/components/secret-detection/secret-detection@1.1.2"),
        ["gitlab-secret-detection"]
    );
    assert_eq!(
        found(Reference::Gitlab, "Auto-DevOps.gitlab-ci.yml"),
        ["gitlab-sast", "gitlab-dependency-scanning", "gitlab-secret-detection", "gitlab-container-scanning"]
    );
    assert_eq!(found(Reference::Orb, "snyk/scan"), ["snyk"]);
    assert_eq!(found(Reference::Azure, "SonarCloudAnalyze@1"), ["sonarqube"]);
    assert_eq!(found(Reference::Jenkins, "withSonarQubeEnv"), ["sonarqube"]);
    assert_eq!(found(Reference::Bitbucket, "snyk/snyk-scan:1.0.1"), ["snyk"]);
    assert_eq!(found(Reference::PreCommit, "gitleaks"), ["gitleaks"]);
    assert_eq!(found(Reference::Linter, "GITLEAKS"), ["gitleaks"]);
}

#[test]
fn names_say_what_a_target_runs() {
    let names = &Catalogue::builtin().names;
    assert_eq!(names.kinds_of("test"), ["test"]);
    assert_eq!(names.kinds_of("test:unit"), ["test"]);
    assert_eq!(names.kinds_of("lint-go"), ["lint"]);
    assert!(names.kinds_of("build").is_empty());
    assert_eq!(names.kinds_of("deploy-prod"), ["deploy"]);
}

#[test]
fn word_globs() {
    assert!(word_glob("test*", "test:unit"));
    assert!(word_glob("{test,check}", "check"));
    assert!(word_glob("*Test", "testDebugUnitTest"));
    assert!(!word_glob("*Test", "testClasses"));
    assert!(word_glob("a?c", "abc"));
}
