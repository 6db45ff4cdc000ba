//! `report.pdf`: the HTML report printed by a headless Chromium or Google Chrome.
//!
//! The HTML report carries its own print styles (a cover, page breaks, repeated table
//! headers, page numbers in the margins), so the PDF is what any browser's "Print → Save as
//! PDF" gives; Kaizen only drives the browser. Chromium is `$KAIZEN_CHROMIUM`, else the
//! first of [`NAMES`] on the PATH (else, on macOS, the applications' usual places). It runs
//! with a profile of its own in a temporary folder beside the output, so that a browser
//! confined to the user's files (Ubuntu's snap) can read the page, and is stopped after a
//! time limit.

use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// The names Chromium and Chrome have on the PATH, in the order they are looked for.
pub const NAMES: &[&str] = &["chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"];

/// How long the browser may take to print, unless `KAIZEN_CHROMIUM_TIMEOUT` says otherwise
/// (the report of a thousand targets is tens of megabytes of HTML).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(180);

/// Where the applications are when they are not on the PATH.
#[cfg(target_os = "macos")]
const INSTALLED: &[&str] = &[
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
];
#[cfg(not(target_os = "macos"))]
const INSTALLED: &[&str] = &[];

/// A headless browser that prints pages to PDF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chromium {
    /// The executable.
    pub path: PathBuf,
    /// How long it may take to print.
    pub timeout: Duration,
}

/// Why no PDF could be printed.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// No browser was found.
    #[error(
        "report.pdf is printed by Chromium or Google Chrome, and none was found (looked for {} on the PATH); \
         install one (Debian, Ubuntu: `apt-get install chromium`; Fedora: `dnf install chromium`; \
         macOS: `brew install --cask chromium`) or set KAIZEN_CHROMIUM to its path; \
         or write report.html (--format html) and print it to PDF from any browser, whose \
         \"Print → Save as PDF\" gives the same document",
        NAMES.join(", ")
    )]
    NotFound,
    /// `KAIZEN_CHROMIUM` names no executable.
    #[error("KAIZEN_CHROMIUM is `{}`, which is not an executable file{}", .0.display(), path_hint(.0))]
    NotExecutable(PathBuf),
    /// `KAIZEN_CHROMIUM_TIMEOUT` is not a number of seconds.
    #[error("KAIZEN_CHROMIUM_TIMEOUT is `{0}`; it is a number of seconds, as 300")]
    InvalidTimeout(String),
    /// The browser could not be started.
    #[error("cannot start {}", path.display())]
    Start {
        /// The executable.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The browser failed.
    #[error("{} could not print the report ({status}){}", path.display(), said(stderr))]
    Failed {
        /// The executable.
        path: PathBuf,
        /// How it ended.
        status: ExitStatus,
        /// The end of what it wrote to stderr.
        stderr: String,
    },
    /// The browser ended well but wrote no PDF.
    #[error("{} ended without writing a PDF{}", path.display(), said(stderr))]
    NoPdf {
        /// The executable.
        path: PathBuf,
        /// The end of what it wrote to stderr.
        stderr: String,
    },
    /// The browser took too long, and was stopped.
    #[error(
        "{} did not print the report within {} s and was stopped (KAIZEN_CHROMIUM_TIMEOUT sets the limit){}",
        path.display(),
        timeout.as_secs(),
        said(stderr)
    )]
    TimedOut {
        /// The executable.
        path: PathBuf,
        /// The limit.
        timeout: Duration,
        /// The end of what it wrote to stderr.
        stderr: String,
    },
    /// The temporary files could not be written or read.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

fn said(stderr: &str) -> String {
    if stderr.trim().is_empty() {
        "; it wrote nothing to stderr".into()
    } else {
        format!("; it said:\n{stderr}")
    }
}

fn path_hint(path: &Path) -> &'static str {
    if path.components().count() == 1 {
        " on the PATH"
    } else {
        ""
    }
}

impl Chromium {
    /// The browser of `KAIZEN_CHROMIUM`, else the first of [`NAMES`] on the PATH, with the
    /// time limit of `KAIZEN_CHROMIUM_TIMEOUT`.
    pub fn from_env() -> Result<Chromium, PdfError> {
        let timeout = match std::env::var("KAIZEN_CHROMIUM_TIMEOUT") {
            Ok(text) => match text.trim().parse::<u64>() {
                Ok(seconds) if seconds > 0 => Duration::from_secs(seconds),
                _ => return Err(PdfError::InvalidTimeout(text)),
            },
            Err(_) => DEFAULT_TIMEOUT,
        };
        let path = Chromium::find(std::env::var_os("KAIZEN_CHROMIUM").as_deref(), std::env::var_os("PATH").as_deref())?;
        Ok(Chromium { path, timeout })
    }

    /// The browser `explicit` names (a path, or a name looked up on `path_var`), else the
    /// first of [`NAMES`] on `path_var`, else one of the applications' usual places.
    pub fn find(explicit: Option<&OsStr>, path_var: Option<&OsStr>) -> Result<PathBuf, PdfError> {
        let on_path = |name: &OsStr| {
            std::env::split_paths(path_var.unwrap_or_default()).map(|dir| dir.join(name)).find(|p| is_executable(p))
        };
        if let Some(explicit) = explicit.filter(|e| !e.is_empty()) {
            let given = PathBuf::from(explicit);
            let found = if given.components().count() == 1 { on_path(explicit) } else { Some(given.clone()) };
            return found.filter(|p| is_executable(p)).ok_or(PdfError::NotExecutable(given));
        }
        NAMES
            .iter()
            .find_map(|name| on_path(OsStr::new(name)))
            .or_else(|| INSTALLED.iter().map(PathBuf::from).find(|p| is_executable(p)))
            .ok_or(PdfError::NotFound)
    }

    /// Prints the page at `html` to `pdf`, with a fresh profile in `profile`.
    pub fn print(&self, html: &Path, pdf: &Path, profile: &Path) -> Result<(), PdfError> {
        let url = file_url(&std::fs::canonicalize(html)?);
        let stderr_path = profile.with_extension("stderr");
        let mut command = Command::new(&self.path);
        command
            .args(["--headless", "--disable-gpu", "--disable-dev-shm-usage", "--disable-extensions"])
            .args(["--no-first-run", "--no-default-browser-check", "--hide-scrollbars"])
            // The page numbers are the report's own (CSS margin boxes), not the browser's
            // header and footer; the second flag is the older browsers' name of the first.
            .args(["--no-pdf-header-footer", "--print-to-pdf-no-header"])
            .arg(with_value("--user-data-dir=", profile.as_os_str()))
            .arg(with_value("--print-to-pdf=", pdf.as_os_str()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&stderr_path)?);
        // Chromium refuses to run as root inside its sandbox; the page it prints is
        // Kaizen's own, without script.
        if runs_as_root(profile) {
            command.arg("--no-sandbox");
        }
        command.arg(url);
        let mut child = command.spawn().map_err(|source| PdfError::Start { path: self.path.clone(), source })?;
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait()? {
                break Some(status);
            }
            if started.elapsed() > self.timeout {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let stderr = tail(&std::fs::read(&stderr_path).unwrap_or_default());
        let path = self.path.clone();
        match status {
            None => Err(PdfError::TimedOut { path, timeout: self.timeout, stderr }),
            Some(status) if !status.success() => Err(PdfError::Failed { path, status, stderr }),
            Some(_) if !is_pdf(pdf) => Err(PdfError::NoPdf { path, stderr }),
            Some(_) => Ok(()),
        }
    }
}

/// Prints the HTML report `render` writes with `chromium`, in a temporary folder inside
/// `near` (the output folder), and copies the PDF to `out`. The folder goes when done.
pub fn print<E: From<std::io::Error> + From<PdfError>>(
    chromium: &Chromium,
    near: &Path,
    out: &mut dyn Write,
    render: impl FnOnce(&mut dyn Write) -> Result<(), E>,
) -> Result<(), E> {
    let dir = tempfile::Builder::new().prefix(".kaizen-pdf-").tempdir_in(near)?;
    let html = dir.path().join("report.html");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&html)?);
    render(&mut file)?;
    file.flush()?;
    drop(file);
    let pdf = dir.path().join("report.pdf");
    chromium.print(&html, &pdf, &dir.path().join("profile"))?;
    std::io::copy(&mut std::fs::File::open(&pdf)?, out)?;
    Ok(())
}

/// Whether the file at `path` starts as a PDF does.
fn is_pdf(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0; 5];
    std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut head)).is_ok() && &head == b"%PDF-"
}

/// `prefix` and `value` as one argument.
fn with_value(prefix: &str, value: &OsStr) -> OsString {
    let mut arg = OsString::from(prefix);
    arg.push(value);
    arg
}

/// A `file://` URL of an absolute path, every byte but the unreserved ones and `/`
/// percent-encoded (a folder may be named `#1` or `a b`).
fn file_url(path: &Path) -> String {
    let mut url = String::from("file://");
    for &byte in path.as_os_str().as_encoded_bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~".contains(&byte) {
            url.push(byte as char);
        } else {
            url.push_str(&format!("%{byte:02X}"));
        }
    }
    url
}

/// The last lines of what the browser wrote to stderr, at most 40 lines and 4,000 bytes.
fn tail(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let mut kept = lines[lines.len().saturating_sub(40)..].join("\n");
    if kept.len() > 4000 {
        let cut = kept.len() - 4000;
        let cut = (cut..kept.len()).find(|&i| kept.is_char_boundary(i)).unwrap_or(kept.len());
        kept = format!("…{}", &kept[cut..]);
    }
    kept
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

/// Whether this process runs as root: the owner of a folder it just made. The profile
/// folder does not exist yet, so its parent, the temporary folder Kaizen made, is asked.
#[cfg(unix)]
fn runs_as_root(profile: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    profile.parent().and_then(|dir| std::fs::metadata(dir).ok()).is_some_and(|m| m.uid() == 0)
}

#[cfg(not(unix))]
fn runs_as_root(_: &Path) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_of_awkward_paths_stay_one_file() {
        assert_eq!(file_url(Path::new("/srv/a b/#1/r%.html")), "file:///srv/a%20b/%231/r%25.html");
    }

    #[cfg(unix)]
    #[test]
    fn the_browser_is_the_one_named_else_the_first_on_the_path() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let (first, second) = (dir.path().join("first"), dir.path().join("second"));
        for (folder, name) in [(&first, "google-chrome"), (&second, "chromium"), (&second, "not-executable")] {
            std::fs::create_dir_all(folder).unwrap();
            std::fs::write(folder.join(name), "#!/bin/sh\n").unwrap();
            let mode = if name == "not-executable" { 0o644 } else { 0o755 };
            std::fs::set_permissions(folder.join(name), std::fs::Permissions::from_mode(mode)).unwrap();
        }
        let path = std::env::join_paths([&first, &second]).unwrap();
        // `chromium` comes before `google-chrome` in NAMES, whatever the folders' order.
        assert_eq!(Chromium::find(None, Some(&path)).unwrap(), second.join("chromium"));
        let named = Chromium::find(Some(OsStr::new("google-chrome")), Some(&path)).unwrap();
        assert_eq!(named, first.join("google-chrome"));
        let by_path = first.join("google-chrome");
        assert_eq!(Chromium::find(Some(by_path.as_os_str()), None).unwrap(), by_path);
        for bad in ["not-executable", "/no/such/chrome"] {
            let err = Chromium::find(Some(OsStr::new(bad)), Some(&path)).unwrap_err();
            assert!(matches!(err, PdfError::NotExecutable(_)), "{bad}: {err}");
        }
        #[cfg(not(target_os = "macos"))]
        assert!(matches!(Chromium::find(None, Some(OsStr::new(&first.join("none")))), Err(PdfError::NotFound)));
    }

    #[test]
    fn the_end_of_a_long_stderr_is_kept() {
        let long: String = (0..100).map(|i| format!("line {i}\n\n")).collect();
        let kept = tail(long.as_bytes());
        assert!(kept.starts_with("line 60\n") && kept.ends_with("line 99"), "{kept}");
        assert!(tail("é".repeat(3000).as_bytes()).len() <= 4003);
    }
}
