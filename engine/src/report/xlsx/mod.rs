//! `report.xlsx`: the assessment as a workbook, one sheet per view a consultant works in,
//! each a table with a frozen, filtered header row and its columns sized.
//!
//! - **Summary**: one row for the organisation, each group of targets sharing a label
//!   value, each system and each target, with its level in every area (a column per area,
//!   coloured from level 1 to 5), its score, coverage and DORA cluster.
//! - **Areas**: the same levels one row per area, with the level's name, score, progress
//!   to the next level, coverage, the level it could reach, and the explanation.
//! - **Practices**: every practice on every system and target: its state, the reason, the
//!   evidence the rule looked at (each leaf with its verdict, what it found and where) and
//!   the interview answers to its questions.
//! - **Findings**: every check result of every target with its status, message, first
//!   file and line and every evidence location; then the plugins that failed on a target.
//! - **Roadmap**: the items in their order, with horizon, effort, impact, the targets
//!   lacking each and the evidence of the gap, then the practices to find out about.
//! - **DORA**: the four keys and the performance cluster of the organisation, each system
//!   and each target: band, figure, unit, source and basis.
//! - **Scope** (when the result has one): what evidence the assessment had and lacked, the
//!   organisations and groups listed, the repositories left out and the targets not
//!   assessed, with why.
//! - **About**: the organisation, the run, the model and the plugins.
//!
//! Wording follows the Markdown and HTML reports. Levels, counts, line numbers and figures
//! are numbers; scores, progress and coverage are numbers formatted as percentages.
//!
//! Every sheet is written row by row in rust_xlsxwriter's constant-memory mode: a row goes
//! to a temporary file (in the output folder, not a `/tmp` that may be memory) as soon as
//! the next one starts, and the workbook is zipped from those files into the output, so a
//! large organisation's workbook is never held in memory beside its result.

mod table;

use crate::model::answers::Answer;
use crate::model::{Model, Question};
use crate::plugin::Status;
use crate::result::AssessmentResult;
use crate::score::dora::TargetDora;
use crate::score::rule::Trace;
use crate::score::{AreaResult, OrganisationArea, TargetAssessment};
use rust_xlsxwriter::{Color, ConditionalFormat3ColorScale, ConditionalFormatType, Workbook, XlsxError};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use table::{col, column, count, long, number, share, text, Cell, Formats, Table};

/// Writes the workbook of `result` to `out`; the sheets' rows wait in temporary files in
/// `tempdir` until the workbook is zipped.
pub fn write(result: &AssessmentResult, out: &mut (dyn Write + Send), tempdir: &Path) -> Result<(), XlsxError> {
    let mut workbook = Workbook::new();
    workbook.set_tempdir(tempdir)?;
    let formats = Formats::new();
    let book = Book { result, model: result.model.as_ref().map(|m| &m.model), questions: questions(result) };
    book.summary(&mut workbook, &formats)?;
    book.areas(&mut workbook, &formats)?;
    book.practices(&mut workbook, &formats)?;
    book.findings(&mut workbook, &formats)?;
    book.roadmap(&mut workbook, &formats)?;
    book.dora(&mut workbook, &formats)?;
    book.scope(&mut workbook, &formats)?;
    book.about(&mut workbook, &formats)?;
    workbook.save_to_writer(out)
}

/// The questions that inform each practice: those that name it, those its rule asks, and
/// those that self-report a DORA key its rule names.
fn questions(result: &AssessmentResult) -> BTreeMap<&str, Vec<&Question>> {
    let mut by_practice: BTreeMap<&str, Vec<&Question>> = BTreeMap::new();
    let Some(model) = result.model.as_ref().map(|m| &m.model) else { return by_practice };
    for practice in &model.practices {
        let asked = practice.evidence.questions();
        let keys = practice.evidence.dora_keys();
        let informing = model.questions.iter().filter(|q| {
            q.practice.as_deref() == Some(practice.id.as_str())
                || asked.contains(&q.id.as_str())
                || q.dora.is_some_and(|k| keys.contains(&k))
        });
        by_practice.insert(&practice.id, informing.collect());
    }
    by_practice
}

/// The result, with the lookups every sheet needs.
struct Book<'a> {
    result: &'a AssessmentResult,
    model: Option<&'a Model>,
    /// The questions informing each practice, by practice id.
    questions: BTreeMap<&'a str, Vec<&'a Question>>,
}

/// What a row of levels is about.
struct Unit<'a> {
    kind: &'static str,
    name: &'a str,
    assessment: &'a TargetAssessment,
}

impl<'a> Book<'a> {
    fn area_name(&self, id: &'a str) -> &'a str {
        self.model.and_then(|m| m.area(id)).map_or(id, |a| a.name.as_str())
    }

    fn level_name(&self, level: u8) -> &'a str {
        self.model.map_or("", |m| m.level_name(level))
    }

    fn organisation(&self) -> &'a str {
        self.result.organisation.as_deref().unwrap_or("organisation")
    }

    /// The scored systems, then the scored targets.
    fn units(&self) -> impl Iterator<Item = Unit<'a>> {
        let result = self.result;
        let systems = result
            .systems
            .iter()
            .filter_map(|s| Some(Unit { kind: "system", name: s.name.as_str(), assessment: s.assessment.as_ref()? }));
        let targets = result
            .targets
            .iter()
            .filter_map(|t| Some(Unit { kind: "target", name: t.name.as_str(), assessment: t.assessment.as_ref()? }));
        systems.chain(targets)
    }

    fn area_ids(&self) -> Vec<&'a str> {
        self.model.map(|m| m.areas.iter().map(|a| a.id.as_str()).collect()).unwrap_or_default()
    }

    fn summary(&self, workbook: &mut Workbook, formats: &Formats) -> Result<(), XlsxError> {
        let areas = self.area_ids();
        let mut columns = vec![column("kind", 13.0), column("name", 28.0), column("targets", 9.0)];
        columns.extend(areas.iter().map(|a| column(self.area_name(a), 14.0)));
        columns.extend([column("score", 9.0), column("coverage", 10.0), column("DORA cluster", 12.0)]);
        let mut table = Table::new(workbook, formats, "Summary", &columns)?;
        let levels = |of: &[OrganisationArea]| -> Vec<Cell<'static>> {
            areas.iter().map(|id| of.iter().find(|a| a.id == *id).map_or(Cell::Empty, |a| number(a.level))).collect()
        };
        let band = |dora: &TargetDora| text(dora.cluster.map_or("unknown", |b| b.name()));
        if let Some(org) = &self.result.organisation_assessment {
            let mut row = vec![text("organisation"), text(self.organisation()), count(org.targets)];
            row.extend(levels(&org.areas));
            row.extend([share(org.score), share(Some(org.coverage)), band(&org.dora)]);
            table.row(&row)?;
            for g in &org.groups {
                let mut row = vec![text("group"), text(format!("{}: {}", g.label, g.value)), count(g.targets.len())];
                row.extend(levels(&g.areas));
                table.row(&row)?;
            }
        }
        for system in &self.result.systems {
            let mut row = vec![text("system"), text(&system.name), count(system.members.len())];
            if let Some(a) = &system.assessment {
                row.extend(areas.iter().map(|id| a.area(id).map_or(Cell::Empty, |a| number(a.figures.level))));
                row.extend([share(a.score), share(Some(a.coverage)), band(&a.dora)]);
            }
            table.row(&row)?;
        }
        for target in &self.result.targets {
            let mut row = vec![text("target"), text(&target.name), Cell::Empty];
            if let Some(a) = &target.assessment {
                row.extend(areas.iter().map(|id| a.area(id).map_or(Cell::Empty, |a| number(a.figures.level))));
                row.extend([share(a.score), share(Some(a.coverage)), band(&a.dora)]);
            }
            table.row(&row)?;
        }
        let last = table.row - 1;
        if last > 0 && !areas.is_empty() {
            // Level 1 red, 3 amber, 5 green, whatever the levels present.
            let scale = ConditionalFormat3ColorScale::new()
                .set_minimum(ConditionalFormatType::Number, 1)
                .set_midpoint(ConditionalFormatType::Number, 3)
                .set_maximum(ConditionalFormatType::Number, 5)
                .set_minimum_color(Color::RGB(0xF8_69_6B))
                .set_midpoint_color(Color::RGB(0xFF_EB_84))
                .set_maximum_color(Color::RGB(0x63_BE_7B));
            table.sheet.add_conditional_format(1, 3, last, col(2 + areas.len()), &scale)?;
        }
        table.finish()
    }

    fn areas(&self, workbook: &mut Workbook, formats: &Formats) -> Result<(), XlsxError> {
        let columns = [
            column("kind", 13.0),
            column("name", 24.0),
            column("area", 24.0),
            column("level", 7.0),
            column("level name", 13.0),
            column("score", 8.0),
            column("progress to next", 10.0),
            column("coverage", 10.0),
            column("could be", 8.0),
            column("profile level", 9.0),
            column("practices assessed", 10.0),
            column("practices", 10.0),
            long("explanation", 70.0),
        ];
        let mut table = Table::new(workbook, formats, "Areas", &columns)?;
        if let Some(org) = &self.result.organisation_assessment {
            let over = match org.over {
                crate::score::LevelOver::Systems => "systems (and targets in no system)",
                crate::score::LevelOver::Targets => "targets",
            };
            for a in &org.areas {
                let explanation = format!(
                    "the highest level reached by at least {:.0} % of the {} {over} assessed in it; targets at level 1 · 2 · 3 · 4 · 5: {}",
                    org.organisation_share * 100.0,
                    a.assessed_targets,
                    a.distribution.map(|n| n.to_string()).join(" · "),
                );
                table.row(&[
                    text("organisation"),
                    text(self.organisation()),
                    text(self.area_name(&a.id)),
                    number(a.level),
                    text(self.level_name(a.level)),
                    share(a.score),
                    Cell::Empty,
                    share(Some(a.coverage)),
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                    text(explanation),
                ])?;
            }
        }
        for unit in self.units() {
            for a in &unit.assessment.areas {
                table.row(&self.area_row(&unit, a))?;
            }
        }
        table.finish()
    }

    fn area_row(&self, unit: &Unit<'a>, a: &'a AreaResult) -> Vec<Cell<'a>> {
        let f = &a.figures;
        vec![
            text(unit.kind),
            text(unit.name),
            text(self.area_name(&a.id)),
            number(f.level),
            text(self.level_name(f.level)),
            share(f.score),
            if f.level < 5 { share(Some(f.progress)) } else { Cell::Empty },
            share(Some(f.coverage)),
            number(f.potential_level),
            a.adjusted.map_or(Cell::Empty, |p| number(p.level)),
            count(a.assessed),
            count(a.practices),
            text(&a.explanation),
        ]
    }

    fn practices(&self, workbook: &mut Workbook, formats: &Formats) -> Result<(), XlsxError> {
        let columns = [
            column("kind", 8.0),
            column("name", 22.0),
            column("area", 22.0),
            column("level", 7.0),
            column("practice", 24.0),
            long("title", 36.0),
            column("state", 14.0),
            long("reason", 60.0),
            long("evidence", 80.0),
            long("interview answer", 36.0),
            column("switched off", 9.0),
        ];
        let mut table = Table::new(workbook, formats, "Practices", &columns)?;
        for unit in self.units() {
            for p in &unit.assessment.practices {
                let title = self.model.and_then(|m| m.practice(&p.id)).map_or("", |x| x.title.as_str());
                let asked = self.questions.get(p.id.as_str()).map(Vec::as_slice).unwrap_or_default();
                table.row(&[
                    text(unit.kind),
                    text(unit.name),
                    text(self.area_name(&p.area)),
                    number(p.level),
                    text(&p.id),
                    text(title),
                    text(p.state.name()),
                    text(&p.reason),
                    text(evidence(&p.trace)),
                    text(answers(asked, &unit.assessment.answers)),
                    text(if p.disabled { "yes" } else { "" }),
                ])?;
            }
        }
        table.finish()
    }

    fn findings(&self, workbook: &mut Workbook, formats: &Formats) -> Result<(), XlsxError> {
        let columns = [
            column("target", 22.0),
            column("status", 8.0),
            column("check", 30.0),
            long("title", 36.0),
            column("area", 22.0),
            long("message", 60.0),
            column("file", 36.0),
            column("line", 7.0),
            long("evidence", 60.0),
            column("score", 8.0),
            long("exempted", 36.0),
        ];
        let mut table = Table::new(workbook, formats, "Findings", &columns)?;
        for target in &self.result.targets {
            for f in &target.findings {
                let check = self.result.check(&f.plugin, &f.check);
                let first = f.evidence.first();
                let exempted = f
                    .exemption
                    .as_ref()
                    .map(|e| format!("plugin said {}: {}", status_name(e.original_status), e.reason));
                table.row(&[
                    text(&target.name),
                    text(status_name(f.status)),
                    text(format!("{}/{}", f.plugin, f.check)),
                    text(check.map_or(f.check.as_str(), |c| c.title.as_str())),
                    text(check.map_or("", |c| self.area_name(&c.area))),
                    text(&f.message),
                    first.map_or(Cell::Empty, |e| text(&e.path)),
                    first.and_then(|e| e.line).map_or(Cell::Empty, number),
                    text(
                        f.evidence
                            .iter()
                            .map(|e| {
                                let at = location(&e.path, e.line);
                                match e.message.as_deref().filter(|m| !m.is_empty()) {
                                    Some(m) => format!("{at} {m}"),
                                    None => at,
                                }
                            })
                            .collect::<Vec<_>>()
                            .join("\n"),
                    ),
                    f.score.map_or(Cell::Empty, Cell::Share),
                    exempted.map_or(Cell::Empty, text),
                ])?;
            }
        }
        // The plugins that failed: the checks they would have run are missing above.
        for target in &self.result.targets {
            for e in &target.errors {
                table.row(&[
                    text(&target.name),
                    text("plugin error"),
                    text(&e.plugin),
                    text(e.kind.to_string()),
                    Cell::Empty,
                    text(&e.message),
                ])?;
            }
        }
        table.finish()
    }

    fn roadmap(&self, workbook: &mut Workbook, formats: &Formats) -> Result<(), XlsxError> {
        let columns = [
            column("rank", 6.0),
            column("horizon", 18.0),
            column("practice", 24.0),
            long("title", 36.0),
            column("area", 22.0),
            column("level", 7.0),
            column("effort", 7.0),
            column("impact", 7.0),
            column("lacking", 8.0),
            column("assessed", 9.0),
            long("why", 30.0),
            long("targets lacking it", 30.0),
            long("evidence of the gap", 60.0),
            long("guidance", 70.0),
            long("tools", 30.0),
            long("maps to", 24.0),
        ];
        let mut table = Table::new(workbook, formats, "Roadmap", &columns)?;
        if let Some(roadmap) = &self.result.roadmap {
            for h in &roadmap.horizons {
                let horizon = format!("{}: months {}–{}", h.name, h.from_month, h.to_month);
                for i in &h.items {
                    let mut why = i.why.clone();
                    if !i.depends_on.is_empty() {
                        why.push_str(&format!(" (after {})", i.depends_on.join(", ")));
                    }
                    if i.over_capacity {
                        why.push_str(" — beyond the capacity of twelve months");
                    }
                    let mut gap = i.gap.join("\n");
                    if i.lacking.len() > i.gap.len() {
                        gap.push_str(&format!("\n… and {} more targets", i.lacking.len() - i.gap.len()));
                    }
                    let mut tools = Vec::new();
                    if !i.tools.aws.is_empty() {
                        tools.push(format!("AWS: {}", i.tools.aws.join(", ")));
                    }
                    if !i.tools.open_source.is_empty() {
                        tools.push(format!("open source: {}", i.tools.open_source.join(", ")));
                    }
                    let maps_to: Vec<String> =
                        i.maps_to.iter().map(|(f, ids)| format!("{f} {}", ids.join(", "))).collect();
                    table.row(&[
                        count(i.rank),
                        text(&horizon),
                        text(&i.practice),
                        text(&i.title),
                        text(self.area_name(&i.area)),
                        number(i.level),
                        text(effort_name(i.effort)),
                        number(i.impact),
                        count(i.lacking.len()),
                        count(i.assessed),
                        text(why),
                        text(i.lacking.join(", ")),
                        text(gap),
                        text(i.guidance.trim()),
                        text(tools.join("; ")),
                        text(maps_to.join("; ")),
                    ])?;
                }
            }
            for c in &roadmap.to_confirm {
                let mut why = "no target had evidence or an answer; the interview settles it".to_owned();
                if !c.questions.is_empty() {
                    why.push_str(&format!(": {}", c.questions.join(", ")));
                }
                table.row(&[
                    Cell::Empty,
                    text("To find out"),
                    text(&c.practice),
                    text(&c.title),
                    text(self.area_name(&c.area)),
                    number(c.level),
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                    text(why),
                ])?;
            }
        }
        table.finish()
    }

    fn dora(&self, workbook: &mut Workbook, formats: &Formats) -> Result<(), XlsxError> {
        let columns = [
            column("kind", 13.0),
            column("name", 24.0),
            column("key", 24.0),
            column("band", 9.0),
            column("figure", 10.0),
            column("unit", 10.0),
            column("source", 10.0),
            long("basis", 60.0),
        ];
        let mut table = Table::new(workbook, formats, "DORA", &columns)?;
        let mut write = |kind: &str, name: &str, dora: &TargetDora| -> Result<(), XlsxError> {
            for k in &dora.keys {
                table.row(&[
                    text(kind),
                    text(name),
                    text(k.key.name().replace('_', " ")),
                    text(k.band.map_or("unknown", |b| b.name())),
                    k.value.map_or(Cell::Empty, number),
                    text(k.unit.replace('_', " ")),
                    text(&k.source),
                    text(&k.basis),
                ])?;
            }
            table.row(&[
                text(kind),
                text(name),
                text("performance cluster"),
                text(dora.cluster.map_or("unknown", |b| b.name())),
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                text(&dora.cluster_basis),
            ])
        };
        if let Some(org) = &self.result.organisation_assessment {
            write("organisation", self.organisation(), &org.dora)?;
        }
        for unit in self.units() {
            write(unit.kind, unit.name, &unit.assessment.dora)?;
        }
        table.finish()
    }

    fn scope(&self, workbook: &mut Workbook, formats: &Formats) -> Result<(), XlsxError> {
        let summary = super::scope::summary(self.result);
        let result = self.result;
        if summary.is_none() && result.sources.is_empty() && result.unavailable.is_empty() {
            return Ok(());
        }
        let columns = [column("kind", 16.0), column("name", 36.0), column("count", 8.0), long("detail", 80.0)];
        let mut table = Table::new(workbook, formats, "Scope", &columns)?;
        if let Some(scope) = &summary {
            for had in &scope.had {
                table.row(&[text("in scope"), text(*had)])?;
            }
            for need in &scope.needs {
                table.row(&[
                    text("evidence missing"),
                    text(need.what),
                    count(need.practices),
                    text(format!("practices out of scope for want of it; to add it: {}", need.how)),
                ])?;
            }
        }
        for s in &result.sources {
            let mut detail = format!("{}: {} assessed", s.api, s.targets.len());
            if let Some(incomplete) = &s.incomplete {
                detail.push_str(&format!("; {incomplete}"));
            }
            table.row(&[text("listed"), text(&s.source), count(s.listed), text(detail)])?;
            for l in &s.left_out {
                table.row(&[
                    text("left out"),
                    text(&l.repository),
                    Cell::Empty,
                    text(format!("{} ({})", l.reason, s.source)),
                ])?;
            }
        }
        for u in &result.unavailable {
            table.row(&[text("not assessed"), text(&u.target), Cell::Empty, text(&u.reason)])?;
        }
        table.finish()
    }

    fn about(&self, workbook: &mut Workbook, formats: &Formats) -> Result<(), XlsxError> {
        let result = self.result;
        let columns = [column("item", 24.0), long("value", 90.0)];
        let mut table = Table::new(workbook, formats, "About", &columns)?;
        table.row(&[text("organisation"), text(result.organisation.as_deref().unwrap_or(""))])?;
        table.row(&[text("assessed on"), text(&result.started_at)])?;
        table.row(&[text("assessed by"), text(format!("Kaizen {}", result.kaizen_version))])?;
        table.row(&[text("duration (s)"), number(result.duration_ms as f64 / 1000.0)])?;
        table.row(&[text("targets"), count(result.targets.len())])?;
        if !result.systems.is_empty() {
            table.row(&[text("systems"), count(result.systems.len())])?;
        }
        if let Some(m) = &result.model {
            table.row(&[
                text("model"),
                text(format!("{} ({} {}, {})", m.model.name, m.model.id, m.model.version, m.source)),
            ])?;
        }
        if let Some(s) = &result.scoring {
            if let Some(answers) = &s.answers {
                table.row(&[text("interview answers"), text(answers)])?;
            }
            table.row(&[text("organisation share"), Cell::Share(s.organisation_share)])?;
            table.row(&[text("roadmap capacity (effort points a quarter)"), number(s.capacity)])?;
        }
        for p in &result.plugins {
            table.row(&[text(format!("plugin {}", p.id)), text(format!("{} {} ({})", p.name, p.version, p.source))])?;
        }
        table.finish()
    }
}

/// Effort as the model writes it.
fn effort_name(effort: crate::model::Effort) -> &'static str {
    match effort {
        crate::model::Effort::S => "S",
        crate::model::Effort::M => "M",
        crate::model::Effort::L => "L",
    }
}

/// A status as the reports name it.
fn status_name(status: Status) -> &'static str {
    match status {
        Status::NotApplicable => "n/a",
        other => other.name(),
    }
}

fn location(path: &str, line: Option<u32>) -> String {
    match line {
        Some(line) => format!("{path}:{line}"),
        None => path.to_owned(),
    }
}

/// Every leaf a practice's rule looked at, one a line: its verdict, the leaf as written
/// (with the member for a system), what it found, and where.
fn evidence(trace: &[Trace]) -> String {
    let mut out = String::new();
    for t in trace {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(t.verdict.said());
        out.push_str(": ");
        out.push_str(&t.rule);
        if let Some(member) = &t.member {
            out.push_str(&format!(" ({member})"));
        }
        out.push_str(": ");
        out.push_str(&t.found);
        if !t.locations.is_empty() {
            let at: Vec<String> = t.locations.iter().map(|l| location(&l.path, l.line)).collect();
            out.push_str(&format!(" at {}", at.join(", ")));
        }
    }
    out
}

/// The answers given to `questions`, one a line: `question: answer`, with where it came
/// from when the evidence suggested something, and the interview's note.
fn answers(questions: &[&Question], given: &BTreeMap<String, Answer>) -> String {
    let mut out = Vec::new();
    for q in questions {
        let Some(a) = given.get(&q.id) else { continue };
        let mut line = format!("{}: {}", q.id, a.value.display());
        match &a.suggested {
            Some(s) => line.push_str(&format!(" ({}; suggested {})", a.origin.name(), s.display())),
            None if a.origin != crate::model::answers::Origin::Given => {
                line.push_str(&format!(" ({})", a.origin.name()));
            }
            None => {}
        }
        if let Some(note) = &a.note {
            line.push_str(&format!(" — {note}"));
        }
        out.push(line);
    }
    out.join("\n")
}
