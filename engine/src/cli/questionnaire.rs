//! `kaizen questionnaire`: the interview in the terminal, or the commented template.

use anyhow::{bail, Context};
use dialoguer::theme::ColorfulTheme;
use dialoguer::{Input, Select};
use kaizen::diag::{Diagnostic, Diagnostics};
use kaizen::interview::{self, Interview, Mode, Prompt, Section};
use kaizen::model::answers::{AnswerValue, Answers};
use kaizen::model::{self, Catalogue, Model, QuestionKind};
use kaizen::result::AssessmentResult;
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
#[command(after_help = "\
In the interview, pick an answer with the arrow keys (or j/k) and Enter. The menu also has \
skip, back (to the previous question), help, and save and quit (Esc or q too). Every answer \
is saved to the file at once, so Ctrl-C loses nothing.")]
pub struct Args {
    /// The maturity model: a file, or the name of a built-in model (devops,
    /// dora-capabilities, aws-devops-guidance) [default: devops].
    #[arg(long, value_name = "FILE|NAME")]
    model: Option<PathBuf>,
    /// An answers file to resume: the interview asks only the questions it leaves unanswered
    /// (all of them with --all) [default: the --out file, when it exists].
    #[arg(long, value_name = "FILE")]
    answers: Option<PathBuf>,
    /// Where to write the answers [default: the --answers file, else answers.toml]; with
    /// --template, where to write the template [default: stdout].
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// A result.json of `kaizen assess` whose evidence suggests answers, to confirm or
    /// override.
    #[arg(long, value_name = "RESULT.json")]
    result: Option<PathBuf>,
    /// The target of --result whose evidence suggests answers [default: its only target].
    #[arg(long, value_name = "NAME", requires = "result")]
    target: Option<String>,
    /// Write the answers for this target only (a [[scope]] with `target = NAME`), not for
    /// every target.
    #[arg(long, value_name = "NAME", conflicts_with = "scope_label")]
    scope_target: Option<String>,
    /// Write the answers for the targets with this label (a [[scope]] with `labels`);
    /// repeatable, all must match.
    #[arg(long, value_name = "KEY=VALUE", value_parser = parse_label)]
    scope_label: Vec<(String, String)>,
    /// Ask every question, with its current answer as the default, not only the unanswered.
    #[arg(long)]
    all: bool,
    /// Write a fully commented answers file to fill in by hand (or send by e-mail) instead of
    /// interviewing.
    #[arg(long, conflicts_with_all = ["answers", "result", "target", "scope_target", "scope_label", "all"])]
    template: bool,
    /// Replace the --out file when it exists and is not the file being resumed (an answers
    /// file is somebody's work: it is never replaced silently).
    #[arg(long)]
    force: bool,
}

fn parse_label(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_owned(), v.trim().to_owned())),
        _ => Err(format!("`{text}` is not KEY=VALUE")),
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let model = match load_model(args.model.as_deref()) {
        Ok(model) => model,
        Err(problems) => return Ok(report(&problems)),
    };
    if args.template {
        let text = interview::template::template(&model);
        match &args.out {
            Some(out) => {
                refuse_to_replace(out, args.force)?;
                kaizen::output::write_atomic(out, text.as_bytes())
                    .with_context(|| format!("cannot write {}", out.display()))?;
                eprintln!("wrote {}", out.display());
            }
            None => out!("{text}")?,
        }
        return Ok(ExitCode::SUCCESS);
    }
    let out = args.out.clone().or_else(|| args.answers.clone()).unwrap_or_else(|| PathBuf::from("answers.toml"));
    let resume = args.answers.clone().or_else(|| out.exists().then(|| out.clone()));
    if resume.as_ref().is_some_and(|r| !same_file(r, &out)) {
        refuse_to_replace(&out, args.force)?;
    }
    let base = match &resume {
        Some(path) => match Answers::load(path, &model) {
            Ok(answers) => answers,
            Err(problems) => return Ok(report(&problems)),
        },
        None => Answers::default(),
    };
    let section = match (&args.scope_target, args.scope_label.is_empty()) {
        (Some(t), _) => Section::Target(t.clone()),
        (None, false) => Section::Labels(args.scope_label.iter().cloned().collect()),
        (None, true) => Section::Global,
    };
    let suggestions = match &args.result {
        Some(path) => {
            let result = match AssessmentResult::load(path) {
                Ok(result) => result,
                Err(problem) => return Ok(report(&problem.into())),
            };
            let target = match (&args.target, result.targets.as_slice()) {
                (Some(name), targets) => targets.iter().find(|t| &t.name == name).ok_or_else(|| {
                    anyhow::anyhow!("{} has no target `{name}`; it has {}", path.display(), names(&result))
                })?,
                (None, [only]) => only,
                (None, []) => bail!("{} has no targets", path.display()),
                (None, _) => bail!(
                    "{} has several targets: choose whose evidence suggests answers with --target NAME ({})",
                    path.display(),
                    names(&result)
                ),
            };
            eprintln!("Suggestions from the evidence of `{}` in {}.", target.name, path.display());
            interview::suggestions(&model, target)
        }
        None => BTreeMap::new(),
    };
    // The files are checked first, so a mistake in one is reported wherever this runs.
    if !std::io::stdin().is_terminal() {
        bail!(
            "the interview needs a terminal, and stdin is not one; to answer in a file instead, write \
             the template: kaizen questionnaire --template --out answers.toml"
        );
    }
    let mut all_answers = base.clone();
    let existing = section.answers_mut(&mut all_answers).clone();
    let mode = if args.all { Mode::All } else { Mode::Unanswered };
    let mut session = Interview::new(&model, existing, suggestions, mode);
    let already = session.answered();
    eprintln!(
        "Model `{}` ({} {}): {} questions. Answers go to {} in {}.",
        model.id,
        model.name,
        model.version,
        model.questions.len(),
        section.describe(),
        out.display()
    );
    if already > 0 && mode == Mode::Unanswered {
        eprintln!(
            "{already} already answered: asking the other {} (--all asks every question again).",
            model.questions.len() - already
        );
    }
    let save = |session: &Interview| -> anyhow::Result<()> {
        let mut answers = base.clone();
        *section.answers_mut(&mut answers) = session.answers().clone();
        answers.scopes.retain(|s| !s.answers.is_empty());
        kaizen::output::write_atomic(&out, answers.render(&model).as_bytes())
            .with_context(|| format!("cannot write {}", out.display()))
    };
    let theme = ColorfulTheme::default();
    let mut show_help = false;
    while let Some(prompt) = session.current() {
        if prompt.starts_area && !show_help {
            eprintln!("\n== {} ==", prompt.area.name);
        }
        let action = ask(&theme, &prompt, show_help)?;
        show_help = false;
        match action {
            Action::Answer(value) => {
                session.answer(value);
                save(&session)?;
            }
            Action::Skip => session.skip(),
            Action::Clear => {
                session.clear();
                save(&session)?;
            }
            Action::Back => {
                if !session.back() {
                    eprintln!("(this is the first question)");
                }
            }
            Action::Help => show_help = true,
            Action::Quit => {
                eprintln!(
                    "Saved {}: {} of {} questions answered.",
                    out.display(),
                    session.answered(),
                    model.questions.len()
                );
                eprintln!("Resume with: {}", resume_command(&args, &out, &section));
                return Ok(ExitCode::SUCCESS);
            }
        }
    }
    save(&session)?;
    eprintln!(
        "\nDone. {} of {} questions answered, saved in {}.",
        session.answered(),
        model.questions.len(),
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// The command that resumes this interview: the same answers file, model and scope.
fn resume_command(args: &Args, out: &Path, section: &Section) -> String {
    let mut words =
        vec!["kaizen".to_owned(), "questionnaire".into(), "--answers".into(), shell_word(&out.display().to_string())];
    if let Some(model) = &args.model {
        words.extend(["--model".into(), shell_word(&model.display().to_string())]);
    }
    match section {
        Section::Global => {}
        Section::Target(target) => words.extend(["--scope-target".into(), shell_word(target)]),
        Section::Labels(labels) => {
            for (key, value) in labels {
                words.extend(["--scope-label".into(), shell_word(&format!("{key}={value}"))]);
            }
        }
    }
    words.join(" ")
}

/// A word as a POSIX shell reads it back: as is when it is plain, else in single quotes.
fn shell_word(text: &str) -> String {
    let plain = !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=:,@%+".contains(c));
    if plain {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// Refuses to write over an existing file without `--force`, as `kaizen init` does.
fn refuse_to_replace(path: &Path, force: bool) -> anyhow::Result<()> {
    if path.exists() && !force {
        bail!("{} already exists; pass --force to replace it, or write to another file with --out", path.display());
    }
    Ok(())
}

/// Whether two paths name the same file (both exist and resolve to one), or are the same
/// path.
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

fn names(result: &AssessmentResult) -> String {
    result.targets.iter().map(|t| format!("`{}`", t.name)).collect::<Vec<_>>().join(", ")
}

fn report(problems: &Diagnostics) -> ExitCode {
    eprintln!("{problems}");
    ExitCode::from(2)
}

/// The model of --model, validated against the built-in plugins, or the built-in model.
fn load_model(path: Option<&Path>) -> Result<Model, Diagnostics> {
    match path {
        None => Model::builtin(),
        Some(path) => {
            let (path, _, source) = model::source_of(path)?;
            let catalogue = Catalogue::builtin()
                .map_err(|e| Diagnostics(vec![Diagnostic::new(kaizen::diag::ModelCode::Catalogue, &path, e)]))?;
            model::load(&path, &source, &catalogue)
        }
    }
}

enum Action {
    Answer(AnswerValue),
    Skip,
    Clear,
    Back,
    Help,
    Quit,
}

/// Asks one question: a menu for the kinds with a few answers, a line of text for the others.
fn ask(theme: &ColorfulTheme, prompt: &Prompt, show_help: bool) -> anyhow::Result<Action> {
    let q = prompt.question;
    if show_help {
        let help = if q.help.trim().is_empty() { "(no help for this question)" } else { q.help.trim() };
        for line in help.lines() {
            eprintln!("  | {line}");
        }
    }
    if let Some(s) = prompt.suggestion {
        eprintln!("  Evidence suggests: {} ({})", display(q, &s.value), s.evidence);
    }
    if let Some(current) = prompt.current {
        eprintln!("  Answered before: {} ({})", display(q, &current.value), current.origin.name());
    }
    let title =
        format!("[{}/{}] {}", prompt.number, prompt.total, q.text.split_whitespace().collect::<Vec<_>>().join(" "));
    let options = interview::options(q);
    if options.is_empty() {
        return ask_text(theme, prompt, &title);
    }
    let mut items: Vec<String> = options
        .iter()
        .map(|(value, label)| {
            let mut item = label.clone();
            if prompt.suggestion.is_some_and(|s| &s.value == value) {
                item.push_str("  (suggested)");
            }
            if prompt.current.is_some_and(|c| &c.value == value) {
                item.push_str("  (current)");
            }
            item
        })
        .collect();
    let mut extra = vec![("skip", Action::Skip), ("< back", Action::Back), ("? help", Action::Help)];
    if prompt.current.is_some() {
        extra.push(("clear the answer", Action::Clear));
    }
    extra.push(("save and quit", Action::Quit));
    let n = options.len();
    items.extend(extra.iter().map(|(label, _)| label.to_string()));
    let default = prompt.default().and_then(|d| options.iter().position(|(v, _)| v == d)).unwrap_or(0);
    let picked = Select::with_theme(theme).with_prompt(title).items(&items).default(default).interact_opt()?;
    Ok(match picked {
        None => Action::Quit,
        Some(i) if i < n => Action::Answer(options[i].0.clone()),
        Some(i) => extra.swap_remove(i - n).1,
    })
}

fn ask_text(theme: &ColorfulTheme, prompt: &Prompt, title: &str) -> anyhow::Result<Action> {
    let q = prompt.question;
    let hint = match &q.kind {
        QuestionKind::Number { unit } => format!("a number of {unit}"),
        QuestionKind::Duration => "a duration: 30m, 4h, 2d or 3w".into(),
        QuestionKind::Scale { min, max, .. } => format!("a whole number from {min} to {max}"),
        _ => "an answer".into(),
    };
    let default = prompt.default().map(AnswerValue::display);
    let enter = match &default {
        Some(d) => format!("Enter keeps {d}"),
        None => "Enter skips".into(),
    };
    eprintln!("  Type {hint}. {enter}; - skips, < goes back, ? shows help, q saves and quits.");
    let question = q.clone();
    let mut input = Input::<String>::with_theme(theme).with_prompt(title).allow_empty(true).validate_with(
        move |text: &String| -> Result<(), String> {
            match text.trim() {
                "" | "-" | "<" | "?" | "q" => Ok(()),
                other => interview::parse_typed(&question, other).map(|_| ()),
            }
        },
    );
    if let Some(d) = &default {
        input = input.default(d.clone());
    }
    let text = input.interact_text()?;
    Ok(match text.trim() {
        "" => Action::Skip,
        "-" => Action::Skip,
        "<" => Action::Back,
        "?" => Action::Help,
        "q" => Action::Quit,
        other => Action::Answer(interview::parse_typed(q, other).map_err(|e| anyhow::anyhow!(e))?),
    })
}

fn display(question: &kaizen::model::Question, value: &AnswerValue) -> String {
    interview::options(question)
        .into_iter()
        .find(|(v, _)| v == value)
        .map(|(_, label)| label)
        .unwrap_or_else(|| value.display())
}
