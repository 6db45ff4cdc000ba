//! Dockerfiles, parsed by the host into instructions and stages: pinned base images, a
//! non-root user, multi-stage builds and health checks.

use crate::tools::Found;
use crate::{graded, Graded, Item};
use kaizen_plugin_sdk::{Document, Evidence, Finding, Value};
use std::collections::BTreeMap;

pub const BASE_PINNED: &str = "dockerfile-base-pinned";
pub const NON_ROOT: &str = "dockerfile-non-root";
pub const MULTI_STAGE: &str = "dockerfile-multi-stage";
pub const HEALTHCHECK: &str = "dockerfile-healthcheck";

/// How an image reference is pinned.
#[derive(Debug, PartialEq, Eq)]
pub enum Pin<'a> {
    /// `image@sha256:…`: the exact bytes.
    Digest,
    /// `image:1.2.3`: a tag, which the publisher can move.
    Tag(&'a str),
    /// `image` or `image:latest`.
    Latest,
}

/// An image reference: its name (registry and path, without tag or digest) and pin.
#[derive(Debug, PartialEq, Eq)]
pub struct ImageRef<'a> {
    pub name: &'a str,
    pub pin: Pin<'a>,
}

pub fn image_ref(image: &str) -> ImageRef<'_> {
    if let Some(at) = image.find('@') {
        let before = &image[..at];
        let name = match before.rfind(':') {
            Some(colon) if !before[colon..].contains('/') => &before[..colon],
            _ => before,
        };
        return ImageRef { name, pin: Pin::Digest };
    }
    let last = image.rfind('/').map_or(0, |i| i + 1);
    match image[last..].find(':') {
        Some(colon) => {
            let tag = &image[last + colon + 1..];
            let name = &image[..last + colon];
            let pin = if tag.is_empty() || tag == "latest" { Pin::Latest } else { Pin::Tag(tag) };
            ImageRef { name, pin }
        }
        None => ImageRef { name: image, pin: Pin::Latest },
    }
}

/// One build stage of a Dockerfile.
struct Stage<'a> {
    name: Option<String>,
    /// The base image with build arguments' defaults substituted; `None` when an argument
    /// has no default.
    image: Option<String>,
    line: u32,
    instructions: Vec<(&'a str, &'a str, u32)>,
}

struct Dockerfile<'a> {
    path: &'a str,
    stages: Vec<Stage<'a>>,
}

fn read(doc: &Document) -> Option<Dockerfile<'_>> {
    let value = doc.value.as_ref()?;
    let instructions: Vec<(&str, &str, u32)> = value
        .get("instructions")?
        .as_array()?
        .iter()
        .filter_map(|i| {
            let name = i.get("instruction")?.as_str()?;
            let text = i.get("value").and_then(Value::as_str).unwrap_or("");
            let line = i.get("line").and_then(Value::as_u64).unwrap_or(0) as u32;
            Some((name, text, line))
        })
        .collect();
    // Arguments declared before the first FROM may be used in FROM lines.
    let mut args = BTreeMap::new();
    for (name, text, _) in &instructions {
        if name.eq_ignore_ascii_case("FROM") {
            break;
        }
        if name.eq_ignore_ascii_case("ARG") {
            if let Some((key, default)) = text.split_once('=') {
                args.insert(key.trim().to_string(), default.trim().trim_matches('"').to_string());
            }
        }
    }
    let mut stages: Vec<Stage> = Vec::new();
    for stage in value.get("stages")?.as_array()? {
        let image = stage.get("image").and_then(Value::as_str).map(|i| substitute(i, &args)).unwrap_or(None);
        stages.push(Stage {
            name: stage.get("name").and_then(Value::as_str).map(String::from),
            image,
            line: stage.get("line").and_then(Value::as_u64).unwrap_or(0) as u32,
            instructions: Vec::new(),
        });
    }
    for instruction in instructions {
        if let Some(stage) = stages.iter_mut().rev().find(|s| s.line <= instruction.2) {
            stage.instructions.push(instruction);
        }
    }
    Some(Dockerfile { path: &doc.path, stages })
}

/// `$NAME`, `${NAME}` and `${NAME:-default}` replaced by the arguments' defaults.
fn substitute(image: &str, args: &BTreeMap<String, String>) -> Option<String> {
    let mut out = String::new();
    let mut rest = image;
    while let Some(dollar) = rest.find('$') {
        out.push_str(&rest[..dollar]);
        let after = &rest[dollar + 1..];
        let (name, fallback, len) = if let Some(inner) = after.strip_prefix('{') {
            let end = inner.find('}')?;
            let body = &inner[..end];
            match body.split_once(":-") {
                Some((name, default)) => (name, Some(default), end + 2),
                None => (body, None, end + 2),
            }
        } else {
            let end = after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(after.len());
            (&after[..end], None, end)
        };
        let value = args.get(name).map(String::as_str).filter(|v| !v.is_empty()).or(fallback)?;
        out.push_str(value);
        rest = &after[len..];
    }
    out.push_str(rest);
    Some(out)
}

impl<'a> Dockerfile<'a> {
    fn stage_named(&self, name: &str) -> Option<&Stage<'a>> {
        let name = name.to_ascii_lowercase();
        self.stages.iter().find(|s| s.name.as_deref() == Some(name.as_str()))
    }

    /// The final stage's last instruction of a kind, following `FROM <earlier stage>` back,
    /// with the external image the chain starts from.
    fn last_in_final(&self, kind: &str) -> (Option<(&'a str, u32)>, Option<String>) {
        let mut stage = match self.stages.last() {
            Some(stage) => stage,
            None => return (None, None),
        };
        for _ in 0..self.stages.len() {
            if let Some((_, text, line)) =
                stage.instructions.iter().rev().find(|(n, _, _)| n.eq_ignore_ascii_case(kind))
            {
                return (Some((text, *line)), None);
            }
            match stage.image.as_deref().and_then(|image| self.stage_named(image)) {
                Some(parent) if !std::ptr::eq(parent, stage) => stage = parent,
                _ => break,
            }
        }
        (None, stage.image.clone())
    }
}

pub fn findings(found: &Found, k8s_probes: bool) -> Vec<Finding> {
    // The images of development and test environments (a dev container, Tilt's image, the
    // image a test builds: the host gives them the role `test`) are not what the repository
    // ships; the images are judged on the others.
    let shipped: Vec<&Document> = found.dockerfiles.iter().copied().filter(|d| !d.role.is_test()).collect();
    let files: Vec<Dockerfile> = shipped.iter().filter_map(|d| read(d)).collect();
    if files.is_empty() {
        let why = match (shipped.first(), found.dockerfiles.first()) {
            (Some(broken), _) => format!("no Dockerfile can be read ({} does not parse)", broken.path),
            (None, Some(dev)) => format!(
                "only images of development or test environments ({}{}), none the repository ships",
                dev.path,
                match found.dockerfiles.len() {
                    1 => String::new(),
                    n => format!(" and {} more", n - 1),
                }
            ),
            (None, None) => "no Dockerfile found".to_string(),
        };
        return [BASE_PINNED, NON_ROOT, MULTI_STAGE, HEALTHCHECK]
            .iter()
            .map(|c| Finding::not_applicable(*c, why.clone()))
            .collect();
    }
    vec![base_pinned(&files), non_root(&files), multi_stage(&files), healthcheck(&files, found, k8s_probes)]
}

fn base_pinned(files: &[Dockerfile]) -> Finding {
    let mut items = Vec::new();
    for file in files {
        let mut worst = 1.0;
        let mut notes = Vec::new();
        let mut line = None;
        for stage in &file.stages {
            let image = match &stage.image {
                Some(image) => image.as_str(),
                None => continue,
            };
            if image.eq_ignore_ascii_case("scratch") || file.stage_named(image).is_some() {
                continue;
            }
            let (score, note) = match image_ref(image).pin {
                Pin::Digest => (1.0, format!("`{}` by digest", short(image))),
                Pin::Tag(tag) => (0.5, format!("`{}` by tag `{}` only", short(image), tag)),
                Pin::Latest => (0.0, format!("`{}` unpinned (latest)", image)),
            };
            if score < worst || line.is_none() {
                line = Some(stage.line);
            }
            if score < worst {
                worst = score;
            }
            notes.push(note);
        }
        if notes.is_empty() {
            continue;
        }
        let evidence = match line {
            Some(line) => Evidence::line(file.path, line),
            None => Evidence::file(file.path),
        };
        items.push(Item::scored(worst, evidence.with_message(format!("base images: {}", notes.join(", ")))));
    }
    if items.is_empty() {
        return Finding::not_applicable(
            BASE_PINNED,
            "every base image is `scratch`, an earlier stage or a build argument without a default",
        );
    }
    graded(
        BASE_PINNED,
        items,
        Graded {
            subject: "Dockerfile",
            pass: "pin every base image by digest",
            singular: "pins its base images by digest",
        },
    )
}

fn short(image: &str) -> &str {
    match image.find("@sha256:") {
        Some(at) if image.len() > at + 20 => &image[..at + 20],
        _ => image,
    }
}

/// Whether a `USER` value names root.
fn is_root(user: &str) -> bool {
    let user = user.trim().split(':').next().unwrap_or("").trim();
    user == "root" || user == "0"
}

/// Base images whose default user is not root: distroless `nonroot` tags, Chainguard
/// images, NGINX's and Bitnami's unprivileged images.
fn non_root_base(image: &str) -> bool {
    image.contains("nonroot")
        || image.starts_with("cgr.dev/chainguard/")
        || image.contains("unprivileged")
        || image.starts_with("bitnami/")
}

fn non_root(files: &[Dockerfile]) -> Finding {
    let items = files
        .iter()
        .map(|file| match file.last_in_final("USER") {
            (Some((user, line)), _) if !is_root(user) => Item::good(
                Evidence::line(file.path, line).with_message(format!("final stage runs as `{}`", user.trim())),
            ),
            (Some((user, line)), _) => Item::bad(
                Evidence::line(file.path, line).with_message(format!("final stage runs as `{}`", user.trim())),
            ),
            (None, Some(base)) if non_root_base(&base) => Item::good(
                Evidence::file(file.path)
                    .with_message(format!("final stage's base `{}` runs as a non-root user", base)),
            ),
            (None, _) => {
                Item::bad(Evidence::file(file.path).with_message("no `USER` in the final stage: it runs as root"))
            }
        })
        .collect();
    graded(
        NON_ROOT,
        items,
        Graded {
            subject: "Dockerfile",
            pass: "run the final stage as a non-root user",
            singular: "runs its final stage as a non-root user",
        },
    )
}

fn multi_stage(files: &[Dockerfile]) -> Finding {
    let items = files
        .iter()
        .map(|file| {
            let last = file.stages.last().map_or(0, |s| s.line);
            if file.stages.len() > 1 {
                Item::good(Evidence::line(file.path, last).with_message(format!("{} build stages", file.stages.len())))
            } else if !file.stages[0].instructions.iter().any(|(n, _, _)| n.eq_ignore_ascii_case("RUN")) {
                // Nothing is built or installed: a second stage would leave nothing behind.
                Item::good(
                    Evidence::line(file.path, last)
                        .with_message("one stage that only copies files in: nothing to leave behind"),
                )
            } else {
                Item::bad(
                    Evidence::line(file.path, last)
                        .with_message("one stage: build tools and caches end up in the image"),
                )
            }
        })
        .collect();
    graded(
        MULTI_STAGE,
        items,
        Graded { subject: "Dockerfile", pass: "use multi-stage builds", singular: "uses a multi-stage build" },
    )
}

/// A `HEALTHCHECK` in the final stage, or health checked where the container runs: the
/// repository's Kubernetes manifests define probes, or a compose service built from this
/// Dockerfile declares a `healthcheck`.
fn healthcheck(files: &[Dockerfile], found: &Found, k8s_probes: bool) -> Finding {
    let mut credited = false;
    let items = files
        .iter()
        .map(|file| match file.last_in_final("HEALTHCHECK") {
            (Some((text, line)), _) if !text.trim().eq_ignore_ascii_case("NONE") => {
                Item::good(Evidence::line(file.path, line).with_message("final stage declares a `HEALTHCHECK`"))
            }
            (Some((_, line)), _) => {
                Item::bad(Evidence::line(file.path, line).with_message("`HEALTHCHECK NONE` disables health checks"))
            }
            (None, _) if found.compose_healthchecks.contains(file.path) => {
                credited = true;
                Item::good(Evidence::file(file.path).with_message(
                    "no `HEALTHCHECK`, but the docker-compose service built from it declares a `healthcheck`",
                ))
            }
            (None, _) if k8s_probes => {
                credited = true;
                Item::good(
                    Evidence::file(file.path)
                        .with_message("no `HEALTHCHECK`, but the repository's Kubernetes manifests define probes"),
                )
            }
            (None, _) => Item::bad(Evidence::file(file.path).with_message("no `HEALTHCHECK` in the final stage")),
        })
        .collect();
    let (pass, singular) = if credited {
        (
            "declare a `HEALTHCHECK` or are health checked by their orchestrator",
            "declares a `HEALTHCHECK` or is health checked by its orchestrator",
        )
    } else {
        ("declare a `HEALTHCHECK`", "declares a `HEALTHCHECK`")
    };
    graded(HEALTHCHECK, items, Graded { subject: "Dockerfile", pass, singular })
}
