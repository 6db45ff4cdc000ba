//! `kaizen schema`: the JSON Schema of result.json, documented field by field.

use crate::support::{kaizen, run};
use serde_json::Value;

fn schema() -> Value {
    let output = run(kaizen().arg("schema"));
    assert!(output.status.success());
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn the_schema_is_stable() {
    // A change here is a change of Kaizen's contract with other tools: review it, and bump
    // `schema_version` when a field is renamed or removed.
    insta::assert_json_snapshot!("result_schema", schema());
}

#[test]
fn every_field_of_the_schema_is_documented() {
    let schema = schema();
    let mut undocumented = Vec::new();
    let mut visit = |name: &str, def: &Value| {
        if def.get("description").is_none() && def.get("$ref").is_none() && !name.starts_with('#') {
            undocumented.push(format!("type {name}"));
        }
        for (field, spec) in def.get("properties").and_then(Value::as_object).into_iter().flatten() {
            if spec.get("description").is_none() {
                undocumented.push(format!("{name}.{field}"));
            }
        }
    };
    visit("AssessmentResult", &schema);
    for (name, def) in schema["$defs"].as_object().unwrap() {
        visit(name, def);
    }
    assert!(undocumented.is_empty(), "undocumented: {undocumented:#?}");
    assert_eq!(schema["properties"]["schema_version"]["type"], "integer");
    assert!(schema["required"].as_array().unwrap().contains(&Value::from("targets")));
}
