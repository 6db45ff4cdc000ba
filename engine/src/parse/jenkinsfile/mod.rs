//! Jenkinsfile parsing: the stages, steps and triggers of a Jenkins pipeline.
//!
//! A Jenkinsfile is a Groovy program, declarative (`pipeline { … }`) or scripted
//! (`node { … }`). This module reads just enough Groovy to find the pipeline's calls and
//! turns them into one JSON value:
//!
//! ```json
//! {"kind": "declarative",
//!  "stages": [{"name": "Build", "line": 5, "steps": [{"name": "sh", "args": "'make test'", "text": "make test", "line": 7}]}],
//!  "steps": [{"name": "sh", "args": "'make test'", "text": "make test", "line": 7, "stage": "Build"}],
//!  "triggers": [{"name": "cron", "args": "'H 2 * * *'", "text": "H 2 * * *", "line": 3}]}
//! ```
//!
//! - A call is `name args`, `name(args)`, either followed by a `{ … }` block, or a link of a
//!   method chain; a chain link is named by the chain so far, up to 64 bytes
//!   (`docker.image('x').inside { }` is a call `docker.image` and a call
//!   `docker.image.inside`).
//! - A step is any call written as a statement or inside an expression (`def v = sh(…)`),
//!   except the structural keywords of the pipeline DSL. Calls written inside another call's
//!   arguments or inside a list or map (`usernamePassword(…)` in `withCredentials([…])`,
//!   `def params = [string(…)]`) are not steps, but closures there (`parallel a: { … }`)
//!   hold statements, so their steps count.
//! - `args` is the arguments' source text; `text` joins the contents of the string literals
//!   among them with single spaces (escapes decoded, `${…}` kept as written), or only the
//!   `script:` argument's when there is one.
//! - A stage's steps are all steps inside it, nested stages' included; a flattened step's
//!   `stage` is its innermost stage. A stage's name is its `name:` argument, else its first
//!   string, else its arguments' text. A `stage 'Name'` without a block (the old scripted
//!   form) holds the statements that follow it in the same block.
//! - Triggers are the calls of a `triggers { … }` block and those inside
//!   `pipelineTriggers([…])` (scripted `properties`).
//!
//! Anything else Groovy may say (classes, operators, slashy strings) is read past without
//! complaint. Only structural errors fail: an unbalanced bracket, an unterminated string or
//! comment, nesting deeper than 64 levels. Lines and columns are 1-based, columns counting
//! characters. Parsing is linear in the input and never recurses more than a few frames per
//! nesting level; an outline larger than 16 MiB (hostile input: a step is repeated in each
//! enclosing stage) fails rather than reaching plugins.
//!
//! The work is three passes, one file each: `lexer` turns the source into tokens, `calls`
//! builds the tree of calls from them, and `outline` walks that tree into the JSON value.

mod calls;
mod lexer;
mod outline;
#[cfg(test)]
mod tests;

use serde_json::Value;

use super::Failure;

/// Parses a Jenkinsfile into its kind, stages, steps and triggers.
///
/// # Errors
///
/// A [`Failure`] with the 1-based line and column where the problem starts for an unbalanced
/// bracket (for an unclosed one, the opening bracket), an unterminated string or comment, and
/// nesting deeper than 64 levels; one without a position for an outline larger than 16 MiB.
pub fn parse(text: &str) -> Result<Value, Failure> {
    if u32::try_from(text.len()).is_err() {
        return Err(Failure { message: "file too large to parse".into(), line: None, column: None });
    }
    let lexed = lexer::lex(text)?;
    let calls = calls::build(text, &lexed);
    outline::outline(&calls)
}
