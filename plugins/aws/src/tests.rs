//! The plugin on inventory snapshots shaped as `kaizen collect aws` writes them.

use super::*;
use kaizen_plugin_sdk::cloud::*;
use kaizen_plugin_sdk::{json, Status};
use serde::Serialize;

/// The inventory as `kaizen collect aws` writes it: `value`, with every field a test leaves
/// out at its default (an empty list, `false`, `null`).
fn typed(value: &Value) -> Inventory {
    let mut v = over(Inventory::default(), value);
    let s = &mut v["services"];
    s["iam"] = over(Iam::default(), &s["iam"]);
    if s["iam"]["password_policy"].is_object() {
        s["iam"]["password_policy"] = over(PasswordPolicy::default(), &s["iam"]["password_policy"]);
    }
    items::<OldAccessKey>(&mut s["iam"]["old_access_keys"]);
    s["s3"] = over(S3::default(), &s["s3"]);
    items::<Bucket>(&mut s["s3"]["buckets"]);
    for bucket in s["s3"]["buckets"].as_array_mut().into_iter().flatten() {
        bucket["public_access_block"] = over(PublicAccessBlock::default(), &bucket["public_access_block"]);
        bucket["encryption"] = over(BucketEncryption::default(), &bucket["encryption"]);
    }
    regional::<CloudTrail>(s, "cloudtrail", |r| items::<Trail>(&mut r["trails"]));
    regional::<ConfigService>(s, "config", |r| items::<ConfigRecorder>(&mut r["recorders"]));
    regional::<GuardDuty>(s, "guardduty", |r| items::<Detector>(&mut r["detectors"]));
    regional::<SecurityHub>(s, "securityhub", |_| {});
    regional::<CloudWatch>(s, "cloudwatch", |r| items::<Alarm>(&mut r["alarms"]));
    regional::<Logs>(s, "logs", |r| items::<LogGroup>(&mut r["log_groups"]));
    regional::<XRay>(s, "xray", |r| {
        items::<XRayGroup>(&mut r["groups"]);
        items::<SamplingRule>(&mut r["sampling_rules"]);
    });
    regional::<CloudFormation>(s, "cloudformation", |r| items::<Stack>(&mut r["stacks"]));
    regional::<CodePipeline>(s, "codepipeline", |r| {
        items::<Pipeline>(&mut r["pipelines"]);
        for p in r["pipelines"].as_array_mut().into_iter().flatten() {
            items::<PipelineExecution>(&mut p["executions"]);
        }
    });
    regional::<CodeBuild>(s, "codebuild", |r| items::<BuildProject>(&mut r["projects"]));
    regional::<Ecr>(s, "ecr", |r| items::<Repository>(&mut r["repositories"]));
    regional::<Backup>(s, "backup", |r| items::<BackupPlan>(&mut r["plans"]));
    regional::<Fis>(s, "fis", |r| items::<ExperimentTemplate>(&mut r["experiment_templates"]));
    kaizen_plugin_sdk::serde_json::from_value(v).unwrap()
}

/// `value` over the JSON of `default`: objects merged key by key, anything else replaced;
/// `null` stays `null`.
fn over(default: impl Serialize, value: &Value) -> Value {
    if value.is_null() {
        return Value::Null;
    }
    let mut base = kaizen_plugin_sdk::serde_json::to_value(default).unwrap();
    merge(&mut base, value);
    base
}

fn merge(base: &mut Value, value: &Value) {
    match (base, value) {
        (Value::Object(base), Value::Object(value)) => {
            for (key, v) in value {
                match base.get_mut(key) {
                    Some(slot) if slot.is_object() && v.is_object() => merge(slot, v),
                    _ => {
                        base.insert(key.clone(), v.clone());
                    }
                }
            }
        }
        (base, value) => *base = value.clone(),
    }
}

/// Every item of a list over the default item.
fn items<T: Serialize + Default>(list: &mut Value) {
    for item in list.as_array_mut().into_iter().flatten() {
        *item = over(T::default(), item);
    }
}

/// Every region of a regional service over the service's default, then `inner` on it.
fn regional<T: Serialize + Default>(services: &mut Value, service: &str, inner: impl Fn(&mut Value)) {
    for region in services[service].as_object_mut().into_iter().flat_map(|m| m.values_mut()) {
        *region = over(T::default(), region);
        if !region.is_null() {
            inner(region);
        }
    }
}

fn finding<'a>(response: &'a Response, check: &str) -> &'a Finding {
    response.findings.iter().find(|f| f.check == check).unwrap_or_else(|| panic!("no finding {check}"))
}

/// An account run with care in us-east-1 and less so in eu-west-1.
fn mature() -> Value {
    json!({
        "kind": "kaizen-aws-inventory", "version": 1, "account_id": "123456789012",
        "regions": ["eu-west-1", "us-east-1"], "collected_at": "2026-11-26T10:00:00Z", "kaizen_version": "0.1.0",
        "services": {
            "iam": {
                "root_mfa_enabled": true, "root_access_keys_present": false,
                "password_policy": { "exists": true, "minimum_length": 14, "reuse_prevention": 24,
                                     "require_symbols": true, "require_numbers": true, "require_uppercase": true,
                                     "require_lowercase": true, "allow_users_to_change": true, "expire_passwords": false },
                "users": [], "users_without_mfa": [], "old_access_keys": [
                    { "user": "ci-legacy", "id": "…WXYZ", "status": "Inactive", "age_days": 400 }
                ],
            },
            "s3": { "buckets": [
                { "name": "acme-logs", "public_access_block": { "configured": true, "block_public_acls": true,
                  "ignore_public_acls": true, "block_public_policy": true, "restrict_public_buckets": true },
                  "encryption": { "configured": true, "algorithms": ["aws:kms"], "bucket_key_enabled": true },
                  "versioning": "Enabled" },
                { "name": "acme-site", "public_access_block": { "configured": true, "block_public_acls": true,
                  "ignore_public_acls": true, "block_public_policy": false, "restrict_public_buckets": false },
                  "encryption": { "configured": true, "algorithms": ["AES256"], "bucket_key_enabled": false },
                  "versioning": "Suspended" },
            ]},
            "cloudtrail": {
                "eu-west-1": { "trails": [{ "name": "org-trail", "shadow": true, "multi_region": true, "is_logging": true }] },
                "us-east-1": { "trails": [{ "name": "org-trail", "shadow": false, "multi_region": true, "is_logging": true }] },
            },
            "config": {
                "eu-west-1": { "recorders": [] },
                "us-east-1": { "recorders": [{ "name": "default", "all_supported": true, "recording": true }] },
            },
            "guardduty": {
                "eu-west-1": { "detectors": [{ "id": "d1", "status": "ENABLED" }] },
                "us-east-1": { "detectors": [{ "id": "d2", "status": "ENABLED" }] },
            },
            "securityhub": { "eu-west-1": null, "us-east-1": { "enabled": true } },
            "cloudwatch": {
                "eu-west-1": { "alarms": [] },
                "us-east-1": { "alarms": [
                    { "name": "api-5xx", "kind": "metric", "state": "OK", "actions_enabled": true, "has_alarm_actions": true },
                    { "name": "queue-age", "kind": "metric", "state": "OK", "actions_enabled": false, "has_alarm_actions": true },
                ]},
            },
            "logs": {
                "eu-west-1": { "log_groups": [] },
                "us-east-1": { "log_groups": [
                    { "name": "/aws/lambda/api", "retention_days": 30 },
                    { "name": "/aws/lambda/worker", "retention_days": null },
                ]},
            },
            "xray": { "us-east-1": { "groups": [{ "name": "Default" }, { "name": "checkout" }], "sampling_rules": null } },
            "cloudformation": { "us-east-1": { "stacks": [
                { "name": "network", "status": "UPDATE_COMPLETE", "nested": false, "drift_status": "IN_SYNC" },
                { "name": "api", "status": "CREATE_COMPLETE", "nested": false, "drift_status": "DRIFTED" },
                { "name": "api-nested", "status": "CREATE_COMPLETE", "nested": true, "drift_status": null },
                { "name": "old", "status": "DELETE_COMPLETE", "nested": false },
            ]}},
            "codepipeline": { "us-east-1": { "pipelines": [{ "name": "api", "executions": [
                { "pipeline_execution_id": "1", "status": "Succeeded" }, { "pipeline_execution_id": "2", "status": "Succeeded" },
                { "pipeline_execution_id": "3", "status": "Succeeded" }, { "pipeline_execution_id": "4", "status": "Failed" },
                { "pipeline_execution_id": "5", "status": "Stopped" }, { "pipeline_execution_id": "6", "status": "InProgress" },
            ]}]}},
            "codebuild": { "us-east-1": { "projects": [{ "name": "api-build" }] } },
            "ecr": { "us-east-1": { "repositories": [{ "name": "api", "scan_on_push": true }] } },
            "backup": { "us-east-1": { "plans": [{ "name": "daily" }] } },
            "fis": { "us-east-1": null },
        },
        "errors": [
            { "service": "securityhub", "operation": "DescribeHub", "region": "eu-west-1", "code": "AccessDeniedException", "message": "no" },
            { "service": "fis", "operation": "ListExperimentTemplates", "region": "us-east-1", "code": "InternalFailure", "message": "not implemented" },
        ],
    })
}

fn statuses(response: &Response) -> Vec<(&str, Status, Option<f64>)> {
    response.findings.iter().map(|f| (f.check.as_str(), f.status, f.score)).collect()
}

#[test]
fn a_mature_account_with_gaps() {
    let response = assess(&Account::new(&typed(&mature())));
    assert_eq!(
        statuses(&response),
        vec![
            ("cloudtrail-enabled", Status::Pass, None),
            ("config-recording", Status::Warn, Some(0.5)),
            ("guardduty-enabled", Status::Pass, None),
            ("securityhub-enabled", Status::Pass, None),
            ("root-mfa", Status::Pass, None),
            ("users-mfa", Status::Pass, None),
            ("access-keys-rotated", Status::Pass, None),
            ("password-policy", Status::Pass, None),
            ("s3-public-access-blocked", Status::Warn, Some(0.5)),
            ("s3-encryption", Status::Pass, Some(1.0)),
            ("s3-versioning", Status::Warn, Some(0.5)),
            ("ecr-scan-on-push", Status::Pass, Some(1.0)),
            ("alarms", Status::Pass, None),
            ("log-retention", Status::Warn, Some(0.5)),
            ("xray-in-use", Status::Pass, None),
            ("cloudformation-stacks", Status::Warn, Some(0.5)),
            ("codepipeline-success", Status::Warn, Some(0.75)),
            ("backup-plans", Status::Pass, None),
            ("fis-experiments", Status::NotApplicable, None),
        ]
    );
    let f = &response.facts;
    assert_eq!(f["aws.cloudtrail_enabled"], true);
    assert_eq!(f["aws.config_recording"], false, "not in every region");
    assert_eq!(f["aws.securityhub_enabled"], true, "in every region that could be read");
    assert_eq!(f["aws.s3_public_access_blocked"], false);
    assert_eq!(f["aws.stale_access_keys"], 0, "an inactive old key is not a risk");
    assert_eq!(f["aws.codepipeline_success_rate"], 0.75);
    assert_eq!(f["aws.cloudformation_stacks"], 2);
    assert_eq!(f["aws.fis_templates"], Value::Null);
    assert_eq!(f["aws.account_id"], "123456789012");
    assert_eq!(
        finding(&response, "securityhub-enabled").message,
        "Security Hub is enabled in every region collected (us-east-1) (eu-west-1 could not be read)"
    );
    assert_eq!(
        finding(&response, "fis-experiments").message,
        "the inventory could not read fis in any region (InternalFailure on fis:ListExperimentTemplates)"
    );
    assert_eq!(
        finding(&response, "s3-public-access-blocked").message,
        "1 of 2 S3 buckets block all public access; not: acme-site"
    );
    let reported: Vec<&str> = response.facts.keys().map(String::as_str).collect();
    assert_eq!(reported, checks::FACTS, "every declared fact, sorted");
}

#[test]
fn a_neglected_account_fails_without_naming_people() {
    let mut inventory = mature();
    let services = &mut inventory["services"];
    services["iam"] = json!({
        "root_mfa_enabled": false, "root_access_keys_present": true,
        "password_policy": { "exists": false },
        "users_without_mfa": ["alice.smith", "bob"],
        "old_access_keys": [{ "user": "alice.smith", "id": "…ABCD", "status": "Active", "age_days": 200 }],
    });
    services["cloudtrail"] =
        json!({ "us-east-1": { "trails": [{ "name": "t", "multi_region": false, "is_logging": true }] } });
    services["cloudwatch"] = json!({ "us-east-1": { "alarms": [] } });
    let response = assess(&Account::new(&typed(&inventory)));
    assert_eq!(finding(&response, "root-mfa").status, Status::Fail);
    assert_eq!(finding(&response, "root-mfa").message, "the root user has access keys: delete them and use roles");
    let users = finding(&response, "users-mfa");
    assert_eq!(
        (users.status, users.message.as_str()),
        (Status::Fail, "2 IAM users with a console password have no MFA device")
    );
    assert_eq!(finding(&response, "access-keys-rotated").message, "1 active access key is older than 90 days");
    assert_eq!(finding(&response, "password-policy").status, Status::Fail);
    let trail = finding(&response, "cloudtrail-enabled");
    assert_eq!((trail.status, trail.score), (Status::Warn, Some(0.5)));
    assert_eq!(trail.message, "trail t logs, but only in its region: no trail covers every region");
    assert_eq!(finding(&response, "alarms").status, Status::Fail);
    let text = kaizen_plugin_sdk::serde_json::to_string(&response).unwrap();
    assert!(!text.contains("alice") && !text.contains("bob"), "IAM user names are counted, not named: {text}");
}

#[test]
fn denied_calls_make_checks_not_apply_and_no_inventory_is_not_a_failure() {
    let mut inventory = mature();
    inventory["services"]["iam"] = json!({ "root_mfa_enabled": null, "password_policy": null, "users_without_mfa": null, "old_access_keys": null });
    inventory["services"]["s3"] = json!({ "buckets": null });
    inventory["errors"] =
        json!([{ "service": "iam", "operation": "GetAccountSummary", "code": "AccessDenied", "message": "denied" }]);
    let response = assess(&Account::new(&typed(&inventory)));
    for check in ["root-mfa", "users-mfa", "access-keys-rotated", "password-policy", "s3-encryption"] {
        assert_eq!(finding(&response, check).status, Status::NotApplicable, "{check}");
    }
    assert_eq!(
        finding(&response, "root-mfa").message,
        "the account summary could not be read (AccessDenied on iam:GetAccountSummary)"
    );
    assert_eq!(response.facts["aws.root_mfa"], Value::Null);

    let none = no_inventory();
    assert!(none.findings.iter().all(|f| f.status == Status::NotApplicable));
    assert_eq!(none.findings.len(), checks::CHECKS.len());
    assert_eq!(none.facts.len(), checks::FACTS.len());
}

/// `plugin.toml` declares exactly the checks and facts the plugin reports.
#[test]
fn manifest_matches_the_code() {
    let manifest = include_str!("../plugin.toml");
    let quoted = |text: &str, key: &str| -> String {
        let rest = text.split(key).nth(1).unwrap();
        let start = rest.find('"').unwrap() + 1;
        rest[start..start + rest[start..].find('"').unwrap()].to_string()
    };
    let checks: Vec<String> = manifest.split("[[checks]]").skip(1).map(|c| quoted(c, "id =")).collect();
    assert_eq!(checks, checks::CHECKS);
    assert!(manifest.split("[[checks]]").skip(1).all(|c| c.contains("](https://")), "every check links a reference");
    let mut facts: Vec<String> = manifest.split("[[facts]]").skip(1).map(|f| quoted(f, "name =")).collect();
    facts.sort();
    assert_eq!(facts, checks::FACTS);
}
