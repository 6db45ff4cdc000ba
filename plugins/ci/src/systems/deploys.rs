//! Whether a pipeline deploys, from its structure: deployment environments and jobs or
//! stages named for deploying. The commands it runs are judged with the other steps.

use super::{is_gitlab_job, System};
use crate::commands::is_deploy_name;
use kaizen_plugin_sdk::serde_json::Map;
use kaizen_plugin_sdk::Value;

/// Why a pipeline looks like it deploys, from its structure.
pub(super) fn deploys(system: System, value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let empty = Map::new();
    let map = value.as_object().unwrap_or(&empty);
    match system {
        System::GithubActions => {
            for (id, job) in map.get("jobs").and_then(Value::as_object).into_iter().flatten() {
                if let Some(environment) = job.get("environment") {
                    out.push(format!("job `{}` uses environment `{}`", id, environment_name(environment)));
                }
                let name = job.get("name").and_then(Value::as_str).unwrap_or("");
                if is_deploy_name(id) || is_deploy_name(name) {
                    out.push(format!("job `{}`", id));
                }
            }
        }
        System::GitlabCi => {
            for (id, job) in map.iter().filter(|(k, v)| is_gitlab_job(k, v)) {
                if let Some(environment) = job.get("environment") {
                    out.push(format!("job `{}` uses environment `{}`", id, environment_name(environment)));
                }
                let stage = job.get("stage").and_then(Value::as_str).unwrap_or("");
                if is_deploy_name(id) || is_deploy_name(stage) {
                    out.push(format!("job `{}` in stage `{}`", id, stage));
                }
            }
        }
        System::Jenkins => {
            for stage in map.get("stages").and_then(Value::as_array).into_iter().flatten() {
                let name = stage.get("name").and_then(Value::as_str).unwrap_or("");
                if is_deploy_name(name) {
                    out.push(format!("stage `{}`", name));
                }
            }
        }
        System::Circleci => {
            for id in map.get("jobs").and_then(Value::as_object).into_iter().flatten().map(|(id, _)| id) {
                if is_deploy_name(id) {
                    out.push(format!("job `{}`", id));
                }
            }
        }
        System::AzurePipelines => {
            named(value, &["stage", "job", "deployment"], &mut out);
            keyed(value, &["environment"], &mut out);
        }
        System::BitbucketPipelines => {
            named(value, &["name"], &mut out);
            keyed(value, &["deployment"], &mut out);
        }
        System::Travis => {
            named(value, &["stage"], &mut out);
            keyed(value, &["deploy"], &mut out);
        }
        System::Buildkite => named(value, &["label", "key"], &mut out),
        System::Drone => named(value, &["name"], &mut out),
        System::Tekton => {
            let spec = map.get("spec");
            let tasks =
                ["tasks", "finally"].iter().filter_map(|k| spec.and_then(|s| s.get(*k)).and_then(Value::as_array));
            for task in tasks.flatten() {
                let name = task.get("name").and_then(Value::as_str).unwrap_or("");
                if is_deploy_name(name) {
                    out.push(format!("task `{}`", name));
                }
            }
        }
        System::AwsCodebuild => {}
    }
    out
}

fn environment_name(environment: &Value) -> &str {
    environment.as_str().or_else(|| environment.get("name").and_then(Value::as_str)).unwrap_or("?")
}

/// Deploy-like string values of the given keys, anywhere in the document.
fn named(value: &Value, keys: &[&str], out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                match value.as_str() {
                    Some(name) if keys.contains(&key.as_str()) && is_deploy_name(name) => {
                        out.push(format!("{} `{}`", key, name))
                    }
                    _ => named(value, keys, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| named(item, keys, out)),
        _ => {}
    }
}

/// The given keys, anywhere in the document.
fn keyed(value: &Value, keys: &[&str], out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                if keys.contains(&key.as_str()) {
                    out.push(format!("`{}`", key));
                } else {
                    keyed(value, keys, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| keyed(item, keys, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kaizen_plugin_sdk::json;

    #[test]
    fn environments_and_deploy_jobs() {
        let workflow = json!({"jobs": {
            "build": {"runs-on": "ubuntu-latest"},
            "ship": {"environment": {"name": "production", "url": "https://example.com"}},
            "release": {"runs-on": "ubuntu-latest"}
        }});
        assert_eq!(
            deploys(System::GithubActions, &workflow),
            vec!["job `release`", "job `ship` uses environment `production`"]
        );
        let azure = json!({"stages": [{"stage": "Build", "jobs": [{"job": "Build"}]},
                                      {"stage": "Prod", "jobs": [{"deployment": "Web", "environment": "prod"}]}]});
        assert_eq!(deploys(System::AzurePipelines, &azure), vec!["`environment`"]);
        let bitbucket =
            json!({"pipelines": {"branches": {"main": [{"step": {"name": "Ship", "deployment": "production"}}]}}});
        assert_eq!(deploys(System::BitbucketPipelines, &bitbucket), vec!["`deployment`"]);
        let tekton = json!({"spec": {"tasks": [{"name": "lint"}], "finally": [{"name": "deploy-staging"}]}});
        assert_eq!(deploys(System::Tekton, &tekton), vec!["task `deploy-staging`"]);
        let build_only = json!({"jobs": {"build": {"steps": [{"run": "make"}]}, "test": {"steps": []}}});
        assert!(deploys(System::GithubActions, &build_only).is_empty());
    }
}
