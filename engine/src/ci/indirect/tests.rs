use super::*;

#[test]
fn makefiles_targets_variables_and_includes() {
    let m = Makefile::parse("GO ?= go\nexport FLAGS := -race\n\n.PHONY: test\ntest: lint unit ## runs all\nunit:\n\t@$(GO) test $(FLAGS) ./...\nlint: ; golangci-lint run\n%.o: %.c\n\tcc -c $<\n-include local.mk\n");
    assert_eq!(m.default.as_deref(), Some("test"));
    assert_eq!(m.targets["test"].prerequisites, ["lint", "unit"]);
    assert_eq!(m.includes, ["local.mk"]);
    let mut out = Vec::new();
    m.recipe("test", &HashMap::new(), 0, &mut HashSet::new(), &mut out);
    let argvs: Vec<String> = out.iter().map(|c| c.argv.join(" ")).collect();
    assert_eq!(argvs, ["golangci-lint run", "go test -race ./..."]);
    assert_eq!(out[1].line, 7);
}

#[test]
fn tox_ini_values_go_over_blank_lines_and_comments() {
    let ini = Ini::parse("[testenv]\ncommands =\n    pytest\n\n    # a comment\n    pre-commit run\nother = x\n");
    let (value, line) = ini.get("testenv", "commands").unwrap();
    assert_eq!(value, "pytest\npre-commit run\n");
    assert_eq!(line, 3);
}

#[test]
fn noxfile_sessions_by_decorator_name_and_variables() {
    let sessions = noxfile_sessions(
        "@nox.session(python=['3.12'])\ndef lint(session):\n    session.run('ruff', 'check', '.')\n\n@nox.session(name=\"python\")\ndef unit_tests(session):\n    cmd = \"pytest -x tests\"\n    session.run(*cmd.split(), *session.posargs)\n",
    );
    let names: Vec<&str> = sessions.iter().map(|(n, ..)| n.as_str()).collect();
    assert_eq!(names, ["lint", "python"]);
    assert_eq!(sessions[0].2[0].0, ["ruff", "check", "."]);
    assert_eq!(sessions[1].2[0].0, ["pytest", "-x", "tests"]);
}

#[test]
fn justfile_recipes_with_dependencies() {
    let recipes = justfile_recipes(
        "set shell := [\"bash\"]\nversion := \"1\"\ncheck: lint\n    cargo test\n@lint:\n    cargo clippy\n",
    );
    let names: Vec<&str> = recipes.iter().map(|(n, ..)| n.as_str()).collect();
    assert_eq!(names, ["check", "lint"]);
    assert_eq!(recipes[0].2, [("just lint".to_owned(), 3), ("cargo test".to_owned(), 4)]);
}
