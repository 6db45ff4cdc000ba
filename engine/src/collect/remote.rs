//! Remote targets: a git URL is cloned into the cache folder on its first assessment and
//! fetched on later ones, then assessed like a local repository.
//!
//! The transport is the `git` command, and libgit2 only reads. Fetching with `git` honours
//! every way people already authenticate, exactly as they configured it: SSH agents and
//! `~/.ssh/config`, credential helpers (the OS keychains, `gh auth`, GCM), `GIT_ASKPASS`,
//! `url.<base>.insteadOf` rewrites and proxies. It also keeps OpenSSL and libssh2 out of
//! Kaizen's build, which a fresh machine with only Rust could not build. One more way is
//! Kaizen's own: a token in `KAIZEN_GIT_TOKEN`, handed to git by an inline credential helper
//! that reads it from the environment, so it never appears in a process listing or in the
//! clone's configuration.
//!
//! History is fetched only as far as it is used: the tip alone (`--depth 1`) when no plugin
//! reads git facts, else the default branch back to the start of the `--since` window, plus
//! the tip of every other branch (their age is a fact) and the tags on what was fetched.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The environment variable holding a token for HTTPS remotes.
pub const TOKEN_VAR: &str = "KAIZEN_GIT_TOKEN";
/// The environment variable holding the user name sent with the token (default
/// `x-access-token`, which GitHub expects; GitLab accepts any, Bitbucket wants `x-token-auth`).
pub const USERNAME_VAR: &str = "KAIZEN_GIT_USERNAME";

/// A git URL given as a target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteUrl {
    url: String,
    redacted: String,
    host: String,
    path: String,
    credential: Option<Credential>,
}

/// A token git sends for one URL over HTTPS: the token an organisation was listed with,
/// for the clones of its repositories.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    /// The user name sent with it (`x-access-token` for GitHub, `oauth2` for GitLab).
    pub username: String,
    /// The token.
    pub token: crate::collect::forge::Token,
}

impl RemoteUrl {
    /// Reads `text` as a git URL: `https://`, `http://`, `ssh://`, `git://` and `file://`
    /// URLs, and the scp-like `user@host:path` form. Anything else is not a URL (a local
    /// path, for the caller).
    pub fn parse(text: &str) -> Option<RemoteUrl> {
        if let Some((scheme, rest)) = text.split_once("://") {
            if !matches!(scheme, "https" | "http" | "ssh" | "git" | "file") {
                return None;
            }
            let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
            let (userinfo, host) = match authority.rsplit_once('@') {
                Some((user, host)) => (Some(user), host),
                None => (None, authority),
            };
            if path.trim_matches('/').is_empty() || (host.is_empty() && scheme != "file") {
                return None;
            }
            // A user name in an SSH URL is not a secret; anything before the host of an
            // HTTP URL may be a token or a password.
            let redacted = match userinfo {
                Some(user) if scheme == "ssh" && !user.contains(':') => text.to_owned(),
                Some(_) => format!("{scheme}://***@{host}/{path}"),
                None => text.to_owned(),
            };
            return Some(RemoteUrl {
                url: text.to_owned(),
                redacted,
                host: host.to_owned(),
                path: path.to_owned(),
                credential: None,
            });
        }
        // scp-like: [user@]host:path, where the host part has no slash.
        let (before, path) = text.split_once(':')?;
        let host = before.rsplit_once('@').map_or(before, |(_, h)| h);
        let looks_like_host = !host.is_empty()
            && host.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
            && (before.contains('@') || host.contains('.'));
        if !looks_like_host || path.is_empty() || path.starts_with("//") {
            return None;
        }
        Some(RemoteUrl {
            url: text.to_owned(),
            redacted: text.to_owned(),
            host: host.to_owned(),
            path: path.to_owned(),
            credential: None,
        })
    }

    /// The URL with a token git sends over HTTPS (and only there). Its own credentials, or
    /// the user's helpers, still come first.
    pub fn with_credential(self, credential: Credential) -> RemoteUrl {
        RemoteUrl { credential: Some(credential), ..self }
    }

    /// The host, without user or port handling: `github.com`, `127.0.0.1:9418`.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The URL with any password or token replaced by `***`, for messages and results.
    pub fn redacted(&self) -> &str {
        &self.redacted
    }

    /// The repository's name: the last path segment without `.git`.
    pub fn name(&self) -> String {
        let last = self.path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
        let name = last.strip_suffix(".git").unwrap_or(last);
        if name.is_empty() {
            self.host.clone()
        } else {
            name.to_owned()
        }
    }

    /// Where the clone lives below the cache folder: `repos/<host>/<path>-<hash>`, each part
    /// reduced to safe characters, with a short hash of the URL (without credentials) so two
    /// URLs never share a folder.
    pub fn cache_path(&self) -> PathBuf {
        use sha2::Digest;
        let clean = |s: &str| -> String {
            let c: String =
                s.chars().map(|c| if c.is_ascii_alphanumeric() || "._-".contains(c) { c } else { '_' }).collect();
            c.trim_start_matches('.').to_owned()
        };
        let hash = sha2::Sha256::digest(format!("{}/{}", self.host, self.path).as_bytes());
        let short: String = hash.iter().take(4).map(|b| format!("{b:02x}")).collect();
        let mut out = PathBuf::from("repos");
        out.push(if self.host.is_empty() { "local".to_owned() } else { clean(&self.host) });
        let segments: Vec<String> =
            self.path.trim_matches('/').split('/').map(clean).filter(|s| !s.is_empty()).collect();
        let (last, parents) = segments.split_last().map_or(("repo", &[][..]), |(l, p)| (l.as_str(), p));
        for p in parents {
            out.push(p);
        }
        out.push(format!("{}-{short}", last.strip_suffix(".git").unwrap_or(last)));
        out
    }

    /// Whether git reaches it over HTTP(S), where tokens are sent.
    pub fn is_http(&self) -> bool {
        self.url.starts_with("https://") || self.url.starts_with("http://")
    }
}

/// How much history to fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum History {
    /// The tip of the default branch only: no plugin reads git facts.
    Tip,
    /// The default branch back to this time (seconds since the epoch), the tips of the
    /// other branches, and the tags on what was fetched.
    Since(i64),
}

/// How to bring a remote into the cache.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// The cache folder; clones go below `repos/`.
    pub cache_dir: PathBuf,
    /// How much history to fetch.
    pub history: History,
    /// Use the cached clone as it is, without network; fail when there is none.
    pub offline: bool,
}

/// What [`sync`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// A first clone.
    Cloned,
    /// An existing clone, fetched and checked out at the new tip.
    Fetched,
    /// An existing clone, used as it was (offline).
    Reused,
}

/// A remote in the cache, ready to assess.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Synced {
    /// The working tree.
    pub path: PathBuf,
    /// What was done.
    pub action: Action,
    /// How much the clone's object store grew: about the bytes fetched.
    pub bytes: u64,
    /// What the assessment will not see, to record on the target: submodules not followed,
    /// Git LFS files present only as pointers, a repository without branches assessed at a tag.
    pub notes: Vec<String>,
}

/// A remote that could not be brought into the cache.
#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    /// The `git` command is not installed.
    #[error("remote target {url} needs the `git` command, which is not on the PATH; install git")]
    GitMissing {
        /// The URL, redacted.
        url: String,
    },
    /// git failed.
    #[error("cannot {action} {url}: {message}")]
    Git {
        /// `clone` or `fetch`.
        action: &'static str,
        /// The URL, redacted.
        url: String,
        /// What git said (its last lines), or the exit status.
        message: String,
    },
    /// The repository has no commit on any branch or tag.
    #[error("{url} has nothing to assess: the repository is empty (git: {said})")]
    Empty {
        /// The URL, redacted.
        url: String,
        /// What git said.
        said: String,
    },
    /// Offline, and nothing is cached.
    #[error("remote target {url} is not in the cache ({path}) and --offline forbids cloning it")]
    NotCached {
        /// The URL, redacted.
        url: String,
        /// Where the clone would be.
        path: String,
    },
    /// The cache folder cannot be written.
    #[error("cannot prepare the cache folder {path}: {source}")]
    Cache {
        /// The folder.
        path: String,
        /// Why.
        source: std::io::Error,
    },
}

/// Clones `remote` into the cache, or fetches it when a clone is there already, and checks
/// out the tip of its default branch (the newest tag when it has no branch). A clone is made
/// in a temporary folder and renamed into place, so an interrupted first run leaves no half
/// clone behind.
pub fn sync(remote: &RemoteUrl, options: &SyncOptions) -> Result<Synced, RemoteError> {
    let path = options.cache_dir.join(remote.cache_path());
    if path.join(".git").is_dir() {
        if options.offline {
            let notes = notes(remote, &path);
            return Ok(Synced { path, action: Action::Reused, bytes: 0, notes });
        }
        let before = size_of(&path.join(".git/objects"));
        let mut notes = fetch(remote, &path, options.history)?;
        notes.extend(self::notes(remote, &path));
        let bytes = size_of(&path.join(".git/objects")).saturating_sub(before);
        return Ok(Synced { path, action: Action::Fetched, bytes, notes });
    }
    if options.offline {
        return Err(RemoteError::NotCached { url: remote.redacted.clone(), path: path.display().to_string() });
    }
    let parent = path.parent().expect("the cache path has a parent");
    let cache_error = |source| RemoteError::Cache { path: parent.display().to_string(), source };
    std::fs::create_dir_all(parent).map_err(cache_error)?;
    let staging = tempfile::Builder::new().prefix(".clone-").tempdir_in(parent).map_err(cache_error)?;
    let tree = staging.path().join("tree");
    let mut notes = clone(remote, &tree, options.history)?;
    if path.exists() {
        // A stale folder without .git (an interrupted rename of an older version).
        std::fs::remove_dir_all(&path).map_err(cache_error)?;
    }
    std::fs::rename(&tree, &path).map_err(cache_error)?;
    notes.extend(self::notes(remote, &path));
    let bytes = size_of(&path.join(".git/objects"));
    Ok(Synced { path, action: Action::Cloned, bytes, notes })
}

/// The bytes of the files below `dir` (links not followed); what cannot be read counts 0.
fn size_of(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries
        .flatten()
        .map(|entry| match entry.file_type() {
            Ok(t) if t.is_dir() => size_of(&entry.path()),
            Ok(t) if t.is_file() => entry.metadata().map_or(0, |m| m.len()),
            _ => 0,
        })
        .sum()
}

fn clone(remote: &RemoteUrl, tree: &Path, history: History) -> Result<Vec<String>, RemoteError> {
    let mut args: Vec<String> = vec!["clone".into()];
    args.extend(depth_args(history));
    args.extend(["--".into(), remote.url.clone(), tree.display().to_string()]);
    let said = match (git(remote, None, &args, "clone"), history) {
        (Err(e), History::Since(start)) => {
            // Servers refuse a window with no commit in it, in words that depend on the
            // transport ("no commits selected for shallow requests" over file://, a hang-up
            // over git://). The tip alone tells: older than the window, it is all there is
            // to read; newer, the window was not the problem and git's first words stand.
            let _ = std::fs::remove_dir_all(tree);
            let args = ["clone", "--depth", "1", "--", &remote.url, &tree.display().to_string()];
            match git(remote, None, &args.map(String::from), "clone") {
                Ok(said) if !has_head(remote, tree) || tip_older_than(remote, tree, "HEAD", start) => said,
                _ => return Err(e),
            }
        }
        (result, _) => result?,
    };
    if !has_head(remote, tree) {
        // No default branch: an empty repository, or one with tags only.
        return at_newest_tag(remote, tree, &said.stderr);
    }
    if let History::Since(_) = history {
        other_branch_tips(remote, tree)?;
    }
    Ok(Vec::new())
}

/// Brings an existing clone up to date. A branch force-pushed since the last run is taken
/// as it now is (the refspecs force), and the working tree is reset to it.
fn fetch(remote: &RemoteUrl, tree: &Path, history: History) -> Result<Vec<String>, RemoteError> {
    if !has_upstream(remote, tree) {
        // A clone of a repository that had no branch: assessed at its newest tag, again.
        return at_newest_tag(remote, tree, "");
    }
    let mut args: Vec<String> = vec!["fetch".into(), "--prune".into()];
    args.extend(depth_args(history));
    args.push("origin".into());
    match (git(remote, Some(tree), &args, "fetch"), history) {
        (Err(e), History::Since(start)) => {
            // As for a clone: an empty window is told by the age of the tip.
            let args = ["fetch", "--prune", "--depth", "1", "origin"];
            let fetched = git(remote, Some(tree), &args.map(String::from), "fetch");
            if fetched.is_err() || !tip_older_than(remote, tree, "@{upstream}", start) {
                return Err(e);
            }
        }
        (result, _) => drop(result?),
    }
    if let History::Since(_) = history {
        other_branch_tips(remote, tree)?;
    }
    // The working tree is only ever read (plugins get it read-only), but a previous run may
    // have been interrupted: make it exactly the fetched tip.
    let reset = ["reset", "--quiet", "--hard", "@{upstream}"].map(String::from);
    git(remote, Some(tree), &reset, "fetch")?;
    git(remote, Some(tree), &["clean", "-ffdxq"].map(String::from), "fetch")?;
    Ok(Vec::new())
}

/// Whether the commit `rev` is older than `start` (seconds since the epoch).
fn tip_older_than(remote: &RemoteUrl, tree: &Path, rev: &str, start: i64) -> bool {
    let args = ["log", "-1", "--format=%ct", rev].map(String::from);
    git(remote, Some(tree), &args, "fetch").ok().and_then(|s| s.stdout.parse::<i64>().ok()).is_some_and(|t| t < start)
}

fn has_head(remote: &RemoteUrl, tree: &Path) -> bool {
    git(remote, Some(tree), &["rev-parse", "--verify", "--quiet", "HEAD"].map(String::from), "clone").is_ok()
}

fn has_upstream(remote: &RemoteUrl, tree: &Path) -> bool {
    let args = ["rev-parse", "--verify", "--quiet", "@{upstream}"].map(String::from);
    git(remote, Some(tree), &args, "fetch").is_ok()
}

/// A repository without branches: its newest tag (by date) is checked out, and the note says
/// so; without tags either, it is empty and there is nothing to assess.
fn at_newest_tag(remote: &RemoteUrl, tree: &Path, clone_said: &str) -> Result<Vec<String>, RemoteError> {
    let listed = git(remote, Some(tree), &["ls-remote", "--tags", "--refs", "origin"].map(String::from), "fetch")?;
    if listed.stdout.is_empty() {
        let said = last_lines(clone_said).unwrap_or_else(|| "no branch and no tag on the server".to_owned());
        return Err(RemoteError::Empty { url: remote.redacted.clone(), said });
    }
    let args = ["fetch", "--prune", "--depth", "1", "origin", "+refs/tags/*:refs/tags/*"].map(String::from);
    git(remote, Some(tree), &args, "fetch")?;
    let sort = ["for-each-ref", "--sort=-creatordate", "--count=1", "--format=%(refname:short)", "refs/tags"];
    let newest = git(remote, Some(tree), &sort.map(String::from), "fetch")?.stdout;
    let checkout = ["checkout", "--quiet", "--force", "--detach", &format!("refs/tags/{newest}")].map(String::from);
    git(remote, Some(tree), &checkout, "fetch")?;
    git(remote, Some(tree), &["clean", "-ffdxq"].map(String::from), "fetch")?;
    Ok(vec![format!("the repository has no branch: assessed at its newest tag, {newest}")])
}

/// What a checked-out clone holds that the assessment does not read: submodules (never
/// cloned) and Git LFS files (never downloaded; their pointers are all there is).
fn notes(remote: &RemoteUrl, tree: &Path) -> Vec<String> {
    let mut notes = Vec::new();
    let config = ["config", "--file", ".gitmodules", "--get-regexp", r"^submodule\..*\.path$"].map(String::from);
    if let Ok(listed) = git(remote, Some(tree), &config, "fetch") {
        let paths: Vec<&str> = listed.stdout.lines().filter_map(|l| l.split_once(' ').map(|(_, p)| p)).collect();
        if !paths.is_empty() {
            notes.push(format!(
                "{} submodule{} not followed, so not assessed: {}",
                paths.len(),
                if paths.len() == 1 { "" } else { "s" },
                paths.join(", ")
            ));
        }
    }
    let grep = ["grep", "-l", "-I", "--untracked", "-e", "^version https://git-lfs.github.com/spec/v1$", "--", "."];
    if let Ok(found) = git(remote, Some(tree), &grep.map(String::from), "fetch") {
        let files: Vec<&str> = found.stdout.lines().collect();
        if !files.is_empty() {
            let shown: Vec<&str> = files.iter().take(5).copied().collect();
            notes.push(format!(
                "{} Git LFS file{} not downloaded, assessed as pointers only: {}{}",
                files.len(),
                if files.len() == 1 { "" } else { "s" },
                shown.join(", "),
                if files.len() > shown.len() { ", …" } else { "" }
            ));
        }
    }
    notes
}

fn depth_args(history: History) -> Vec<String> {
    match history {
        History::Tip => vec!["--depth".into(), "1".into()],
        History::Since(start) => vec![format!("--shallow-since={start}")],
    }
}

/// Fetches the tip of every branch but the checked-out one, whose history was fetched with
/// the window: branch ages are facts, their histories are not needed. The branches are
/// listed first, so a repository with one branch asks for nothing more.
fn other_branch_tips(remote: &RemoteUrl, tree: &Path) -> Result<(), RemoteError> {
    let head = git(remote, Some(tree), &["symbolic-ref", "--quiet", "HEAD"].map(String::from), "fetch")?.stdout;
    let listed = git(remote, Some(tree), &["ls-remote", "--heads", "origin"].map(String::from), "fetch")?.stdout;
    let refspecs: Vec<String> = listed
        .lines()
        .filter_map(|line| line.split_once('\t').map(|(_, name)| name))
        .filter(|name| *name != head)
        .filter_map(|name| name.strip_prefix("refs/heads/"))
        .map(|branch| format!("+refs/heads/{branch}:refs/remotes/origin/{branch}"))
        .collect();
    if refspecs.is_empty() {
        return Ok(());
    }
    let mut args: Vec<String> = ["fetch", "--depth", "1", "origin"].map(String::from).into();
    args.extend(refspecs);
    git(remote, Some(tree), &args, "fetch").map(drop)
}

/// What a git command printed.
struct Said {
    stdout: String,
    stderr: String,
}

/// The last lines git wrote, joined: its own words for a message. Progress lines
/// ("Cloning into …") say nothing about what went wrong.
fn last_lines(text: &str) -> Option<String> {
    let said: Vec<&str> =
        text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with("Cloning into ")).collect();
    (!said.is_empty()).then(|| said[said.len().saturating_sub(3)..].join("; "))
}

/// Runs git for `remote`, in `dir` if given, never prompting on a terminal. A failure
/// carries the last lines git wrote to stderr, credentials removed.
fn git(remote: &RemoteUrl, dir: Option<&Path>, args: &[String], action: &'static str) -> Result<Said, RemoteError> {
    let mut cmd = Command::new("git");
    if let Some(dir) = dir {
        cmd.current_dir(dir);
    }
    let own = remote.credential.as_ref().filter(|_| remote.is_http());
    if remote.is_http() && (own.is_some() || std::env::var_os(TOKEN_VAR).is_some_and(|t| !t.is_empty())) {
        // Appended after the user's own helpers, so a stored credential still wins. The
        // helper reads the token from the environment when git asks: it never appears in
        // an argument list or a config file.
        cmd.args(["-c", &format!("credential.helper={}", token_helper())]);
    }
    if let Some(credential) = own {
        cmd.env(TOKEN_VAR, credential.token.reveal()).env(USERNAME_VAR, &credential.username);
    }
    // An unattended run must fail with a message, not wait for a password nobody types.
    cmd.env("GIT_TERMINAL_PROMPT", "0");
    if std::env::var_os("GIT_SSH_COMMAND").is_none() && std::env::var_os("GIT_SSH").is_none() {
        cmd.env("GIT_SSH_COMMAND", "ssh -o BatchMode=yes");
    }
    let out = cmd.args(args).output().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => RemoteError::GitMissing { url: remote.redacted.clone() },
        _ => RemoteError::Git { action, url: remote.redacted.clone(), message: e.to_string() },
    })?;
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if !out.status.success() {
        let message = match last_lines(&stderr) {
            Some(said) => format!("git {}: {said}", args[0]),
            None => format!("git {} exited with {} and said nothing", args[0], out.status),
        };
        return Err(RemoteError::Git { action, url: remote.redacted.clone(), message: redact(&message, remote) });
    }
    Ok(Said { stdout: String::from_utf8_lossy(&out.stdout).trim().to_owned(), stderr: redact(&stderr, remote) })
}

/// The inline credential helper that answers git's `get` with the token from the
/// environment (and ignores `store` and `erase`).
pub fn token_helper() -> String {
    format!(
        "!f() {{ test \"$1\" = get || exit 0; echo \"username=${{{USERNAME_VAR}:-x-access-token}}\"; \
         echo \"password=${TOKEN_VAR}\"; }}; f"
    )
}

/// Removes the URL's credentials and the token from a message of git's.
fn redact(message: &str, remote: &RemoteUrl) -> String {
    let mut text = message.replace(&remote.url, &remote.redacted);
    if let Some(token) = std::env::var(TOKEN_VAR).ok().filter(|t| t.len() >= 4) {
        text = text.replace(&token, "***");
    }
    if let Some(credential) = remote.credential.as_ref().filter(|c| c.token.reveal().len() >= 4) {
        text = text.replace(credential.token.reveal(), "***");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_of_every_form_are_recognised() {
        for (text, name) in [
            ("https://github.com/acme/api.git", "api"),
            ("https://github.com/acme/api", "api"),
            ("http://127.0.0.1:8080/git/acme/web.git/", "web"),
            ("ssh://git@gitlab.example.com:2222/group/sub/svc.git", "svc"),
            ("git://127.0.0.1:9418/repo.git", "repo"),
            ("file:///srv/git/lib.git", "lib"),
            ("git@github.com:acme/api.git", "api"),
            ("github.com:acme/api", "api"),
        ] {
            let url = RemoteUrl::parse(text).unwrap_or_else(|| panic!("{text} is a URL"));
            assert_eq!(url.name(), name, "{text}");
        }
        for text in [".", "../repos/api", "/srv/repos/api", "src:foo", "C:\\repos\\api", "ftp://host/x", "https://host"]
        {
            assert!(RemoteUrl::parse(text).is_none(), "{text} is not a URL");
        }
    }

    #[test]
    fn credentials_never_reach_messages_or_the_cache_path() {
        let url = RemoteUrl::parse("https://x-access-token:ghp_SECRET123@github.com/acme/api.git").unwrap();
        assert_eq!(url.redacted(), "https://***@github.com/acme/api.git");
        assert!(!url.cache_path().display().to_string().contains("SECRET"));
        let said =
            redact("fatal: unable to access 'https://x-access-token:ghp_SECRET123@github.com/acme/api.git/'", &url);
        assert!(!said.contains("SECRET"), "{said}");
        let listed = RemoteUrl::parse("https://github.com/acme/api.git").unwrap().with_credential(Credential {
            username: "x-access-token".into(),
            token: crate::collect::forge::Token::new("ghs_ORGTOKEN42"),
        });
        let said = redact("fatal: could not read Password for 'ghs_ORGTOKEN42'", &listed);
        assert_eq!(said, "fatal: could not read Password for '***'");
        assert!(!format!("{listed:?}").contains("ORGTOKEN"), "{listed:?}");
        let ssh = RemoteUrl::parse("ssh://git@host.example/acme/api.git").unwrap();
        assert_eq!(ssh.redacted(), "ssh://git@host.example/acme/api.git", "an SSH user name is kept");
    }

    #[test]
    fn cache_paths_are_safe_and_distinct() {
        let a = RemoteUrl::parse("https://github.com/acme/api.git").unwrap().cache_path();
        let b = RemoteUrl::parse("https://gitlab.com/acme/api.git").unwrap().cache_path();
        let c = RemoteUrl::parse("https://github.com/acme/../../etc/api.git").unwrap().cache_path();
        assert!(a.starts_with("repos/github.com/acme") && a.file_name().unwrap().to_str().unwrap().starts_with("api-"));
        assert_ne!(a, b);
        assert!(c.components().all(|p| p.as_os_str() != ".."), "{}", c.display());
    }
}
