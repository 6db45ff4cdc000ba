//! The outline: the call tree becomes the JSON value plugins receive — the pipeline's kind,
//! its stages with the steps inside each, every step flattened with its innermost stage, and
//! its triggers. Each call's name decides its role: a stage, a `triggers` block, a setting
//! (skipped), a wrapper (not a step, but its insides are read) or a step. Entries are counted
//! against a size budget, since a step is repeated in every enclosing stage.

use serde_json::{json, Value};

use super::calls::Call;
use crate::parse::Failure;

/// Largest outline produced, counting the text of every entry (a step is repeated in each
/// enclosing stage). Real Jenkinsfiles stay far below; a hostile one fails instead of
/// growing the document a plugin receives.
const MAX_OUTLINE_BYTES: usize = 16 << 20;

/// What each outline entry costs beyond its text, roughly its JSON punctuation and keys.
const ENTRY_OVERHEAD: usize = 64;

/// Calls that organise a pipeline without doing work: not steps, but what they enclose is.
const WRAPPERS: &[&str] = &[
    "pipeline",
    "stages",
    "steps",
    "parallel",
    "matrix",
    "post",
    "always",
    "success",
    "failure",
    "unstable",
    "changed",
    "fixed",
    "regression",
    "aborted",
    "cleanup",
    "unsuccessful",
    "script",
    "node",
    "dir",
    "withEnv",
    "withCredentials",
    "timeout",
    "retry",
    "timestamps",
    "ansiColor",
    "lock",
    "catchError",
    "warnError",
    "container",
    "podTemplate",
    "sshagent",
    "wrap",
];

/// Declarative directives that configure a pipeline or stage: neither steps nor holders of
/// steps. `input` is one only with a block; `input message: '…'` is the step.
const SETTINGS: &[&str] = &[
    "agent",
    "options",
    "environment",
    "parameters",
    "tools",
    "when",
    "axes",
    "axis",
    "excludes",
    "exclude",
    "libraries",
    "failFast",
];

/// Turns the calls of a Jenkinsfile into its kind, stages, steps and triggers.
///
/// # Errors
///
/// A [`Failure`] without a position for an outline larger than [`MAX_OUTLINE_BYTES`].
pub(super) fn outline(calls: &[Call]) -> Result<Value, Failure> {
    let declarative = calls.iter().any(|call| call.name == "pipeline" && call.has_block);
    let mut outline = Outline::default();
    outline.statements(calls);
    if outline.exhausted {
        let message = format!("the pipeline outline would be larger than {} MiB", MAX_OUTLINE_BYTES >> 20);
        return Err(Failure { message, line: None, column: None });
    }
    Ok(json!({
        "kind": if declarative { "declarative" } else { "scripted" },
        "stages": outline.stages.into_iter().map(|stage| json!({"name": stage.name, "line": stage.line, "steps": stage.steps})).collect::<Vec<_>>(),
        "steps": outline.steps,
        "triggers": outline.triggers,
    }))
}

/// What a call is to the pipeline.
enum Role {
    Stage,
    Triggers,
    Setting,
    Wrapper,
    Step,
}

fn role(call: &Call) -> Role {
    let name = call.name.as_ref();
    match name {
        "stage" => Role::Stage,
        "triggers" if call.has_block => Role::Triggers,
        "input" if call.has_block => Role::Setting,
        _ if SETTINGS.contains(&name) => Role::Setting,
        _ if WRAPPERS.contains(&name) || name.ends_with(".inside") => Role::Wrapper,
        _ => Role::Step,
    }
}

struct Stage {
    name: String,
    line: u32,
    steps: Vec<Value>,
}

/// The stages, steps and triggers found so far, and the stages enclosing the current call.
#[derive(Default)]
struct Outline {
    stages: Vec<Stage>,
    steps: Vec<Value>,
    triggers: Vec<Value>,
    open: Vec<usize>,
    /// Bytes of outline produced, against [`MAX_OUTLINE_BYTES`].
    spent: usize,
    /// Set when the budget ran out; nothing more is added.
    exhausted: bool,
}

impl Outline {
    /// Accounts for `bytes` more of outline; `false` once the budget is exceeded.
    fn afford(&mut self, bytes: usize) -> bool {
        self.spent = self.spent.saturating_add(bytes);
        self.exhausted |= self.spent > MAX_OUTLINE_BYTES;
        !self.exhausted
    }

    fn statements(&mut self, calls: &[Call]) {
        let depth = self.open.len();
        for call in calls {
            if self.exhausted {
                break;
            }
            if call.name == "stage" && !call.has_block {
                // `stage 'Build'` holds the statements after it, up to the next such stage.
                self.open.truncate(depth);
                self.begin_stage(call);
            } else {
                self.call(call);
            }
        }
        self.open.truncate(depth);
    }

    fn call(&mut self, call: &Call) {
        if call.name.is_empty() {
            self.arguments(call);
            self.statements(&call.body);
            return;
        }
        match role(call) {
            Role::Stage => {
                let depth = self.open.len();
                self.begin_stage(call);
                self.arguments(call);
                self.statements(&call.body);
                self.open.truncate(depth);
            }
            Role::Triggers => self.triggers(&call.body),
            Role::Setting => {}
            Role::Wrapper => {
                self.arguments(call);
                self.statements(&call.body);
            }
            Role::Step => {
                self.step(call);
                self.arguments(call);
                self.statements(&call.body);
            }
        }
    }

    /// Visits what a call's arguments hold: closures' statements, and triggers.
    fn arguments(&mut self, call: &Call) {
        for inner in &call.inner {
            if inner.name == "pipelineTriggers" {
                self.triggers(&inner.inner);
            } else {
                self.arguments(inner);
                self.statements(&inner.body);
            }
        }
    }

    fn triggers(&mut self, calls: &[Call]) {
        for call in calls {
            if call.name.is_empty() {
                self.triggers(&call.inner);
                self.triggers(&call.body);
            } else if self.afford(entry_size(call)) {
                self.triggers.push(describe(call));
            }
        }
    }

    fn begin_stage(&mut self, call: &Call) {
        let name = call.title();
        // The name is written once for the stage and may be repeated in each of its steps,
        // which `step` accounts for.
        if self.afford(name.len() + ENTRY_OVERHEAD) {
            self.stages.push(Stage { name, line: call.line, steps: Vec::new() });
            self.open.push(self.stages.len() - 1);
        }
    }

    fn step(&mut self, call: &Call) {
        let stage_name = self.open.last().map_or(0, |&stage| self.stages[stage].name.len());
        if !self.afford((entry_size(call) * (self.open.len() + 1)).saturating_add(stage_name)) {
            return;
        }
        let step = describe(call);
        for &stage in &self.open {
            self.stages[stage].steps.push(step.clone());
        }
        let mut flat = step;
        let stage = self.open.last().map_or(Value::Null, |&stage| Value::from(self.stages[stage].name.as_str()));
        flat["stage"] = stage;
        self.steps.push(flat);
    }
}

/// A call as an outline entry: name, arguments, text and line.
fn describe(call: &Call) -> Value {
    json!({"name": call.name.as_ref(), "args": call.args, "text": call.text(), "line": call.line})
}

/// What a call's entry costs in the outline's budget.
fn entry_size(call: &Call) -> usize {
    let text: usize = call.strings.iter().map(|(_, s)| s.len() + 1).sum();
    call.name.len() + call.args.len() + text + ENTRY_OVERHEAD
}
