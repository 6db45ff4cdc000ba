//! The printed report (`--format pdf`): a branded organisation of seven targets and a system
//! assessed and printed by a real headless Chromium; poppler's `pdftoppm` renders every page
//! and `pdftotext` reads it. Every page has content, the cover names the organisation (with
//! its logo and accent colour), every other page carries the page number, and no table runs
//! onto a page without its header. The same checks find the faults of a template broken on
//! purpose (headers not repeated, blank pages), so they can fail.
//!
//! Without a browser, or when it fails or hangs, the error says so and no output is
//! replaced; fake browsers (scripts) stand in for those cases, so they run everywhere.
//!
//! Chromium (`chromium`) and poppler (`pdftoppm`, `pdftotext`, `pdfinfo`; Debian's
//! `poppler-utils`) are needed for the printing test; without them it says "skipped" and
//! passes, unless `KAIZEN_TEST_REQUIRE_SERVICES` is set (as in `.ci/run`).

use crate::reports::chromium;
use crate::support::{copy_tree, kaizen, root, run};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The logo: a magenta plate no other part of the report has, so the cover's pixels show
/// whether it was embedded and drawn.
const LOGO: &str = r##"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="240" height="72" viewBox="0 0 240 72">
  <rect width="240" height="72" rx="8" fill="#d81b60"/>
  <text x="120" y="47" font-family="sans-serif" font-size="30" font-weight="700" fill="#ffffff" text-anchor="middle">GLOBEX</text>
</svg>
"##;
const LOGO_RGB: [u8; 3] = [0xd8, 0x1b, 0x60];
const ACCENT: &str = "#0a7f5a";
const ACCENT_RGB: [u8; 3] = [0x0a, 0x7f, 0x5a];

const KAIZEN_TOML: &str = r##"
[organisation]
name = "Globex Corporation"

[report]
logo = "branding/globex.svg"
accent = "#0a7f5a"

[[targets]]
path = "repos/shop"
labels = { team = "storefront" }

[[targets]]
path = "repos/billing"
labels = { team = "payments" }

[[targets]]
path = "repos/payments"
labels = { team = "payments" }

[[targets]]
path = "repos/infra"
labels = { team = "payments" }

[[targets]]
path = "repos/platform"
labels = { team = "platform" }

[[targets]]
path = "repos/identity"
labels = { team = "platform" }

[[targets]]
path = "repos/legacy"
labels = { team = "storefront" }

[[systems]]
name = "payments"
targets = ["payments", "infra"]
"##;

/// The organisation: fixture repositories of the plugins' own tests, each a target.
fn organisation() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, fixture) in [
        ("shop", "assess/github-actions"),
        ("billing", "assess/gitlab-ci"),
        ("legacy", "assess/jenkins"),
        ("infra", "iac/terraform"),
        ("platform", "iac/kubernetes"),
        ("payments", "observability/node-service"),
        ("identity", "security/mature"),
    ] {
        copy_tree(&root().join("tests").join(fixture), &dir.path().join("repos").join(name));
    }
    std::fs::create_dir(dir.path().join("branding")).unwrap();
    std::fs::write(dir.path().join("branding/globex.svg"), LOGO).unwrap();
    std::fs::write(dir.path().join("kaizen.toml"), KAIZEN_TOML).unwrap();
    dir
}

/// Whether poppler's tools are installed (a failure when required and missing).
fn poppler() -> bool {
    let found = ["pdftoppm", "pdftotext", "pdfinfo"]
        .iter()
        .all(|tool| Command::new(tool).arg("-v").output().is_ok_and(|o| o.status.success()));
    if !found {
        assert!(
            std::env::var_os("KAIZEN_TEST_REQUIRE_SERVICES").is_none(),
            "pdftoppm, pdftotext or pdfinfo is not on the PATH and KAIZEN_TEST_REQUIRE_SERVICES is set: \
             install them with `apt-get install -y poppler-utils`"
        );
        eprintln!("skipped: poppler-utils not found (apt-get install poppler-utils to run the PDF test)");
    }
    found
}

/// What a poppler tool prints about `pdf` (pdftotext writes to `-`, stdout).
fn tool(program: &str, args: &[&str], pdf: &Path) -> Vec<u8> {
    let to_stdout: &[&str] = if program == "pdftotext" { &["-"] } else { &[] };
    let output = Command::new(program).args(args).arg(pdf).args(to_stdout).output().unwrap();
    assert!(output.status.success(), "{program} failed: {}", String::from_utf8_lossy(&output.stderr));
    output.stdout
}

fn page_count(pdf: &Path) -> usize {
    let info = String::from_utf8(tool("pdfinfo", &[], pdf)).unwrap();
    let line = info.lines().find(|l| l.starts_with("Pages:")).expect("pdfinfo gives the page count");
    line["Pages:".len()..].trim().parse().unwrap()
}

/// The text of page `page` (from 1), in the order it is drawn (`-raw`): a repeated table
/// header comes before the rows under it.
fn page_text(pdf: &Path, page: usize) -> String {
    let page = page.to_string();
    String::from_utf8_lossy(&tool("pdftotext", &["-raw", "-f", &page, "-l", &page], pdf)).into_owned()
}

/// A page rendered by pdftoppm: width, height, channels (1 grey, 3 RGB) and pixels.
struct Raster {
    width: usize,
    height: usize,
    channels: usize,
    pixels: Vec<u8>,
}

/// Every page (or only the first) rendered at `dpi`, in grey or in colour.
fn render(pdf: &Path, dpi: u32, grey: bool, first_only: bool) -> Vec<Raster> {
    let dir = tempfile::tempdir().unwrap();
    let mut command = Command::new("pdftoppm");
    command.args(["-r", &dpi.to_string()]);
    if grey {
        command.arg("-gray");
    }
    if first_only {
        command.args(["-f", "1", "-l", "1"]);
    }
    let output = command.arg(pdf).arg(dir.path().join("page")).output().unwrap();
    assert!(output.status.success(), "pdftoppm failed: {}", String::from_utf8_lossy(&output.stderr));
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().path()).collect();
    // page-01.pgm, page-02.pgm… (the width of the number grows with the page count).
    files.sort_by_key(|p| (p.as_os_str().len(), p.clone()));
    files.iter().map(|f| netpbm(&std::fs::read(f).unwrap())).collect()
}

/// A binary PGM (P5) or PPM (P6) image with 8-bit samples.
fn netpbm(bytes: &[u8]) -> Raster {
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        if bytes[at] == b'#' {
            while bytes[at] != b'\n' {
                at += 1;
            }
            continue;
        }
        let start = at;
        while !bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(std::str::from_utf8(&bytes[start..at]).unwrap().to_owned());
    }
    let channels = match fields[0].as_str() {
        "P5" => 1,
        "P6" => 3,
        other => panic!("not a binary PGM or PPM: {other}"),
    };
    assert_eq!(fields[3], "255", "8-bit samples");
    let (width, height) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    let pixels = bytes[at + 1..].to_vec();
    assert_eq!(pixels.len(), width * height * channels);
    Raster { width, height, channels, pixels }
}

impl Raster {
    /// Dark pixels (grey below 160) between the top and bottom margins, where the page
    /// numbers are not: what a page has besides its number.
    fn ink(&self) -> usize {
        assert_eq!(self.channels, 1);
        let (top, bottom) = (self.height * 5 / 100, self.height * 92 / 100);
        self.pixels[top * self.width..bottom * self.width].iter().filter(|&&v| v < 160).count()
    }

    /// Pixels within a small distance of the colour `rgb`.
    fn of_colour(&self, rgb: [u8; 3]) -> usize {
        assert_eq!(self.channels, 3);
        self.pixels.chunks(3).filter(|p| p.iter().zip(rgb).all(|(&a, b)| a.abs_diff(b) <= 24)).count()
    }
}

/// The fewest dark pixels a page at 40 dpi has with a line of text on it; a page with no
/// more has nothing but its page number.
const MIN_INK: usize = 40;

/// The pages (from 1) of `pages` with no content.
fn blank_pages(pages: &[Raster]) -> Vec<usize> {
    pages.iter().enumerate().filter(|(_, p)| p.ink() < MIN_INK).map(|(i, _)| i + 1).collect()
}

/// A table of report.html: its header's text and its rows' texts, without white space (a
/// printed cell wraps where the page makes it).
struct Table {
    header: String,
    rows: Vec<String>,
}

/// The tables of an HTML report (Kaizen's own markup: no nested tables).
fn tables(html: &str) -> Vec<Table> {
    let mut tables = Vec::new();
    for chunk in html.split("<table").skip(1) {
        let table = chunk.split("</table>").next().unwrap();
        let part = |open: &str, close: &str| {
            table.split_once(open).and_then(|(_, rest)| rest.split_once(close)).map(|(inside, _)| inside)
        };
        let header = part("<thead>", "</thead>").map(squeezed).unwrap_or_default();
        let rows = part("<tbody>", "</tbody>")
            .unwrap_or_default()
            .split("<tr")
            .skip(1)
            // The rest of the opening tag goes with the split.
            .map(|row| squeezed(row.split_once('>').map_or(row, |(_, cells)| cells)))
            // A row this short may be found anywhere ("1", "none"): only rows that say
            // something are looked for.
            .filter(|row| row.chars().count() >= 12)
            .collect();
        tables.push(Table { header, rows });
    }
    tables
}

/// The text of an HTML fragment, entities decoded, without tags and white space.
fn squeezed(fragment: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in fragment.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let mut decoded = String::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find('&') {
        decoded.push_str(&rest[..at]);
        let entity = rest[at..].split_once(';').map(|(e, _)| e).filter(|e| e.len() < 10);
        let c = entity.and_then(|e| match e {
            "&amp" => Some('&'),
            "&lt" => Some('<'),
            "&gt" => Some('>'),
            "&quot" => Some('"'),
            "&apos" => Some('\''),
            "&nbsp" => Some(' '),
            e => e
                .strip_prefix("&#x")
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| e.strip_prefix("&#").and_then(|dec| dec.parse().ok()))
                .and_then(char::from_u32),
        });
        match (entity, c) {
            (Some(entity), Some(c)) => {
                decoded.push(c);
                rest = &rest[at + entity.len() + 1..];
            }
            _ => {
                decoded.push('&');
                rest = &rest[at + 1..];
            }
        }
    }
    decoded.push_str(rest);
    decoded.chars().filter(|c| !c.is_whitespace()).collect()
}

/// What the split-table check found in a PDF of `html`'s report.
#[derive(Debug, Default)]
struct Splits {
    /// Rows found on a page without a header of their table above them: page, header, row.
    headless: Vec<(usize, String, String)>,
    /// Tables found on more than one page.
    continued: usize,
    /// Rows found on some page.
    found: usize,
}

/// For every page, every table row on it (by its text) must have its table's header above
/// it on the same page: a table that runs onto a page repeats its header there. A row whose
/// text several tables share needs the header of one of them.
fn splits(html: &str, pages: &[String]) -> Splits {
    let tables = tables(html);
    let mut splits = Splits::default();
    let mut pages_of = vec![std::collections::BTreeSet::new(); tables.len()];
    for (number, page) in pages.iter().enumerate().map(|(i, p)| (i + 1, squeezed(p))) {
        for (index, table) in tables.iter().enumerate() {
            for row in &table.rows {
                let Some(at) = page.find(row.as_str()) else { continue };
                splits.found += 1;
                pages_of[index].insert(number);
                let headed = tables
                    .iter()
                    .filter(|t| t.rows.contains(row))
                    .any(|t| page.find(t.header.as_str()).is_some_and(|h| h < at));
                if !headed {
                    splits.headless.push((number, table.header.clone(), row.chars().take(60).collect()));
                }
            }
        }
    }
    splits.continued = pages_of.iter().filter(|pages| pages.len() > 1).count();
    splits
}

/// The text of every page of `pdf`.
fn page_texts(pdf: &Path) -> Vec<String> {
    (1..=page_count(pdf)).map(|page| page_text(pdf, page)).collect()
}

#[test]
fn a_branded_organisation_prints_to_a_pdf_with_a_cover_page_numbers_and_whole_tables() {
    let Some(_) = chromium() else { return };
    if !poppler() {
        return;
    }
    let dir = organisation();
    let started = Instant::now();
    let output =
        run(kaizen().current_dir(dir.path()).args(["assess", "--out", "out", "--format", "json,html,pdf", "-q"]));
    let took = started.elapsed();
    assert!(output.status.success());
    let result: Value = serde_json::from_slice(&std::fs::read(dir.path().join("out/result.json")).unwrap()).unwrap();
    assert_eq!(result["branding"]["accent"], ACCENT);
    assert_eq!(result["branding"]["logo"]["file"], "branding/globex.svg");
    assert_eq!(result["branding"]["logo"]["media_type"], "image/svg+xml");
    let pdf = dir.path().join("out/report.pdf");
    let count = page_count(&pdf);
    eprintln!("report.pdf: {count} pages, assessed and printed in {:.1} s", took.as_secs_f64());
    assert!(count >= 20, "seven targets, each from a new page, and the areas: {count} pages");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".kaizen"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");

    // Every page has content.
    let pages = render(&pdf, 40, true, false);
    assert_eq!(pages.len(), count);
    assert_eq!(blank_pages(&pages), Vec::<usize>::new(), "pages with nothing but a page number");

    // The cover: the organisation, the date, the model, the scope; the logo and the accent
    // drawn; no page number.
    let texts = page_texts(&pdf);
    // Lines joined: the page wraps them where it must.
    let cover = texts[0].split_whitespace().collect::<Vec<_>>().join(" ");
    let model = &result["model"];
    for expected in [
        "Globex Corporation",
        "DEVOPS MATURITY ASSESSMENT",
        &result["started_at"].as_str().unwrap()[..10],
        &format!("{} {}", model["name"].as_str().unwrap(), model["version"].as_str().unwrap()),
        "7 targets: shop, billing, payments, infra, platform, identity, legacy",
        "1 system: payments",
        "Not assessed",
        "without an interview",
    ] {
        assert!(cover.contains(expected), "the cover lacks {expected:?}:\n{cover}");
    }
    assert!(!cover.contains("Page 1 of"), "no page number on the cover:\n{cover}");
    let colour = render(&pdf, 40, false, true);
    assert!(colour[0].of_colour(LOGO_RGB) > 500, "the logo is drawn on the cover");
    assert!(colour[0].of_colour(ACCENT_RGB) > 20, "the accent colour underlines the title");

    // Every other page: the section it starts, and in its margin the organisation, the
    // date and its number.
    for (i, text) in texts.iter().enumerate().skip(1) {
        let footer = format!("Page {} of {count}", i + 1);
        assert!(text.contains(&footer), "page {} lacks {footer:?}:\n{text}", i + 1);
        assert!(text.contains("Globex Corporation · DevOps maturity assessment"), "page {}:\n{text}", i + 1);
    }
    let opening = texts[1].lines().find(|l| !l.starts_with("Page ") && !l.starts_with("Globex Corporation ·"));
    assert_eq!(opening, Some("Executive summary"), "the summary opens page 2:\n{}", texts[1]);

    // No table runs onto a page without its header.
    let html = std::fs::read_to_string(dir.path().join("out/report.html")).unwrap();
    let found = splits(&html, &texts);
    assert!(found.headless.is_empty(), "rows on a page without their table's header: {:#?}", found.headless);
    assert!(found.continued >= 5, "tables running over pages, so the check has something to check: {found:?}");
    assert!(found.found > 500, "rows found in the pages: {}", found.found);
    eprintln!("{} table rows found in the pages, {} tables run over pages", found.found, found.continued);

    // Two pages for people to look at, kept with the build's test files.
    let keep = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-pdf");
    std::fs::create_dir_all(&keep).unwrap();
    for (name, page) in [("cover", 1), ("middle", count / 2)] {
        let output = Command::new("pdftoppm")
            .args(["-png", "-r", "80", "-singlefile", "-f", &page.to_string(), "-l", &page.to_string()])
            .arg(&pdf)
            .arg(keep.join(name))
            .output()
            .unwrap();
        assert!(output.status.success());
    }
    eprintln!("pages: {}", keep.display());

    // The same checks on a report whose template is broken on purpose (headers not
    // repeated, two blank pages before the end) find both faults.
    let broken = dir.path().join("broken");
    std::fs::create_dir(&broken).unwrap();
    let template = std::fs::read_to_string(root().join("report-templates/report.html.j2")).unwrap();
    let rule = "  thead { display: table-header-group; }";
    assert!(template.contains(rule) && template.contains("</main>"));
    let template = template.replace(rule, "  thead { display: table-row-group; }").replace(
        "</main>",
        "<div style=\"break-before: page\"></div><div style=\"break-before: page\"></div>\n</main>",
    );
    std::fs::write(broken.join("report.html.j2"), template).unwrap();
    let output = run(kaizen().current_dir(dir.path()).args([
        "report",
        "out/result.json",
        "--templates",
        "broken",
        "--format",
        "html,pdf",
        "--out",
        "broken-out",
    ]));
    assert!(output.status.success());
    let pdf = dir.path().join("broken-out/report.pdf");
    let blank = blank_pages(&render(&pdf, 40, true, false));
    assert_eq!(blank.len(), 2, "the two empty pages are found: {blank:?}");
    let html = std::fs::read_to_string(dir.path().join("broken-out/report.html")).unwrap();
    let found = splits(&html, &page_texts(&pdf));
    assert!(found.headless.len() > 10, "rows under no header are found: {found:?}");
    eprintln!("broken on purpose: blank pages {blank:?}, {} rows under no header", found.headless.len());
}

/// A fake browser: a shell script at `dir/name` running `body`.
fn fake_browser(dir: &Path, name: &str, body: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// A result and its reports in `out/`, to be rendered again.
fn rendered() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&root().join("tests/assess/github-actions"), &dir.path().join("shop"));
    let output = run(kaizen().current_dir(dir.path()).args(["assess", "shop", "--only", "ci", "--out", "out", "-q"]));
    assert!(output.status.success());
    dir
}

/// The files of `out/` and their bytes.
fn outputs(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir.join("out"))
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap()))
        .collect();
    files.sort();
    files
}

#[test]
fn without_a_browser_the_error_says_how_to_get_one_and_nothing_is_written() {
    let dir = rendered();
    let before = outputs(dir.path());
    assert_eq!(
        before.iter().map(|(name, _)| name.as_str()).collect::<Vec<_>>(),
        ["report.html", "report.md", "result.json"]
    );
    let empty = tempfile::tempdir().unwrap();
    let no_browser = |command: &mut Command| {
        command.current_dir(dir.path()).env("PATH", empty.path()).env_remove("KAIZEN_CHROMIUM");
        run(command)
    };

    let output = no_browser(kaizen().args(["report", "out/result.json", "--format", "md,html,pdf"]));
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    for expected in [
        "error: report.pdf is printed by Chromium or Google Chrome, and none was found",
        "chromium, chromium-browser, google-chrome",
        "`apt-get install chromium`",
        "KAIZEN_CHROMIUM",
        "write report.html (--format html) and print it to PDF from any browser",
    ] {
        assert!(stderr.contains(expected), "{expected:?} is not in:\n{stderr}");
    }
    assert_eq!(outputs(dir.path()), before, "nothing was replaced");

    // `assess` says so before assessing: no result is written.
    let output =
        no_browser(kaizen().args(["assess", "shop", "--only", "ci", "--out", "fresh", "--format", "json,pdf"]));
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("none was found"));
    assert!(!dir.path().join("fresh").exists());

    // A KAIZEN_CHROMIUM that names nothing is an error of its own.
    let output = run(kaizen().current_dir(dir.path()).env("KAIZEN_CHROMIUM", "/no/such/chromium").args([
        "report",
        "out/result.json",
        "--format",
        "pdf",
    ]));
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("KAIZEN_CHROMIUM is `/no/such/chromium`, which is not an executable file"), "{stderr}");
}

#[test]
fn a_browser_that_fails_or_hangs_is_reported_in_its_own_words_and_nothing_is_replaced() {
    let dir = rendered();
    let before = outputs(dir.path());
    let bin = tempfile::tempdir().unwrap();
    let report = |browser: &Path, timeout: &str| {
        run(kaizen()
            .current_dir(dir.path())
            .env("KAIZEN_CHROMIUM", browser)
            .env("KAIZEN_CHROMIUM_TIMEOUT", timeout)
            .args(["report", "out/result.json", "--format", "md,html,pdf"]))
    };

    let failing = fake_browser(
        bin.path(),
        "failing",
        "echo 'noise before the error' >&2\necho 'FATAL: cannot open display :99' >&2\nexit 3",
    );
    let output = report(&failing, "30");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("failing could not print the report (exit status: 3); it said:\n"), "{stderr}");
    assert!(stderr.contains("noise before the error\nFATAL: cannot open display :99"), "{stderr}");
    assert_eq!(outputs(dir.path()), before, "report.md and report.html, rendered, are not put in place");

    // Ends well, writes nothing.
    let silent = fake_browser(bin.path(), "silent", "exit 0");
    let output = report(&silent, "30");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("silent ended without writing a PDF; it wrote nothing to stderr"), "{stderr}");
    assert_eq!(outputs(dir.path()), before);

    let hanging = fake_browser(bin.path(), "hanging", "echo 'starting' >&2\nexec sleep 60");
    let started = Instant::now();
    let output = report(&hanging, "1");
    assert!(started.elapsed() < Duration::from_secs(30), "stopped after its time: {:?}", started.elapsed());
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("hanging did not print the report within 1 s and was stopped"), "{stderr}");
    assert!(stderr.contains("it said:\nstarting"), "{stderr}");
    assert_eq!(outputs(dir.path()), before);

    // A browser that prints: what it was given is Kaizen's HTML report, and its PDF is
    // report.pdf. The fake one copies the page it was given (the last argument) as its PDF.
    let copying = fake_browser(
        bin.path(),
        "copying",
        r#"for a; do case "$a" in --print-to-pdf=*) out="${a#--print-to-pdf=}";; esac; page="$a"; done
{ printf '%%PDF-1.4\n'; cat "$(printf '%b' "$(echo "${page#file://}" | sed 's/%/\\x/g')")"; } > "$out""#,
    );
    let output = report(&copying, "30");
    assert!(output.status.success());
    let pdf = std::fs::read_to_string(dir.path().join("out/report.pdf")).unwrap();
    let html = std::fs::read_to_string(dir.path().join("out/report.html")).unwrap();
    assert_eq!(pdf, format!("%PDF-1.4\n{html}"));
}
