//! The models shipped in `questionnaires/` beside the default one validate against the
//! built-in plugins' checks and facts, as a user would check them.

use crate::support::{kaizen, root, run};

#[test]
fn the_dora_capabilities_model_is_valid() {
    let path = root().join("questionnaires/dora-capabilities.toml");
    let output = run(kaizen().args(["model", "check"]).arg(&path));
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("model `dora-capabilities` 1.0.0 is valid: 3 areas, 20 practices, 25 questions"),
        "{stdout}"
    );
}

/// Every model in questionnaires/ is valid and built in: checked by its file and by its
/// name, with the same verdict; a name that is neither a file nor a built-in model lists
/// the built-in ones.
#[test]
fn every_model_in_questionnaires_is_valid_and_built_in_by_name() {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(root().join("questionnaires")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        let name = path.file_stem().unwrap().to_str().unwrap().to_owned();
        let by_file = run(kaizen().args(["model", "check"]).arg(&path));
        assert_eq!(by_file.status.code(), Some(0), "{name}: {}", String::from_utf8_lossy(&by_file.stderr));
        assert!(by_file.stderr.is_empty(), "{name} warns: {}", String::from_utf8_lossy(&by_file.stderr));
        // By name, from a folder where no file has that name.
        let elsewhere = tempfile::tempdir().unwrap();
        let by_name = run(kaizen().current_dir(elsewhere.path()).args(["model", "check", &name]));
        assert_eq!(by_name.status.code(), Some(0), "{name}: {}", String::from_utf8_lossy(&by_name.stderr));
        let verdict = |out: &std::process::Output| {
            let text = String::from_utf8_lossy(&out.stdout).into_owned();
            text.split_once(": model ").map(|(_, v)| v.to_owned()).unwrap_or(text)
        };
        assert_eq!(verdict(&by_file), verdict(&by_name), "{name}");
        names.push(name);
    }
    names.sort();
    assert_eq!(names, ["aws-devops-guidance", "devops", "dora-capabilities"]);

    let elsewhere = tempfile::tempdir().unwrap();
    let output = run(kaizen().current_dir(elsewhere.path()).args(["model", "check", "aws-devops"]));
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "aws-devops: error[model-unreadable]: no such file, and no built-in model of that name \
             (built-in: devops, dora-capabilities, aws-devops-guidance)"
        ),
        "{stderr}"
    );
}

/// Every framework id a model maps to was checked to exist: it is in the framework's
/// catalogue (catalogue/frameworks/), once, with a link to the framework's own page; and the
/// default model maps nearly every practice to DORA's capabilities and to the others where
/// they correspond.
#[test]
fn every_framework_id_a_model_names_was_checked() {
    let catalogues = [
        ("dora", "dora.toml", "id", "https://dora.dev/capabilities/"),
        ("samm", "samm.toml", "id", "https://owaspsamm.org/"),
        ("dsomm", "dsomm.toml", "id", "https://dsomm.owasp.org/"),
        ("scorecard", "scorecard.toml", "id", "https://github.com/ossf/scorecard/"),
        (
            "well_architected",
            "aws-devops-guidance.toml",
            "indicator",
            "https://docs.aws.amazon.com/wellarchitected/latest/devops-guidance/",
        ),
    ];
    let mut checked: std::collections::BTreeMap<&str, std::collections::BTreeSet<String>> = Default::default();
    for (framework, file, table, url_prefix) in catalogues {
        let catalogue: toml::Value =
            toml::from_str(&std::fs::read_to_string(root().join("catalogue/frameworks").join(file)).unwrap()).unwrap();
        let ids = checked.entry(framework).or_default();
        for entry in catalogue[table].as_array().unwrap() {
            let id = entry["id"].as_str().unwrap();
            assert!(ids.insert(id.to_owned()), "{file}: {id} is listed twice");
            let url = entry["url"].as_str().unwrap();
            assert!(url.starts_with(url_prefix), "{file}: {id}: {url}");
            assert!(entry["title"].as_str().is_some_and(|t| !t.is_empty()), "{file}: {id} has no title");
        }
        assert!(ids.len() >= 10, "{file}: {}", ids.len());
    }

    let mut used: std::collections::BTreeMap<&str, usize> = Default::default();
    for name in ["devops", "dora-capabilities", "aws-devops-guidance"] {
        let model: toml::Value =
            toml::from_str(&std::fs::read_to_string(root().join(format!("questionnaires/{name}.toml"))).unwrap())
                .unwrap();
        for practice in model["practice"].as_array().unwrap() {
            let Some(maps) = practice.get("maps_to").and_then(|m| m.as_table()) else { continue };
            for (framework, ids) in maps {
                let known = &checked[framework.as_str()];
                for id in ids.as_array().unwrap() {
                    let id = id.as_str().unwrap();
                    assert!(
                        known.contains(id),
                        "{name}: practice {} maps to {framework} {id}, which was not checked",
                        practice["id"]
                    );
                    if name == "devops" {
                        *used.entry(checked.get_key_value(framework.as_str()).unwrap().0).or_default() += 1;
                    }
                }
            }
        }
    }
    // The default model speaks every framework (practice mappings counted).
    for (framework, at_least) in
        [("dora", 100), ("samm", 20), ("dsomm", 40), ("scorecard", 13), ("well_architected", 60)]
    {
        assert!(used.get(framework).copied().unwrap_or(0) >= at_least, "{framework}: {used:?}");
    }
}

/// A valid model: one area with a practice at each level and one question.
const BASE: &str = r#"[model]
id = "small"
name = "Small"
version = "1"

[[level]]
number = 1
name = "Initial"
[[level]]
number = 2
name = "Managed"
[[level]]
number = 3
name = "Defined"
[[level]]
number = 4
name = "Measured"
[[level]]
number = 5
name = "Optimizing"

[[area]]
id = "ci"
name = "CI"

[[practice]]
id = "p2"
area = "ci"
level = 2
title = "Pipeline"
guidance = "Have a pipeline."
effort = "S"
impact = 3
evidence = { check = "ci/pipeline-present" }

[[practice]]
id = "p3"
area = "ci"
level = 3
title = "Tests"
guidance = "Run the tests."
effort = "M"
impact = 3
depends_on = ["p2"]
evidence = { any = [{ check = "ci/runs-tests" }, { answer = "q", equals = true }] }

[[practice]]
id = "p4"
area = "ci"
level = 4
title = "Coverage"
guidance = "Measure coverage."
effort = "M"
impact = 2
evidence = { check = "ci/measures-coverage" }

[[practice]]
id = "p5"
area = "ci"
level = 5
title = "Fast"
guidance = "Be fast."
effort = "L"
impact = 1
evidence = { dora = "lead_time", at_least = "elite" }

[[question]]
id = "q"
practice = "p3"
text = "Do tests run on every change?"
kind = "yes_no"
"#;

/// Checks a model made from BASE with one replacement; returns stderr.
fn check_broken(from: &str, to: &str) -> String {
    assert!(BASE.contains(from), "{from}");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("model.toml");
    std::fs::write(&path, BASE.replacen(from, to, 1)).unwrap();
    let output = run(kaizen().args(["model", "check"]).arg(&path));
    let stderr = String::from_utf8_lossy(&output.stderr).replace(&path.display().to_string(), "model.toml");
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    stderr
}

#[test]
fn the_small_model_is_valid() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("model.toml");
    std::fs::write(&path, BASE).unwrap();
    let output = run(kaizen().args(["model", "check"]).arg(&path));
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn the_default_model_is_valid_against_the_built_in_plugins() {
    let output = run(kaizen().args(["model", "check"]));
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.starts_with("questionnaires/devops.toml: model `kaizen-devops`"), "{stdout}");
    // Nine areas, 6–14 practices each (security, which spans code, pipelines, containers and
    // cloud accounts, has the most), every level from 2 to 5 in every area.
    let model: toml::Value =
        toml::from_str(&std::fs::read_to_string(root().join("questionnaires/devops.toml")).unwrap()).unwrap();
    let areas = model["area"].as_array().unwrap();
    assert_eq!(areas.len(), 9);
    for area in areas {
        let id = area["id"].as_str().unwrap();
        let practices: Vec<&toml::Value> =
            model["practice"].as_array().unwrap().iter().filter(|p| p["area"].as_str() == Some(id)).collect();
        assert!((6..=14).contains(&practices.len()), "{id}: {} practices", practices.len());
        for level in 2..=5 {
            assert!(practices.iter().any(|p| p["level"].as_integer() == Some(level)), "{id} level {level}");
        }
        for p in &practices {
            assert!(p["guidance"].as_str().unwrap().len() > 200, "{}: guidance too thin", p["id"]);
        }
    }
}

#[test]
fn broken_models_are_reported_with_line_and_column() {
    let cases: &[(&str, &str, &str)] = &[
        (
            r#"evidence = { check = "ci/pipeline-present" }"#,
            r#"evidence = { check = "ci/pipeline-presnt" }"#,
            "model.toml:34:22: error[model-unknown-check]: plugin `ci` declares no check `pipeline-presnt` (did you mean `pipeline-present`?)",
        ),
        (
            r#"evidence = { check = "ci/measures-coverage" }"#,
            r#"evidence = { fact = "ci.coverage", at_least = 1 }"#,
            "model.toml:55:21: error[model-unknown-fact]: no plugin declares fact `ci.coverage`",
        ),
        (
            r#"{ answer = "q", equals = true }"#,
            r#"{ answer = "qq", equals = true }"#,
            "model.toml:45:61: error[model-unknown-question]: no question `qq` in the model",
        ),
        (
            r#"{ answer = "q", equals = true }"#,
            r#"{ answer = "q", equals = "yes" }"#,
            "model.toml:45:75: error[model-answer-kind]: `q` is a yes_no question: compare it with `equals = true` or `equals = false`",
        ),
        (
            r#"depends_on = ["p2"]"#,
            r#"depends_on = ["p1"]"#,
            "model.toml:44:15: error[model-unknown-practice]: practice `p3` depends on `p1`, which the model does not define",
        ),
        (
            r#"depends_on = ["p2"]"#,
            r#"depends_on = ["p4"]"#,
            "model.toml:44:15: error[model-unreachable-level]: practice `p3` (level 3) depends on `p4` (level 4) of the same area: level 3 of `ci` could not be reached before level 4",
        ),
        (
            "impact = 3\nevidence = { check = \"ci/pipeline-present\" }",
            "impact = 3\ndepends_on = [\"p3\"]\nevidence = { check = \"ci/pipeline-present\" }",
            "model.toml:45:15: error[model-dependency-cycle]: dependency cycle: p2 → p3 → p2",
        ),
        (
            "level = 4\ntitle = \"Coverage\"",
            "level = 3\ntitle = \"Coverage\"",
            "model.toml:23:6: error[model-empty-level]: area `ci` has no practice at level 4: every level from 2 to 5 needs at least one, or the level is reached without doing anything",
        ),
        (
            "id = \"p5\"",
            "id = \"p4\"",
            "model.toml:58:6: error[model-duplicate-id]: practice `p4` is defined twice",
        ),
        (
            "guidance = \"Run the tests.\"",
            "guidance = \"\"\"\nRun the tests:\n\n```sh\ncargo test\n\"\"\"",
            "model.toml:44:1: error[model-markdown]: guidance: code fence opened here is never closed",
        ),
        (
            "guidance = \"Be fast.\"",
            "guidance = \"See [the docs][docs].\"",
            "model.toml:62:17: error[model-markdown]: guidance: link reference `[docs]` is not defined",
        ),
        (
            "kind = \"yes_no\"",
            "kind = \"yes-no\"",
            "model.toml:71:8: error[model-question-kind]: unknown question kind `yes-no`; expected yes_no, choice, scale, number or duration",
        ),
        (
            "impact = 2\n",
            "impact = 2\ncost = 5\n",
            "model.toml:55:1: error[model-syntax]: unknown field `cost`",
        ),
        (
            "[[level]]\nnumber = 5\nname = \"Optimizing\"\n",
            "",
            "model.toml:1:1: error[model-levels]: a model has exactly five levels (1 to 5); this one has 4",
        ),
    ];
    for (from, to, expected) in cases {
        let stderr = check_broken(from, to);
        assert!(stderr.contains(expected), "expected\n{expected}\nin\n{stderr}");
    }
}

/// Every built-in model exports as a Well-Architected custom lens that the lens format's
/// schema (tests/data/wa-lens-schema.json, written from AWS's "Lens format specification")
/// accepts, with the rules the schema cannot state checked here; and an assessment's answers
/// export as choices of that lens.
#[test]
fn models_export_as_well_architected_lenses_and_answers_as_their_choices() {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("tests/data/wa-lens-schema.json")).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let out = tempfile::tempdir().unwrap();
    let mut lenses = std::collections::BTreeMap::new();
    for name in ["devops", "dora-capabilities", "aws-devops-guidance"] {
        let path = out.path().join(format!("{name}.json"));
        let output = run(kaizen().args(["model", "export", name, "--format", "wa-lens", "--out"]).arg(&path));
        assert_eq!(output.status.code(), Some(0), "{name}: {}", String::from_utf8_lossy(&output.stderr));
        let bytes = std::fs::read(&path).unwrap();
        assert!(bytes.len() <= 500 * 1024, "{name}: {} bytes, over ImportLens's 500 KB", bytes.len());
        let lens: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let errors: Vec<String> = validator.iter_errors(&lens).map(|e| format!("{}: {e}", e.instance_path)).collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");

        let mut pillars = std::collections::BTreeSet::new();
        let mut questions = std::collections::BTreeSet::new();
        for pillar in lens["pillars"].as_array().unwrap() {
            assert!(pillars.insert(pillar["id"].as_str().unwrap()), "{name}: pillar {} twice", pillar["id"]);
            for question in pillar["questions"].as_array().unwrap() {
                assert!(
                    questions.insert(question["id"].as_str().unwrap()),
                    "{name}: question {} twice",
                    question["id"]
                );
                let choices: Vec<&str> =
                    question["choices"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
                let unique: std::collections::BTreeSet<&str> = choices.iter().copied().collect();
                assert_eq!(unique.len(), choices.len(), "{name}: {choices:?}");
                // Only the last choice is "None of these" (its id ends in `_no`), and pillar
                // and choice ids fit the API's 64 characters.
                let (none, practices) = choices.split_last().unwrap();
                assert!(none.ends_with("_no") && practices.iter().all(|c| !c.ends_with("_no")), "{choices:?}");
                assert!(choices.iter().chain([&pillar["id"].as_str().unwrap()]).all(|c| c.len() <= 64));
                // Risk rules name the question's own choices, and `default` comes last.
                let rules = question["riskRules"].as_array().unwrap();
                assert_eq!(rules.last().unwrap()["condition"], "default", "{name}: {}", question["id"]);
                for rule in &rules[..rules.len() - 1] {
                    for id in rule["condition"].as_str().unwrap().split(" && ") {
                        assert!(practices.contains(&id), "{name}: {id} in {}", question["id"]);
                    }
                }
            }
        }
        // Round trip: the lens read back holds each level of each area of the model as a
        // question whose choices are exactly that level's practices, in the model's order.
        let model: toml::Value =
            toml::from_str(&std::fs::read_to_string(root().join(format!("questionnaires/{name}.toml"))).unwrap())
                .unwrap();
        let mut expected = Vec::new();
        for area in model["area"].as_array().unwrap() {
            let area_id = area["id"].as_str().unwrap();
            for level in 2..=5 {
                let practices: Vec<String> = model["practice"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|p| p["area"].as_str() == Some(area_id) && p["level"].as_integer() == Some(level))
                    .map(|p| p["id"].as_str().unwrap().replace('-', "_"))
                    .collect();
                if !practices.is_empty() {
                    expected.push((format!("{}_level_{level}", area_id.replace('-', "_")), practices));
                }
            }
        }
        let read_back: Vec<(String, Vec<String>)> = lens["pillars"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|p| p["questions"].as_array().unwrap())
            .map(|q| {
                let choices = q["choices"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned());
                (q["id"].as_str().unwrap().to_owned(), choices.filter(|c| c != "none_of_these_no").collect())
            })
            .collect();
        assert_eq!(read_back, expected, "{name}");
        let questions: Vec<String> = questions.into_iter().map(str::to_owned).collect();
        lenses.insert(name, (lens.clone(), questions));
    }
    let devops = &lenses["devops"].0;
    assert_eq!(devops["pillars"].as_array().unwrap().len(), 9);
    let ci = &devops["pillars"][0];
    assert_eq!(ci["id"], "continuous_integration");
    assert_eq!(ci["questions"][0]["id"], "continuous_integration_level_2");
    assert!(ci["questions"][0]["choices"][0]["improvementPlan"]["displayText"].as_str().unwrap().len() > 100);

    // The answers of an assessment: each answered question's chosen practices, every id one
    // of the lens's; a question whose practices were all out of scope is not answered.
    let assessed = tempfile::tempdir().unwrap();
    let output = run(kaizen()
        .args(["assess", "--quiet", "--format", "json", "--out"])
        .arg(assessed.path())
        .arg(crate::support::fixture("assess/gitlab-ci")));
    assert_eq!(output.status.code(), Some(0));
    let result_path = assessed.path().join("result.json");
    let output = run(kaizen().args(["model", "export", "--format", "wa-answers", "--answers"]).arg(&result_path));
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let answers: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(answers["lens"], devops["name"]);
    let result: serde_json::Value = serde_json::from_slice(&std::fs::read(&result_path).unwrap()).unwrap();
    let states: std::collections::BTreeMap<String, String> = result["targets"][0]["assessment"]["practices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap().replace('-', "_"), p["state"].as_str().unwrap().to_owned()))
        .collect();
    let answered = answers["answers"].as_array().unwrap();
    assert!(answered.len() >= 5, "{answers:#}");
    for answer in answered {
        let question = answer["QuestionId"].as_str().unwrap();
        assert!(lenses["devops"].1.iter().any(|q| q == question), "{question}");
        for choice in answer["SelectedChoices"].as_array().unwrap() {
            let choice = choice.as_str().unwrap();
            assert!(choice == "none_of_these_no" || states[choice] == "satisfied", "{question}: {choice}");
        }
    }
    let ci_level_2 = answered.iter().find(|a| a["QuestionId"] == "continuous_integration_level_2").unwrap();
    assert!(
        ci_level_2["SelectedChoices"].as_array().unwrap().iter().any(|c| c == "ci_automated_build"),
        "{ci_level_2}"
    );

    // A result with two targets needs --target; an unknown one is named with the others.
    let two = tempfile::tempdir().unwrap();
    let output = run(kaizen()
        .args(["assess", "--quiet", "--format", "json", "--out"])
        .arg(two.path())
        .arg(crate::support::fixture("assess/gitlab-ci"))
        .arg(crate::support::fixture("assess/jenkins")));
    assert_eq!(output.status.code(), Some(0));
    let output = run(kaizen()
        .args(["model", "export", "--format", "wa-answers", "--answers"])
        .arg(two.path().join("result.json")));
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr)
        .contains("has 2 scored targets: name one with --target (gitlab-ci, jenkins)"));
    let output = run(kaizen()
        .args(["model", "export", "--format", "wa-answers", "--target", "jenkins", "--answers"])
        .arg(two.path().join("result.json")));
    assert_eq!(output.status.code(), Some(0));
}
