//! `--format xlsx`: the workbook of a fixture organisation, read back with calamine, holds
//! the figures of its result.json: levels per target, system, group and organisation, every
//! practice's state with its evidence and interview answer, the findings with file and line,
//! the roadmap in its order, the DORA keys, and the target that could not be assessed.
//! `kaizen report` writes the same workbook from the result file alone.
//!
//! The organisation: `shop` (a git repository with ten days of history and a release tag,
//! so the DORA keys have figures, plus the GitHub Actions fixture), `legacy` (nothing),
//! `build` (GitLab CI), the system `storefront` of shop and build, interview answers
//! (tests/scoring), and a remote target that `--offline` keeps from being cloned; scored
//! with tests/scoring's small model.

use crate::support::{copy_tree, git_at, kaizen, root, run};
use calamine::{open_workbook, Data, Reader, Xlsx};
use serde_json::Value;
use std::io::Read;
use std::path::Path;

const GONE: &str = "git://127.0.0.1:9/acme/gone.git";

/// Assesses the organisation into `out/` with `--format json,xlsx`; returns its folder.
fn assessed() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let shop = dir.path().join("shop");
    copy_tree(&root().join("tests/assess/github-actions"), &shop);
    let day = 86_400;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let start = now - 10 * day;
    git_at(&shop, start, &["init", "-q", "-b", "main"]);
    for n in 0..10 {
        std::fs::write(shop.join("log.txt"), format!("day {n}\n")).unwrap();
        git_at(&shop, start + n * day, &["add", "."]);
        git_at(&shop, start + n * day, &["commit", "-q", "-m", &format!("Change {n} (#{})", n + 1)]);
    }
    git_at(&shop, start + 9 * day + 20 * 3600, &["tag", "-a", "v1.0.0", "-m", "Release 1.0.0"]);
    copy_tree(&root().join("tests/assess/none"), &dir.path().join("legacy"));
    copy_tree(&root().join("tests/assess/gitlab-ci"), &dir.path().join("build"));
    for file in ["model.toml", "answers.toml"] {
        std::fs::copy(root().join("tests/scoring").join(file), dir.path().join(file)).unwrap();
    }
    let config = format!(
        r#"
[organisation]
name = "Example Corp"

[[targets]]
path = "shop"
labels = {{ team = "red" }}

[[targets]]
path = "legacy"
labels = {{ team = "blue" }}

[[targets]]
path = "build"
labels = {{ team = "red" }}

[[targets]]
url = "{GONE}"

[[systems]]
name = "storefront"
targets = ["shop", "build"]

[assess]
model = "model.toml"
answers = "answers.toml"

# Little capacity, so that the roadmap spreads over its horizons.
[roadmap]
capacity = 2
"#
    );
    std::fs::write(dir.path().join("kaizen.toml"), config).unwrap();
    let output = run(kaizen()
        .current_dir(dir.path())
        .args(["assess", "--out", "out", "--only", "ci,security,delivery", "--format", "json,xlsx", "--offline"])
        .arg("--cache")
        .arg(dir.path().join("cache")));
    assert!(output.status.success());
    dir
}

/// A sheet read back: its header and its rows, each cell as calamine read it.
struct Sheet {
    name: String,
    header: Vec<String>,
    rows: Vec<Vec<Data>>,
}

impl Sheet {
    fn column(&self, title: &str) -> usize {
        self.header.iter().position(|h| h == title).unwrap_or_else(|| panic!("{}: no column {title}", self.name))
    }

    fn cell<'a>(&self, row: &'a [Data], title: &str) -> &'a Data {
        row.get(self.column(title)).unwrap_or(&Data::Empty)
    }

    fn text(&self, row: &[Data], title: &str) -> String {
        match self.cell(row, title) {
            Data::String(s) => s.clone(),
            Data::Empty => String::new(),
            other => panic!("{}: {title} is {other:?}, not text", self.name),
        }
    }

    /// A cell that must be a number (or empty, `None`): never a number written as text.
    fn number(&self, row: &[Data], title: &str) -> Option<f64> {
        match self.cell(row, title) {
            Data::Float(n) => Some(*n),
            Data::Int(n) => Some(*n as f64),
            Data::Empty => None,
            other => panic!("{}: {title} is {other:?}, not a number", self.name),
        }
    }

    /// The rows whose first columns are `key` (kind, name…).
    fn find(&self, key: &[(&str, &str)]) -> Vec<&Vec<Data>> {
        self.rows.iter().filter(|r| key.iter().all(|(column, value)| self.text(r, column) == *value)).collect()
    }

    fn one(&self, key: &[(&str, &str)]) -> &Vec<Data> {
        let found = self.find(key);
        assert_eq!(found.len(), 1, "{}: {} rows for {key:?}", self.name, found.len());
        found[0]
    }
}

fn read(path: &Path) -> Vec<Sheet> {
    let mut book: Xlsx<_> = open_workbook(path).expect("report.xlsx opens");
    book.sheet_names()
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).unwrap();
            assert_eq!(range.start(), Some((0, 0)), "{name} starts at A1");
            let mut rows = range.rows().map(<[Data]>::to_vec);
            let header = rows.next().unwrap().iter().map(|c| c.to_string()).collect();
            Sheet { name, header, rows: rows.collect() }
        })
        .collect()
}

fn sheet<'a>(sheets: &'a [Sheet], name: &str) -> &'a Sheet {
    sheets.iter().find(|s| s.name == name).unwrap_or_else(|| panic!("no sheet {name}"))
}

/// The scored units of a result, as the sheets name them: (kind, name, assessment).
fn units(result: &Value) -> Vec<(&'static str, &str, &Value)> {
    let systems = result["systems"].as_array().unwrap().iter().map(|s| ("system", s));
    let targets = result["targets"].as_array().unwrap().iter().map(|t| ("target", t));
    systems
        .chain(targets)
        .filter(|(_, u)| !u["assessment"].is_null())
        .map(|(kind, u)| (kind, u["name"].as_str().unwrap(), &u["assessment"]))
        .collect()
}

fn area_name<'a>(result: &'a Value, id: &str) -> &'a str {
    result["model"]["areas"].as_array().unwrap().iter().find(|a| a["id"] == id).unwrap()["name"].as_str().unwrap()
}

#[test]
fn the_workbook_of_an_organisation_holds_the_figures_of_its_result() {
    let dir = assessed();
    let result: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("out/result.json")).unwrap()).unwrap();
    let sheets = read(&dir.path().join("out/report.xlsx"));
    let names: Vec<&str> = sheets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Summary", "Areas", "Practices", "Findings", "Roadmap", "DORA", "Scope", "About"]);
    let org = &result["organisation_assessment"];
    let areas = result["model"]["areas"].as_array().unwrap();
    assert_eq!(units(&result).len(), 4, "one system and three targets scored");

    // Summary: a level per area for the organisation, each group, the system, each target.
    let summary = sheet(&sheets, "Summary");
    let row = summary.one(&[("kind", "organisation"), ("name", "Example Corp")]);
    for a in org["areas"].as_array().unwrap() {
        let level = summary.number(row, area_name(&result, a["id"].as_str().unwrap()));
        assert_eq!(level, a["level"].as_f64(), "organisation, {}", a["id"]);
    }
    assert_eq!(summary.number(row, "score"), org["score"].as_f64());
    assert_eq!(summary.number(row, "targets"), Some(3.0));
    for g in org["groups"].as_array().unwrap() {
        let name = format!("{}: {}", g["label"].as_str().unwrap(), g["value"].as_str().unwrap());
        let row = summary.one(&[("kind", "group"), ("name", &name)]);
        for a in g["areas"].as_array().unwrap() {
            assert_eq!(summary.number(row, area_name(&result, a["id"].as_str().unwrap())), a["level"].as_f64());
        }
    }
    assert_eq!(summary.find(&[("kind", "group")]).len(), 2, "team: red and team: blue");
    for (kind, name, assessment) in units(&result) {
        let row = summary.one(&[("kind", kind), ("name", name)]);
        for a in assessment["areas"].as_array().unwrap() {
            assert_eq!(
                summary.number(row, area_name(&result, a["id"].as_str().unwrap())),
                a["level"].as_f64(),
                "{kind} {name}, {}",
                a["id"]
            );
        }
        assert_eq!(summary.number(row, "score"), assessment["score"].as_f64(), "{name}");
        assert_eq!(summary.number(row, "coverage"), assessment["coverage"].as_f64(), "{name}");
    }

    // Areas: one row per area of each, with its figures.
    let sheet_areas = sheet(&sheets, "Areas");
    assert_eq!(sheet_areas.rows.len(), areas.len() * (1 + units(&result).len()));
    for (kind, name, assessment) in units(&result) {
        for a in assessment["areas"].as_array().unwrap() {
            let area = area_name(&result, a["id"].as_str().unwrap());
            let row = sheet_areas.one(&[("kind", kind), ("name", name), ("area", area)]);
            assert_eq!(sheet_areas.number(row, "level"), a["level"].as_f64(), "{name} {area}");
            assert_eq!(sheet_areas.number(row, "score"), a["score"].as_f64(), "{name} {area}");
            assert_eq!(sheet_areas.number(row, "coverage"), a["coverage"].as_f64(), "{name} {area}");
            assert_eq!(sheet_areas.number(row, "could be"), a["potential_level"].as_f64(), "{name} {area}");
            assert_eq!(sheet_areas.text(row, "explanation"), a["explanation"].as_str().unwrap());
        }
    }

    // Practices: every practice of each, its state in the reports' words, every leaf of its
    // evidence, and the interview answers.
    let practices = sheet(&sheets, "Practices");
    let mut expected = 0;
    let mut leaves = 0;
    for (kind, name, assessment) in units(&result) {
        for p in assessment["practices"].as_array().unwrap() {
            expected += 1;
            let row = practices.one(&[("kind", kind), ("name", name), ("practice", p["id"].as_str().unwrap())]);
            let state = p["state"].as_str().unwrap().replace('_', " ");
            assert_eq!(practices.text(row, "state"), state, "{name} {}", p["id"]);
            assert_eq!(practices.number(row, "level"), p["level"].as_f64());
            assert_eq!(practices.text(row, "reason"), p["reason"].as_str().unwrap());
            let evidence = practices.text(row, "evidence");
            for t in p["trace"].as_array().unwrap() {
                leaves += 1;
                assert!(evidence.contains(t["rule"].as_str().unwrap()), "{name} {}: {evidence}", p["id"]);
                assert!(evidence.contains(t["found"].as_str().unwrap()), "{name} {}: {evidence}", p["id"]);
                for l in t["locations"].as_array().into_iter().flatten() {
                    assert!(evidence.contains(l["path"].as_str().unwrap()), "{evidence}");
                }
            }
        }
    }
    assert_eq!(practices.rows.len(), expected);
    assert!(leaves > expected, "the practices have evidence to show");
    let review = practices.one(&[("kind", "target"), ("name", "legacy"), ("practice", "dp-review")]);
    assert_eq!(practices.text(review, "interview answer"), "review: no (overridden; suggested yes)");
    assert_eq!(practices.text(review, "state"), "not satisfied");
    let shop_review = practices.one(&[("kind", "target"), ("name", "shop"), ("practice", "dp-review")]);
    assert_eq!(practices.text(shop_review, "interview answer"), "review: yes");
    // A DORA key's question answers the practices that ask for that key.
    let deploy = practices.one(&[("kind", "target"), ("name", "build"), ("practice", "dp-deploy")]);
    assert_eq!(practices.text(deploy, "interview answer"), "deploy-frequency: weekly");

    // Findings: every check result in order, with status, first file and line.
    let findings = sheet(&sheets, "Findings");
    let all: Vec<(&str, &Value)> = result["targets"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["findings"].as_array().unwrap().iter().map(move |f| (t["name"].as_str().unwrap(), f)))
        .collect();
    let errors: usize =
        result["targets"].as_array().unwrap().iter().map(|t| t["errors"].as_array().unwrap().len()).sum();
    assert_eq!(findings.rows.len(), all.len() + errors);
    assert!(all.len() > 20, "{} findings", all.len());
    for (row, (target, f)) in findings.rows.iter().zip(&all) {
        let check = format!("{}/{}", f["plugin"].as_str().unwrap(), f["check"].as_str().unwrap());
        assert_eq!((findings.text(row, "target"), findings.text(row, "check")), (target.to_string(), check.clone()));
        let status = match f["status"].as_str().unwrap() {
            "not_applicable" => "n/a",
            other => other,
        };
        assert_eq!(findings.text(row, "status"), status, "{target} {check}");
        assert_eq!(findings.text(row, "message"), f["message"].as_str().unwrap());
        let first = &f["evidence"][0];
        assert_eq!(findings.text(row, "file"), first["path"].as_str().unwrap_or(""), "{target} {check}");
        assert_eq!(findings.number(row, "line"), first["line"].as_f64(), "{target} {check}");
    }
    assert!(findings.rows.iter().any(|r| findings.number(r, "line").is_some()), "some finding points at a line");

    // Roadmap: the items in their order, then what to find out.
    let roadmap = sheet(&sheets, "Roadmap");
    let items: Vec<(String, &Value)> = result["roadmap"]["horizons"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|h| {
            let horizon = format!("{}: months {}–{}", h["name"].as_str().unwrap(), h["from_month"], h["to_month"]);
            h["items"].as_array().unwrap().iter().map(move |i| (horizon.clone(), i))
        })
        .collect();
    assert!(items.len() >= 3, "{} roadmap items", items.len());
    assert!(items.iter().any(|(h, _)| *h != items[0].0), "the items fill more than one horizon");
    let ranked: Vec<(Option<f64>, String)> = roadmap
        .rows
        .iter()
        .take(items.len())
        .map(|r| (roadmap.number(r, "rank"), roadmap.text(r, "practice")))
        .collect();
    let planned: Vec<(Option<f64>, String)> =
        items.iter().map(|(_, i)| (i["rank"].as_f64(), i["practice"].as_str().unwrap().to_owned())).collect();
    assert_eq!(ranked, planned);
    for (row, (horizon, item)) in roadmap.rows.iter().zip(&items) {
        assert_eq!(&roadmap.text(row, "horizon"), horizon);
        assert_eq!(roadmap.number(row, "lacking"), Some(item["lacking"].as_array().unwrap().len() as f64));
        assert_eq!(roadmap.number(row, "level"), item["level"].as_f64());
    }
    let to_confirm = result["roadmap"]["to_confirm"].as_array().map_or(0, Vec::len);
    assert_eq!(roadmap.rows.len(), items.len() + to_confirm);

    // DORA: the four keys and the cluster of the organisation and each unit.
    let dora = sheet(&sheets, "DORA");
    let mut figures = 0;
    let mut keyed: Vec<(&str, &str, &Value)> = vec![("organisation", "Example Corp", &org["dora"])];
    keyed.extend(units(&result).into_iter().map(|(kind, name, a)| (kind, name, &a["dora"])));
    for (kind, name, d) in &keyed {
        for k in d["keys"].as_array().unwrap() {
            let key = k["key"].as_str().unwrap().replace('_', " ");
            let row = dora.one(&[("kind", kind), ("name", name), ("key", &key)]);
            assert_eq!(dora.text(row, "band"), k["band"].as_str().unwrap_or("unknown"), "{name} {key}");
            assert_eq!(dora.number(row, "figure"), k["value"].as_f64(), "{name} {key}");
            assert_eq!(dora.text(row, "source"), k["source"].as_str().unwrap());
            figures += usize::from(k["value"].is_number());
        }
        let cluster = dora.one(&[("kind", kind), ("name", name), ("key", "performance cluster")]);
        assert_eq!(dora.text(cluster, "band"), d["cluster"].as_str().unwrap_or("unknown"));
    }
    assert_eq!(dora.rows.len(), keyed.len() * 5);
    assert!(figures >= 2, "the shop's keys measured from git have figures");

    // Scope: the remote that could not be cloned, and why.
    let scope = sheet(&sheets, "Scope");
    let gone = scope.one(&[("kind", "not assessed"), ("name", GONE)]);
    assert_eq!(scope.text(gone, "detail"), result["unavailable"][0]["reason"].as_str().unwrap());
    assert!(scope.text(gone, "detail").contains("--offline"), "{}", scope.text(gone, "detail"));
    assert!(!scope.find(&[("kind", "in scope"), ("name", "interview answers")]).is_empty());

    let about = sheet(&sheets, "About");
    let model = about.one(&[("item", "model")]);
    assert!(about.text(model, "value").starts_with("Scoring test model (scoring-test 1,"));

    // Every sheet has its header frozen, a filter over its rows and its columns sized.
    let xml = sheet_xml(&dir.path().join("out/report.xlsx"));
    assert_eq!(xml.len(), sheets.len());
    // Adjacent columns of one width share a `<col min max>`.
    let col = regex::Regex::new(r#"<col min="(\d+)" max="(\d+)" width="[0-9.]+" customWidth="1""#).unwrap();
    for (sheet, xml) in sheets.iter().zip(&xml) {
        assert!(
            xml.contains(r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#),
            "{}",
            sheet.name
        );
        let last = char::from(b'A' + u8::try_from(sheet.header.len() - 1).unwrap());
        let filter = format!(r#"<autoFilter ref="A1:{last}{}"/>"#, sheet.rows.len() + 1);
        assert!(xml.contains(&filter), "{}: no {filter}", sheet.name);
        let sized: u32 =
            col.captures_iter(xml).map(|c| c[2].parse::<u32>().unwrap() - c[1].parse::<u32>().unwrap() + 1).sum();
        assert_eq!(sized as usize, sheet.header.len(), "{}: every column has its width", sheet.name);
    }
}

/// The XML of each worksheet of a workbook, in order.
fn sheet_xml(path: &Path) -> Vec<String> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut out = Vec::new();
    for n in 1.. {
        let Ok(mut file) = zip.by_name(&format!("xl/worksheets/sheet{n}.xml")) else { break };
        let mut xml = String::new();
        file.read_to_string(&mut xml).unwrap();
        out.push(xml);
    }
    out
}

#[test]
fn kaizen_report_writes_the_same_workbook_from_the_result_file() {
    let dir = assessed();
    let output =
        run(kaizen().current_dir(dir.path()).args(["report", "out/result.json", "--format", "xlsx", "--out", "again"]));
    assert!(output.status.success());
    assert_eq!(String::from_utf8_lossy(&output.stderr).trim(), "wrote again/report.xlsx");
    let first = read(&dir.path().join("out/report.xlsx"));
    let again = read(&dir.path().join("again/report.xlsx"));
    assert_eq!(first.len(), again.len());
    for (a, b) in first.iter().zip(&again) {
        assert_eq!((&a.name, &a.header), (&b.name, &b.header));
        assert_eq!(a.rows, b.rows, "{}", a.name);
    }
    assert!(first.iter().map(|s| s.rows.len()).sum::<usize>() > 100);

    // Not scored, the workbook still has its findings, and every sheet its header.
    let mut result: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("out/result.json")).unwrap()).unwrap();
    let object = result.as_object_mut().unwrap();
    for key in ["model", "scoring", "organisation_assessment", "roadmap", "systems", "unavailable"] {
        object.remove(key);
    }
    for target in result["targets"].as_array_mut().unwrap() {
        target.as_object_mut().unwrap().remove("assessment");
    }
    std::fs::write(dir.path().join("unscored.json"), serde_json::to_string(&result).unwrap()).unwrap();
    let output = run(kaizen().current_dir(dir.path()).args([
        "report",
        "unscored.json",
        "--format",
        "xlsx",
        "--out",
        "unscored",
    ]));
    assert!(output.status.success());
    let sheets = read(&dir.path().join("unscored/report.xlsx"));
    let names: Vec<&str> = sheets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Summary", "Areas", "Practices", "Findings", "Roadmap", "DORA", "About"]);
    assert_eq!(sheet(&sheets, "Findings").rows.len(), sheet(&first, "Findings").rows.len());
    assert_eq!(sheet(&sheets, "Practices").rows.len(), 0);
    assert_eq!(sheet(&sheets, "Summary").rows.len(), 3, "one row per target");
}
