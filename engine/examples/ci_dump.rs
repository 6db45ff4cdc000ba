fn main() {
    let root = std::path::PathBuf::from(std::env::args().nth(1).unwrap());
    let mut inventory = kaizen::collect::Inventory::walk(&root, Default::default());
    let paths: Vec<&str> = inventory.files.iter().map(|f| f.path.as_str()).collect();
    let roles = kaizen::collect::roles::assign(&root, &paths, &[]);
    for (f, r) in inventory.files.iter_mut().zip(roles) {
        f.role = r;
    }
    if std::env::var("INV").is_ok() {
        for f in &inventory.files {
            if f.path.contains("workflows") {
                println!("INV {} {:?}", f.path, f.role);
            }
        }
        for s in &inventory.skipped {
            println!("SKIP {} {}", s.path, s.reason);
        }
    }
    let wanted = kaizen::ci::documents_wanted(inventory.files.iter().map(|f| (f.path.as_str(), f.role)));
    let mut docs = std::collections::BTreeMap::new();
    for (p, fmt) in wanted {
        let bytes = std::fs::read(root.join(&p)).unwrap_or_default();
        docs.insert((p, fmt), kaizen::parse::parse_located(fmt, &bytes));
    }
    let lookup = |p: &str, f: kaizen::parse::Format| docs.get(&(p.to_owned(), f)).map(Vec::as_slice);
    let inputs = kaizen::ci::Inputs {
        root: &root,
        files: inventory.files.iter().map(|f| (f.path.as_str(), f.role)).collect(),
        document: &lookup,
    };
    let ci = kaizen::ci::understand(&inputs, kaizen::catalogue::Catalogue::builtin());
    if std::env::args().nth(2).as_deref() == Some("--json") {
        println!("{}", serde_json::to_string_pretty(&ci).unwrap());
        return;
    }
    for p in &ci.pipelines {
        println!(
            "PIPELINE {} {} jobs={} err={:?}",
            p.system,
            p.path,
            p.jobs.len(),
            p.error.as_ref().map(|e| &e.message)
        );
    }
    for i in &ci.ignored {
        println!("IGNORED {} {} ({})", i.system, i.path, i.reason);
    }
    for t in &ci.tools {
        println!(
            "TOOL {:<28} {:<30} {} [{}] {}{}",
            t.tool,
            t.kinds.join(","),
            t.location(),
            t.form,
            t.text.chars().take(60).collect::<String>(),
            t.note.as_ref().map(|n| format!("  NOTE {n}")).unwrap_or_default()
        );
    }
}
