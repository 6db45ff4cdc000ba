//! The physical limit of an assessment's file work, for `scripts/bench.sh`: a plain
//! program that walks a tree the way Kaizen's host does (`collect/inventory.rs`: the
//! `ignore` crate with the same options, `.git` skipped, links not followed, each file's
//! size read) and reads, once each, the files listed in LIST (paths relative to ROOT, one
//! per line: the files the plugins and the host's parsers opened in a recorded run).
//! Reading uses every core, as Kaizen's plugin runs do; nothing is parsed or judged.
//!
//!   cargo run --release --example plain_walk -- ROOT [LIST]
//!
//! Prints one line: files walked, files read, bytes read, and the walk and read times.

use rayon::prelude::*;
use std::io::BufRead;
use std::path::Path;
use std::time::Instant;

fn main() {
    let mut args = std::env::args_os().skip(1);
    let Some(root) = args.next() else {
        eprintln!("usage: plain_walk ROOT [LIST]");
        std::process::exit(2);
    };
    let root = Path::new(&root);
    let list: Vec<String> = match args.next() {
        Some(list) => std::io::BufReader::new(std::fs::File::open(list).expect("LIST is readable"))
            .lines()
            .map(|l| l.expect("LIST is UTF-8"))
            .filter(|l| !l.is_empty())
            .collect(),
        None => Vec::new(),
    };

    let started = Instant::now();
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .parents(false)
        .ignore(false)
        .git_global(false)
        .git_ignore(true)
        .git_exclude(true)
        .require_git(false)
        .follow_links(false)
        .filter_entry(|e| !(e.depth() > 0 && e.file_name() == ".git" && e.file_type().is_some_and(|t| t.is_dir())))
        .sort_by_file_name(|a, b| a.cmp(b))
        .build();
    let mut files = 0usize;
    let mut sizes = 0u64;
    for entry in walker.flatten() {
        if entry.file_type().is_some_and(|t| t.is_file()) {
            files += 1;
            sizes += entry.metadata().map(|m| m.len()).unwrap_or(0);
        }
    }
    let walked = started.elapsed();

    let started = Instant::now();
    let bytes: u64 =
        list.par_iter().map(|path| std::fs::read(root.join(path)).map(|b| b.len() as u64).unwrap_or(0)).sum();
    let read = started.elapsed();
    println!(
        "walked {files} files ({sizes} bytes) in {} ms; read {} files ({bytes} bytes) in {} ms",
        walked.as_millis(),
        list.len(),
        read.as_millis()
    );
}
