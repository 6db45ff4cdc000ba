//! Precedence, as a table: for each setting, the command line over the assessment file
//! over the default.

use super::*;
use crate::collect::DEFAULT_MAX_FILE_SIZE;

/// 2026-01-01T00:00:00Z.
const NOW: i64 = 1_767_225_600;

/// The settings of `args` with an assessment file of `toml` (none when `None`), in a
/// folder where every path the file names exists.
fn resolve(args: Arguments, toml: Option<&str>) -> Settings {
    let dir = tempfile::tempdir().unwrap();
    for d in ["plugins-a", "repos/a"] {
        std::fs::create_dir_all(dir.path().join(d)).unwrap();
    }
    std::fs::write(dir.path().join("inventory.json"), "{}").unwrap();
    let file = toml.map(|t| AssessmentFile::parse(&dir.path().join("kaizen.toml"), t).unwrap());
    let mut settings = Settings::resolve(args, file, NOW).unwrap();
    // Paths from the file are under the temporary folder: keep what follows it.
    let base = dir.path().to_path_buf();
    let strip = |p: &mut PathBuf| {
        if let Ok(rest) = p.strip_prefix(&base) {
            *p = PathBuf::from("FILE").join(rest);
        }
    };
    strip(&mut settings.out);
    settings.history.iter_mut().for_each(strip);
    settings.answers.iter_mut().for_each(strip);
    settings.plugin_dirs.iter_mut().for_each(strip);
    settings.clouds.iter_mut().for_each(|c| strip(&mut c.path));
    if let ModelSource::File(path) = &mut settings.model {
        strip(path);
    }
    for t in &mut settings.targets {
        if let Location::Path(p) = &mut t.location {
            strip(p);
        }
    }
    settings
}

/// One row: what a setting comes to with nothing given, with the file only, and with the
/// file and the command line.
struct Row {
    name: &'static str,
    file: &'static str,
    flag: fn(&mut Arguments),
    read: fn(&Settings) -> String,
    default: &'static str,
    from_file: &'static str,
    from_flag: &'static str,
}

#[test]
fn the_command_line_wins_over_the_file_which_wins_over_the_default() {
    let rows = [
        Row {
            name: "out",
            file: "[assess]\nout = \"reports\"\n",
            flag: |a| a.out = Some("flag-out".into()),
            read: |s| s.out.display().to_string(),
            default: "kaizen-report",
            from_file: "FILE/reports",
            from_flag: "flag-out",
        },
        Row {
            name: "history",
            file: "[assess]\nhistory = \"past\"\n",
            flag: |a| a.history = Some("flag-past".into()),
            read: |s| format!("{:?}", s.history),
            default: "None",
            from_file: "Some(\"FILE/past\")",
            from_flag: "Some(\"flag-past\")",
        },
        Row {
            name: "since",
            file: "[assess]\nsince_days = 90\n",
            flag: |a| a.since = Some(Since::Days(30)),
            read: |s| format!("{} {}", s.git.since_days, s.since()),
            default: "365 1735689600",
            from_file: "90 1759449600",
            from_flag: "30 1764633600",
        },
        Row {
            name: "since as a date",
            file: "[assess]\nsince_days = 90\n",
            flag: |a| a.since = Some(Since::Date(jiff::civil::date(2025, 12, 1))),
            read: |s| s.git.since_days.to_string(),
            default: "365",
            from_file: "90",
            from_flag: "31",
        },
        Row {
            name: "max_commits",
            file: "[assess]\nmax_commits = 50\n",
            flag: |a| a.max_commits = Some(7),
            read: |s| s.git.max_commits.to_string(),
            default: "100000",
            from_file: "50",
            from_flag: "7",
        },
        Row {
            name: "max_file_mb",
            file: "[assess]\nmax_file_mb = 2\n",
            flag: |a| a.max_file_mb = Some(1),
            read: |s| s.walk.max_file_size.to_string(),
            default: "10485760",
            from_file: "2097152",
            from_flag: "1048576",
        },
        Row {
            name: "respect_gitignore",
            file: "[assess]\nrespect_gitignore = false\n",
            flag: |a| a.no_ignore = true,
            read: |s| s.walk.respect_gitignore.to_string(),
            default: "true",
            from_file: "false",
            from_flag: "false",
        },
        Row {
            name: "model",
            file: "[assess]\nmodel = \"model.toml\"\n",
            flag: |a| a.model = Some("flag-model.toml".into()),
            read: |s| format!("{:?}", s.model),
            default: "BuiltIn",
            from_file: "File(\"FILE/model.toml\")",
            from_flag: "File(\"flag-model.toml\")",
        },
        Row {
            name: "answers",
            file: "[assess]\nanswers = \"answers.toml\"\n",
            flag: |a| a.answers = Some("flag-answers.toml".into()),
            read: |s| format!("{:?}", s.answers),
            default: "None",
            from_file: "Some(\"FILE/answers.toml\")",
            from_flag: "Some(\"flag-answers.toml\")",
        },
        Row {
            name: "github_api",
            file: "[github]\napi = \"https://ghe.example.com/api/v3/\"\n",
            flag: |a| a.github_api = Some("https://flag.example.com/api/v3".into()),
            read: |s| format!("{:?}", s.github_api),
            default: "None",
            from_file: "Some(\"https://ghe.example.com/api/v3\")",
            from_flag: "Some(\"https://flag.example.com/api/v3\")",
        },
        Row {
            name: "targets",
            file: "[[targets]]\npath = \"repos/*\"\nlabels = { team = \"core\" }\n",
            flag: |a| a.targets = vec!["flag-repo".into()],
            read: |s| s.targets.iter().map(|t| format!("{} {:?}", t.id(), t.labels)).collect::<Vec<_>>().join(", "),
            default: ". {}",
            from_file: "FILE/repos/a {\"team\": \"core\"}",
            from_flag: "flag-repo {}",
        },
        Row {
            name: "targets when only cloud inventories are given",
            file: "[[cloud]]\nfile = \"inventory.json\"\n",
            flag: |a| a.cloud = vec!["flag.json".into()],
            read: |s| {
                let clouds: Vec<String> = s.clouds.iter().map(|c| c.path.display().to_string()).collect();
                format!("{} targets; {}", s.targets.len(), clouds.join(", "))
            },
            default: "1 targets; ",
            from_file: "0 targets; FILE/inventory.json",
            from_flag: "0 targets; FILE/inventory.json, flag.json",
        },
        Row {
            name: "plugin folders add up",
            file: "[plugins]\ndirs = [\"plugins-a\"]\n",
            flag: |a| a.plugins = vec!["flag-plugins".into()],
            read: |s| format!("{:?}", s.plugin_dirs),
            default: "[]",
            from_file: "[\"FILE/plugins-a\"]",
            from_flag: "[\"FILE/plugins-a\", \"flag-plugins\"]",
        },
        Row {
            name: "pipeline sources add up",
            file: "[[targets]]\npath = \"repos/a\"\n\n[[pipelines]]\ntarget = \"a\"\ngithub = \"acme/a\"\n",
            flag: |a| {
                a.pipelines = vec!["runs.json".into()];
                a.github = vec!["a=acme/b".into()];
            },
            read: |s| format!("{:?}", s.pipelines),
            default: "[]",
            from_file: "[Named { target: \"a\", input: Github(\"acme/a\") }]",
            from_flag: "[Named { target: \"a\", input: Github(\"acme/a\") }, FileFlag(\"runs.json\"), GithubFlag(\"a=acme/b\")]",
        },
        Row {
            name: "deployment workflows",
            file: "[deployments]\nworkflows = [\"ship*\"]\n",
            flag: |_| {},
            read: |s| format!("{:?}", s.deploy_patterns.workflow),
            default: "[\"*deploy*\", \"*release*\", \"*publish*\", \"/(^|[^a-z0-9])cd([^a-z0-9]|$)/\"]",
            from_file: "[\"ship*\"]",
            from_flag: "[\"ship*\"]",
        },
        Row {
            name: "capacity",
            file: "[roadmap]\ncapacity = 12\n",
            flag: |_| {},
            read: |s| s.capacity.to_string(),
            default: "12",
            from_file: "12",
            from_flag: "12",
        },
    ];
    let mut wrong = Vec::new();
    for row in &rows {
        let none = (row.read)(&resolve(Arguments::default(), None));
        let file = (row.read)(&resolve(Arguments::default(), Some(row.file)));
        let mut args = Arguments::default();
        (row.flag)(&mut args);
        let both = (row.read)(&resolve(args, Some(row.file)));
        for (case, found, expected) in
            [("default", none, row.default), ("file", file, row.from_file), ("flag", both, row.from_flag)]
        {
            if found != expected {
                wrong.push(format!("{} ({case}): {found}, expected {expected}", row.name));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert_eq!(DEFAULT_MAX_FILE_SIZE, 10 << 20);
}

#[test]
fn a_date_in_the_future_is_refused() {
    let args = Arguments { since: Some(Since::Date(jiff::civil::date(2026, 1, 2))), ..Arguments::default() };
    let e = Settings::resolve(args, None, NOW).unwrap_err();
    assert_eq!(e.to_string(), "--since 2026-01-02 is in the future");
}

#[test]
fn since_reads_days_and_dates() {
    assert_eq!(parse_since("30"), Ok(Since::Days(30)));
    assert_eq!(parse_since("2025-01-31"), Ok(Since::Date(jiff::civil::date(2025, 1, 31))));
    assert_eq!(parse_since("0"), Err("the window must be at least one day".into()));
    assert!(parse_since("soon").unwrap_err().contains("neither a number of days nor a date"));
}
