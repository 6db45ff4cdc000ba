//! Where in a pipeline its commands are, and the actions, tasks, orbs or steps it uses.

use super::{Place, Run, Step, System};
use kaizen_plugin_sdk::serde_json::Map;
use kaizen_plugin_sdk::Value;

/// Where a system keeps commands and references: the keys holding shell scripts (a string
/// or a list of strings), the keys naming an action or task, and what else it derives from
/// one mapping.
struct Keys {
    shell: &'static [&'static str],
    references: &'static [&'static str],
    /// CircleCI's `run` may be a mapping whose `command` is the script.
    command_in_map: bool,
    special: fn(&Map<String, Value>, &mut Vec<Step>),
}

fn keys(system: System) -> Keys {
    let plain = Keys { shell: &[], references: &[], command_in_map: false, special: no_special };
    match system {
        System::GithubActions => Keys { shell: &["run"], references: &["uses"], special: github_special, ..plain },
        System::GitlabCi => {
            Keys { shell: &["script", "before_script", "after_script"], special: gitlab_special, ..plain }
        }
        System::Circleci => Keys { shell: &["run"], command_in_map: true, special: circleci_special, ..plain },
        System::AzurePipelines => Keys {
            shell: &["script", "bash", "pwsh", "powershell", "inlineScript", "filePath", "scriptPath"],
            references: &["task"],
            special: azure_special,
            ..plain
        },
        System::BitbucketPipelines => Keys { shell: &["script"], references: &["pipe"], ..plain },
        System::Travis => Keys {
            shell: &["script", "before_script", "install", "before_install", "after_success", "deploy"],
            ..plain
        },
        System::Buildkite => Keys { shell: &["command", "commands"], ..plain },
        System::Drone => Keys { shell: &["commands"], ..plain },
        System::Tekton => Keys { shell: &["script"], special: tekton_special, ..plain },
        System::AwsCodebuild => Keys { shell: &["commands"], ..plain },
        // Jenkinsfiles arrive as a list of steps; see `jenkins_steps`.
        System::Jenkins => plain,
    }
}

/// The commands a pipeline runs and what it refers to, in document order.
pub(super) fn steps(system: System, value: &Value) -> Vec<Step> {
    if system == System::Jenkins {
        return jenkins_steps(value);
    }
    let mut out = Vec::new();
    walk(value, &keys(system), &mut out);
    out
}

fn walk(value: &Value, keys: &Keys, out: &mut Vec<Step>) {
    match value {
        Value::Object(map) => {
            (keys.special)(map, out);
            for (key, value) in map {
                if keys.shell.contains(&key.as_str()) {
                    shell_strings(value, keys, out);
                } else if keys.references.contains(&key.as_str()) {
                    if let Some(name) = value.as_str() {
                        out.push(Step::reference(name));
                    }
                } else {
                    walk(value, keys, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| walk(item, keys, out)),
        _ => {}
    }
}

fn shell_strings(value: &Value, keys: &Keys, out: &mut Vec<Step>) {
    match value {
        Value::String(script) => out.push(Step::shell(script)),
        Value::Array(items) => items.iter().for_each(|item| shell_strings(item, keys, out)),
        Value::Object(map) if keys.command_in_map => {
            if let Some(script) = map.get("command").and_then(Value::as_str) {
                out.push(Step::shell(script));
            }
        }
        // Not a script after all (`defaults: run: shell: bash`, Travis' `deploy: provider:`).
        Value::Object(_) => walk(value, keys, out),
        _ => {}
    }
}

fn no_special(_: &Map<String, Value>, _: &mut Vec<Step>) {}

fn str_at<'a>(map: &'a Map<String, Value>, path: &[&str]) -> Option<&'a str> {
    let (last, parents) = path.split_last()?;
    let mut map = map;
    for key in parents {
        map = map.get(*key)?.as_object()?;
    }
    map.get(*last)?.as_str()
}

/// An action's `command` input is a shell command for actions that wrap one
/// (`nick-fields/retry`, `cypress-io/github-action`); `actions-rs/cargo` runs
/// `cargo <command> <args>`.
fn github_special(step: &Map<String, Value>, out: &mut Vec<Step>) {
    let (uses, command) = match (step.get("uses").and_then(Value::as_str), str_at(step, &["with", "command"])) {
        (Some(uses), Some(command)) => (uses, command),
        _ => return,
    };
    if uses.to_ascii_lowercase().starts_with("actions-rs/cargo@") {
        let args = str_at(step, &["with", "args"]).unwrap_or("");
        out.push(assembled(format!("cargo {} {}", command, args), uses, "command", command));
    } else {
        out.push(Step::shell(command));
    }
}

fn assembled(command: String, anchor: &str, key: &str, value: &str) -> Step {
    Step {
        run: Run::Shell(command.trim().to_string()),
        place: Place::Item { anchor: anchor.to_string(), key: key.to_string(), value: value.to_string() },
    }
}

/// Included templates and components (`template: Jobs/Code-Quality.gitlab-ci.yml`).
fn gitlab_special(map: &Map<String, Value>, out: &mut Vec<Step>) {
    fn include(value: &Value, out: &mut Vec<Step>) {
        match value {
            Value::String(name) => out.push(Step::reference(name)),
            Value::Array(items) => items.iter().for_each(|item| include(item, out)),
            Value::Object(entry) => {
                for key in ["template", "component", "local", "file", "remote"] {
                    if let Some(value) = entry.get(key) {
                        include(value, out);
                    }
                }
            }
            _ => {}
        }
    }
    if let Some(value) = map.get("include") {
        include(value, out);
    }
}

/// Orb commands and jobs: `- node/test` or `- node/test: {version: "20"}` in `steps` and
/// in a workflow's `jobs`.
fn circleci_special(map: &Map<String, Value>, out: &mut Vec<Step>) {
    let is_orb = |name: &str| name.contains('/') && !name.contains(char::is_whitespace);
    for key in ["steps", "jobs"] {
        for item in map.get(key).and_then(Value::as_array).into_iter().flatten() {
            let name = match item {
                Value::String(name) => Some(name.as_str()),
                Value::Object(call) if call.len() == 1 => call.keys().next().map(String::as_str),
                _ => None,
            };
            if let Some(name) = name.filter(|n| is_orb(n)) {
                out.push(Step::reference(name));
            }
        }
    }
}

/// Tasks whose inputs say which command they run.
fn azure_special(step: &Map<String, Value>, out: &mut Vec<Step>) {
    let task = match step.get("task").and_then(Value::as_str) {
        Some(task) => task,
        None => return,
    };
    let input = |key: &str| str_at(step, &["inputs", key]);
    let name = task.split('@').next().unwrap_or(task).to_ascii_lowercase();
    let (command, key, value) = match name.as_str() {
        "dotnetcorecli" => {
            let command = input("command").unwrap_or("build");
            (format!("dotnet {} {}", command, input("arguments").unwrap_or("")), "command", command)
        }
        "maven" => {
            let goals = input("goals").unwrap_or("package");
            (format!("mvn {} {}", goals, input("options").unwrap_or("")), "goals", goals)
        }
        "gradle" => {
            let tasks = input("tasks").unwrap_or("build");
            (format!("gradle {} {}", tasks, input("options").unwrap_or("")), "tasks", tasks)
        }
        "ant" => {
            let targets = input("targets").unwrap_or("");
            (format!("ant {}", targets), "targets", targets)
        }
        "xcode" => {
            let actions = input("actions").unwrap_or("build");
            (format!("xcodebuild {}", actions), "actions", actions)
        }
        "npm" => match input("command").unwrap_or("install") {
            "custom" => {
                let custom = input("customCommand").unwrap_or("");
                (format!("npm {}", custom), "customCommand", custom)
            }
            command => (format!("npm {}", command), "command", command),
        },
        _ => return,
    };
    out.push(assembled(command, task, key, value));
}

/// A step's `command` and `args` run together (`command: [go]`, `args: [test, ./...]`), and
/// `taskRef` names a task, often from the Tekton catalog (`golang-test`).
fn tekton_special(map: &Map<String, Value>, out: &mut Vec<Step>) {
    let strings = |key: &str| -> Vec<&str> {
        match map.get(key) {
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
            Some(Value::String(word)) => vec![word.as_str()],
            _ => Vec::new(),
        }
    };
    let words: Vec<&str> = strings("command").into_iter().chain(strings("args")).collect();
    if map.contains_key("image") && !words.is_empty() {
        let longest = words.iter().copied().max_by_key(|w| w.len()).unwrap_or("");
        out.push(Step { run: Run::Shell(words.join(" ")), place: Place::Also(vec![longest.to_string()]) });
    }
    for key in ["taskRef", "pipelineRef"] {
        if let Some(name) = str_at(map, &[key, "name"]) {
            out.push(Step::reference(name));
        }
    }
}

const JENKINS_SHELL_STEPS: &[&str] = &["sh", "bat", "powershell", "pwsh"];

fn jenkins_steps(value: &Value) -> Vec<Step> {
    let mut calls: Vec<&Value> = value.get("steps").and_then(Value::as_array).into_iter().flatten().collect();
    if calls.is_empty() {
        // Older hosts may only nest the steps in their stages.
        let stages = value.get("stages").and_then(Value::as_array).into_iter().flatten();
        calls = stages.flat_map(|s| s.get("steps").and_then(Value::as_array).into_iter().flatten()).collect();
    }
    let mut out = Vec::new();
    for call in calls {
        let name = match call.get("name").and_then(Value::as_str) {
            Some(name) => name,
            None => continue,
        };
        let place = match call.get("line").and_then(Value::as_u64) {
            Some(line) => Place::Line(line as u32),
            None => Place::Search,
        };
        let run = if JENKINS_SHELL_STEPS.contains(&name) {
            let args = call.get("args").and_then(Value::as_str).unwrap_or("");
            let text = call.get("text").and_then(Value::as_str).unwrap_or("");
            Run::Shell(jenkins_script(args, text))
        } else {
            Run::Reference(name.to_string())
        };
        out.push(Step { run, place });
    }
    out
}

/// The script of a Jenkins shell step. The host joins every string literal of the call, so
/// for `sh label: 'Unit tests', script: 'make test'` the label would run into the command:
/// read the `script:` argument from the raw arguments when there is one.
fn jenkins_script(args: &str, text: &str) -> String {
    if let Some(at) = args.find("script:") {
        let rest = args[at + "script:".len()..].trim_start();
        for quote in ["'''", "\"\"\"", "'", "\""] {
            if let Some(body) = rest.strip_prefix(quote) {
                if let Some(end) = body.find(quote) {
                    return body[..end].to_string();
                }
            }
        }
    }
    text.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use kaizen_plugin_sdk::json;

    fn shell(system: System, value: Value) -> Vec<String> {
        steps(system, &value)
            .into_iter()
            .filter_map(|step| match step.run {
                Run::Shell(script) => Some(script),
                Run::Reference(_) => None,
            })
            .collect()
    }

    #[test]
    fn azure_tasks_run_the_command_their_inputs_name() {
        let pipeline = json!({"steps": [
            {"task": "Maven@4", "inputs": {"goals": "clean verify", "options": "-B"}},
            {"task": "Gradle@3", "inputs": {"tasks": "assembleDebug"}},
            {"task": "Npm@1", "inputs": {"command": "custom", "customCommand": "run test:ci"}},
            {"task": "Xcode@5", "inputs": {"actions": "test", "scheme": "App"}},
            {"task": "Bash@3", "inputs": {"targetType": "inline", "script": "make lint"}},
            {"task": "DotNetCoreCLI@2"}
        ]});
        assert_eq!(
            shell(System::AzurePipelines, pipeline),
            vec![
                "mvn clean verify -B",
                "gradle assembleDebug",
                "npm run test:ci",
                "xcodebuild test",
                "make lint",
                "dotnet build",
            ]
        );
    }

    #[test]
    fn an_assembled_command_is_found_by_its_task_and_input() {
        let step = json!({"uses": "actions-rs/cargo@v1", "with": {"command": "test", "args": "--all-features"}});
        let found = steps(System::GithubActions, &json!({"jobs": {"test": {"steps": [step]}}}));
        assert_eq!(
            found,
            vec![
                assembled("cargo test --all-features".to_string(), "actions-rs/cargo@v1", "command", "test"),
                Step::reference("actions-rs/cargo@v1"),
            ]
        );
    }

    #[test]
    fn a_wrapped_command_is_a_script() {
        let step = json!({"uses": "nick-fields/retry@v3", "with": {"max_attempts": 3, "command": "npm test"}});
        assert_eq!(shell(System::GithubActions, json!({"jobs": {"test": {"steps": [step]}}})), vec!["npm test"]);
    }

    #[test]
    fn tekton_steps_join_command_and_args() {
        let task = json!({"apiVersion": "tekton.dev/v1", "kind": "Pipeline", "spec": {
            "tasks": [{"name": "lint", "taskRef": {"name": "golangci-lint"}}],
            "finally": [{"name": "deploy-staging", "taskRef": {"name": "kubernetes-actions"}}],
            "steps": [{"name": "unit", "image": "golang", "command": ["go"], "args": ["test", "./..."]}]
        }});
        assert_eq!(shell(System::Tekton, task.clone()), vec!["go test ./..."]);
        let references: Vec<Run> = steps(System::Tekton, &task).into_iter().map(|s| s.run).collect();
        assert!(references.contains(&Run::Reference("golangci-lint".to_string())));
    }

    #[test]
    fn circleci_orb_steps_and_jobs_are_references() {
        let config = json!({"jobs": {"build": {"steps": ["checkout", "python/install-packages", {"sonarcloud/scan": {}}]}},
                            "workflows": {"ci": {"jobs": ["build", {"python/test": {"pkg-manager": "pip"}}]}}});
        let references: Vec<String> = steps(System::Circleci, &config)
            .into_iter()
            .filter_map(|s| match s.run {
                Run::Reference(name) => Some(name),
                Run::Shell(_) => None,
            })
            .collect();
        assert_eq!(references, vec!["python/install-packages", "sonarcloud/scan", "python/test"]);
    }

    #[test]
    fn jenkins_script_argument_is_the_command() {
        assert_eq!(
            jenkins_script("label: 'Unit tests', script: './mvnw verify'", "Unit tests./mvnw verify"),
            "./mvnw verify"
        );
        assert_eq!(jenkins_script("script: '''\n  make test\n''', returnStatus: true", "x"), "\n  make test\n");
        assert_eq!(jenkins_script("'echo script: done'", "echo script: done"), "echo script: done");
    }
}
