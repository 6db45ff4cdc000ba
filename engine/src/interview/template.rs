//! The answers template: every question of a model, commented, with what it takes, for
//! filling in by hand or by e-mail (`kaizen questionnaire --template`).

use super::order;
use crate::model::answers::toml_string;
use crate::model::{Model, Question, QuestionKind};

/// A fully commented answers file for `model`: every question with its text, help, kind and
/// the answers it takes, its answer line commented out. Removing the `#` of an answer line
/// and writing a value after `=` gives a file [`crate::model::answers::Answers::parse`]
/// reads; a line left commented leaves the question unanswered.
pub fn template(model: &Model) -> String {
    let mut out = String::new();
    let p = |out: &mut String, line: &str| {
        out.push_str(line.trim_end());
        out.push('\n');
    };
    p(&mut out, &format!("# Interview answers for the model `{}` ({} {}).", model.id, model.name, model.version));
    p(&mut out, "#");
    p(&mut out, "# To answer a question, remove the `#` at the start of its answer line (`#id =`) and");
    p(&mut out, "# write the answer after `=`. A line left commented out leaves the question unanswered:");
    p(&mut out, "# Kaizen then counts what depends on it as unknown, never as a \"no\".");
    p(&mut out, "# An answer may carry a note:  id = { value = true, note = \"as told by the team lead\" }");
    p(&mut out, "#");
    p(&mut out, "# Read by `kaizen assess --answers FILE`; `kaizen questionnaire --answers FILE` resumes it");
    p(&mut out, "# in the terminal. Answers for some targets only go in [[scope]] tables: see the end.");
    p(&mut out, "");
    p(&mut out, "[answers]");
    let questions = order(model);
    let mut area = None;
    for &i in &questions {
        let q = &model.questions[i];
        if area != Some(&q.area) {
            area = Some(&q.area);
            let name = model.area(&q.area).map(|a| a.name.as_str()).unwrap_or(&q.area);
            p(&mut out, "");
            p(&mut out, &format!("# ==== {name} ===="));
        }
        p(&mut out, "");
        question(&mut out, model, q);
    }
    p(&mut out, "");
    p(&mut out, "# Answers for some targets only. A [[scope]] names one target (by its name in the");
    p(&mut out, "# assessment) or labels that every target in it has (team, service, ... as in kaizen.toml).");
    p(&mut out, "# For a target, its own scope wins over a labels scope, which wins over [answers]; among");
    p(&mut out, "# scopes of one kind, later ones win. For example:");
    if let Some(q) = questions.first().map(|&i| &model.questions[i]) {
        p(&mut out, "#");
        p(&mut out, "# [[scope]]");
        p(&mut out, "# target = \"payments-api\"");
        p(&mut out, "# [scope.answers]");
        p(&mut out, &format!("# {} = {}", q.id, example(q)));
        p(&mut out, "#");
        p(&mut out, "# [[scope]]");
        p(&mut out, "# labels = { team = \"payments\" }");
        p(&mut out, "# [scope.answers]");
        p(&mut out, &format!("# {} = {}", q.id, example(q)));
    }
    out
}

fn question(out: &mut String, model: &Model, q: &Question) {
    let mut line = |text: &str| {
        out.push_str(text.trim_end());
        out.push('\n');
    };
    let mut text = q.text.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some(practice) = q.practice.as_deref().and_then(|p| model.practice(p)) {
        text.push_str(&format!(" (practice: {})", practice.title));
    }
    line(&format!("# {text}"));
    for help in q.help.trim().lines() {
        line(&format!("#   {help}"));
    }
    match &q.kind {
        QuestionKind::YesNo => line("# Answer (yes_no): true or false"),
        QuestionKind::Choice { choices } => {
            line("# Answer (choice) one of:");
            let width = choices.iter().map(|c| toml_string(&c.value).len()).max().unwrap_or(0);
            for c in choices {
                let band = c.band.map(|b| format!(" (DORA band: {})", b.name())).unwrap_or_default();
                line(&format!("#   {:width$}  {}{band}", toml_string(&c.value), c.label));
            }
        }
        QuestionKind::Scale { min, max, low, high } => {
            let end = |n: i64, meaning: &str| {
                if meaning.is_empty() {
                    n.to_string()
                } else {
                    format!("{n} ({meaning})")
                }
            };
            line(&format!("# Answer (scale): a whole number from {} to {}", end(*min, low), end(*max, high)));
        }
        QuestionKind::Number { unit } => line(&format!("# Answer (number): a number of {unit}, 0 or more")),
        QuestionKind::Duration => {
            line("# Answer (duration): a number and a unit, in quotes: \"30m\", \"4h\", \"2d\" or \"3w\"")
        }
    }
    if let Some(key) = q.dora {
        line(&format!("# Self-reports the DORA key \"{}\": used when the evidence gives it no figure.", key.title()));
    }
    if q.suggest.is_some() || q.dora.is_some() {
        line("# Evidence can suggest this answer: `kaizen questionnaire --result result.json` shows it.");
    }
    line(&format!("#{} =", q.id));
}

/// An example answer, for the scope example.
fn example(q: &Question) -> String {
    match &q.kind {
        QuestionKind::YesNo => "true".into(),
        QuestionKind::Choice { choices } => choices.first().map(|c| toml_string(&c.value)).unwrap_or_default(),
        QuestionKind::Scale { max, .. } => max.to_string(),
        QuestionKind::Number { .. } => "1".into(),
        QuestionKind::Duration => "\"1d\"".into(),
    }
}
