//! The roadmap with a small hand-written model.

use super::*;
use crate::judge::{FindingRecord, JudgedTarget};
use crate::model::{load, Catalogue};
use crate::plugin::Status;
use crate::score::{organisation, score_target, Profile};
use std::path::Path;

fn practice(id: &str, level: u8, effort: &str, impact: u8, deps: &[&str]) -> String {
    let deps: Vec<String> = deps.iter().map(|d| format!("\"{d}\"")).collect();
    format!(
        "[[practice]]\nid = \"{id}\"\narea = \"a\"\nlevel = {level}\ntitle = \"Do {id}\"\nguidance = \"Do **{id}** <script>x</script>.\"\neffort = \"{effort}\"\nimpact = {impact}\ndepends_on = [{}]\ntools = {{ open_source = [\"tool-{id}\"] }}\nevidence = {{ check = \"p/{id}\" }}\n\n",
        deps.join(", ")
    )
}

fn model() -> Model {
    let mut text = String::from("[model]\nid = \"m\"\nname = \"M\"\nversion = \"1\"\n\n");
    for (n, name) in ["Initial", "Managed", "Defined", "Measured", "Optimizing"].iter().enumerate() {
        text.push_str(&format!("[[level]]\nnumber = {}\nname = \"{name}\"\n\n", n + 1));
    }
    text.push_str("[[area]]\nid = \"a\"\nname = \"A\"\n\n");
    // Level 2: x (S, 3) and y (L, 3, depends on z); level 3: z (M, 2), w (S, 1);
    // level 4: v (M, 3, depends on x); level 5: u (S, 3).
    text.push_str(&practice("x", 2, "S", 3, &[]));
    text.push_str(&practice("y", 2, "L", 3, &["z"]));
    text.push_str(&practice("z", 2, "M", 2, &[]));
    text.push_str(&practice("w", 3, "S", 1, &[]));
    text.push_str(&practice("v", 4, "M", 3, &["x"]));
    text.push_str(&practice("u", 5, "S", 3, &[]));
    let mut catalogue = Catalogue::default();
    catalogue.checks.insert("p".into(), ["x", "y", "z", "w", "v", "u"].into_iter().map(String::from).collect());
    load(Path::new("m.toml"), &text, &catalogue).unwrap_or_else(|e| panic!("{e}"))
}

fn target(name: &str, passing: &[&str], failing: &[&str]) -> JudgedTarget {
    let finding = |check: &str, status| FindingRecord {
        plugin: "p".into(),
        check: check.into(),
        status,
        score: None,
        message: format!("{check} looked"),
        evidence: Vec::new(),
        exemption: None,
    };
    JudgedTarget {
        name: name.into(),
        path: name.into(),
        kind: "git".into(),
        labels: BTreeMap::new(),
        files: 1,
        facts: BTreeMap::new(),
        findings: passing
            .iter()
            .map(|c| finding(c, Status::Pass))
            .chain(failing.iter().map(|c| finding(c, Status::Fail)))
            .collect(),
        errors: Vec::new(),
        warnings: Vec::new(),
        skipped: Vec::new(),
        sources: vec![crate::model::Source::Repository, crate::model::Source::History],
        plugins: vec!["p".into()],
    }
}

fn roadmap(targets: &[JudgedTarget], capacity: u32) -> Roadmap {
    let m = model();
    let p = Profile::default();
    let scored: Vec<TargetAssessment> = targets.iter().map(|t| score_target(&m, t, BTreeMap::new(), &[], &p)).collect();
    let no_labels = BTreeMap::new();
    let rows: Vec<(&str, &BTreeMap<String, String>, &TargetAssessment)> =
        targets.iter().zip(&scored).map(|(t, a)| (t.name.as_str(), &no_labels, a)).collect();
    let org = organisation(&m, &rows, &p);
    let named: Vec<(&str, &TargetAssessment)> = targets.iter().map(|t| t.name.as_str()).zip(&scored).collect();
    plan(&m, &named, &org, capacity)
}

fn items(r: &Roadmap) -> Vec<(String, String)> {
    r.horizons.iter().flat_map(|h| h.items.iter().map(move |i| (h.id.clone(), i.practice.clone()))).collect()
}

#[test]
fn dependencies_come_first_then_impact_over_effort() {
    let t1 = target("one", &[], &["x", "y", "z", "w", "v", "u"]);
    let t2 = target("two", &["x"], &["y", "z", "w", "v", "u"]);
    let r = roadmap(&[t1, t2], 12);
    let order: Vec<String> = items(&r).into_iter().map(|(_, p)| p).collect();
    // Level 1 now: next level (2) and the one after (3): x (3/1, lacked by one target), z
    // (2/3, must precede y), y (3/8), then w (level 3). v and u are beyond two levels.
    assert_eq!(order, vec!["x", "z", "y", "w"]);
    let y = r.horizons.iter().flat_map(|h| &h.items).find(|i| i.practice == "y").unwrap();
    assert_eq!(y.depends_on, vec!["z"]);
    assert_eq!(y.lacking, vec!["one", "two"]);
    assert_eq!(y.gap[0], "one: check p/y: fail: y looked");
    // Guidance is rendered, raw HTML escaped.
    assert!(y.guidance_html.contains("<strong>y</strong>"), "{}", y.guidance_html);
    assert!(y.guidance_html.contains("&lt;script&gt;"), "{}", y.guidance_html);
    let x = r.horizons.iter().flat_map(|h| &h.items).find(|i| i.practice == "x").unwrap();
    assert_eq!((x.lacking.len(), x.assessed), (1, 2));
}

#[test]
fn horizons_respect_the_capacity_and_dependencies() {
    let t = target("one", &[], &["x", "y", "z", "w", "v", "u"]);
    // Capacity 4 a quarter: now holds x (1) + z (3); y (8) does not fit "next" (4) but an
    // empty horizon takes one item larger than its capacity; w follows in "later".
    let r = roadmap(std::slice::from_ref(&t), 4);
    assert_eq!(
        items(&r),
        vec![
            ("now".to_owned(), "x".to_owned()),
            ("now".to_owned(), "z".to_owned()),
            ("next".to_owned(), "y".to_owned()),
            ("later".to_owned(), "w".to_owned()),
        ]
    );
    for h in &r.horizons {
        assert!(h.planned <= h.capacity || h.items.len() == 1, "{h:?}");
    }
    // Capacity 1: only x fits now; z (3) is alone in next; y must follow z: later; w over.
    let r = roadmap(&[t], 1);
    let placed = items(&r);
    assert_eq!(placed[0], ("now".to_owned(), "x".to_owned()));
    assert_eq!(placed[1], ("next".to_owned(), "z".to_owned()));
    assert_eq!(placed[2], ("later".to_owned(), "y".to_owned()));
    let w = r.horizons[2].items.iter().find(|i| i.practice == "w").unwrap();
    assert!(w.over_capacity);
}

#[test]
fn only_practices_some_target_lacks_and_the_same_order_every_time() {
    let a = target("a", &["x", "z", "y"], &["w", "v", "u"]);
    let b = target("b", &["x", "z", "y", "w"], &["v", "u"]);
    let r = roadmap(&[a.clone(), b.clone()], 12);
    // Both at level 2 or more: the organisation is at level 2 (80 % of 2 targets), so
    // levels 3 and 4 are planned: w (lacked by a) and v; u (level 5) waits.
    assert_eq!(items(&r).into_iter().map(|(_, p)| p).collect::<Vec<_>>(), vec!["w", "v"]);
    for item in r.horizons.iter().flat_map(|h| &h.items) {
        assert!(!item.lacking.is_empty());
    }
    assert_eq!(roadmap(&[a, b], 12), r);
}

#[test]
fn practices_nobody_could_assess_are_listed_to_confirm() {
    let t = target("one", &["x", "y", "z"], &[]);
    let r = roadmap(&[t], 12);
    // Level 2 reached; w (level 3) was never reported: nothing to plan, one thing to confirm.
    assert!(items(&r).is_empty());
    assert_eq!(r.to_confirm.len(), 1);
    assert_eq!(r.to_confirm[0].practice, "w");
}

#[test]
fn markdown_html_escapes_raw_html_and_drops_script_links() {
    let html = super::markdown_html(
        "<script>x</script>\n\n[a](javascript:alert(1)) [b](https://x.test/) [c](docs/y.md) ![i](data:text/html,z)",
    );
    assert!(!html.contains("<script"), "{html}");
    assert!(html.contains("&lt;script&gt;"), "{html}");
    assert!(html.contains(r##"<a href="#">a</a>"##), "{html}");
    assert!(html.contains(r#"<a href="https://x.test/">b</a>"#), "{html}");
    assert!(html.contains(r#"<a href="docs/y.md">c</a>"#), "{html}");
    assert!(!html.contains("data:"), "{html}");
}
