//! The stable codes of diagnostics, one enum per family of user file, each code with the
//! sentence that describes it (as cargo-deny's `diags.rs`). Users refer to the codes, tests
//! assert them, and the book documents every one (a test checks that it does).

/// Declares a family of codes: the enum, its variants' codes and descriptions (their doc
/// comments), and the list of all of them.
macro_rules! codes {
    (
        $(#[doc = $family_doc:literal])*
        $name:ident ($family:literal) {
            $( $(#[doc = $doc:literal])+ $variant:ident = $code:literal, )+
        }
    ) => {
        $(#[doc = $family_doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[doc = $doc])+ $variant, )+
        }

        impl $name {
            /// Every code of the family.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The family: the first word of its codes.
            pub const FAMILY: &'static str = $family;

            /// The code, as users and diagnostics write it.
            pub fn name(self) -> &'static str {
                match self {
                    $($name::$variant => $code,)+
                }
            }

            /// What the code means, in one sentence.
            pub fn description(self) -> &'static str {
                match self {
                    $($name::$variant => concat!($($doc),+).trim_start(),)+
                }
            }
        }

        impl From<$name> for Code {
            fn from(code: $name) -> Code {
                Code { name: code.name(), description: code.description() }
            }
        }
    };
}

/// A code of any family, as a diagnostic carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Code {
    /// The code (`config-target-missing`).
    pub name: &'static str,
    /// What it means.
    pub description: &'static str,
}

/// Every code of every family.
pub fn all() -> Vec<Code> {
    fn of<T: Copy + Into<Code>>(codes: &[T]) -> impl Iterator<Item = Code> + '_ {
        codes.iter().map(|c| (*c).into())
    }
    of(ConfigCode::ALL)
        .chain(of(ModelCode::ALL))
        .chain(of(AnswersCode::ALL))
        .chain(of(ManifestCode::ALL))
        .chain(of(ResultCode::ALL))
        .chain(of(PipelinesCode::ALL))
        .chain(of(InventoryCode::ALL))
        .chain(of(TemplateCode::ALL))
        .chain(of(FixtureCode::ALL))
        .collect()
}

codes! {
    /// The assessment file (`kaizen.toml`).
    ConfigCode ("config") {
        /// The file cannot be read as text: missing, a folder, invalid UTF-8 or a NUL byte.
        Unreadable = "config-unreadable",
        /// Not TOML, an unknown key, or a value of the wrong type.
        Syntax = "config-syntax",
        /// A target path or glob matches no folder.
        TargetMissing = "config-target-missing",
        /// A glob that does not parse.
        InvalidGlob = "config-invalid-glob",
        /// A `[[roles]]` role that is none of `own`, `example`, `test-fixture`, `vendored`,
        /// `generated`, `docs`, `test`.
        InvalidRole = "config-invalid-role",
        /// A plugin folder that does not exist.
        PluginDirMissing = "config-plugin-dir-missing",
        /// A pin that is not 64 hex digits.
        InvalidPin = "config-invalid-pin",
        /// A plugin's module does not match its pin.
        PinMismatch = "config-pin-mismatch",
        /// A pin, configuration or exemption names a plugin that is not loaded.
        UnknownPlugin = "config-unknown-plugin",
        /// An exemption names a check its plugin does not declare.
        UnknownCheck = "config-unknown-check",
        /// An exemption, weight or switched-off practice names a practice the model does not
        /// define.
        UnknownPractice = "config-unknown-practice",
        /// An exemption's check is not written `plugin/check`.
        InvalidCheck = "config-invalid-check",
        /// An exemption without a written reason.
        ExemptionReason = "config-exemption-reason",
        /// An exemption that names both a `check` and a `practice`.
        ExemptionBoth = "config-exemption-both",
        /// An exemption that names neither a `check` nor a `practice`.
        ExemptionEmpty = "config-exemption-empty",
        /// An exemption whose `expires` is not a date.
        ExemptionExpires = "config-exemption-expires",
        /// A `[[systems]]` table without a `name`, or with an empty one.
        SystemName = "config-system-name",
        /// Two `[[systems]]` tables with the same name.
        SystemDuplicate = "config-system-duplicate",
        /// A `[[systems]]` table that gives no member: neither `targets` nor `labels`.
        SystemEmpty = "config-system-empty",
        /// An `organisation_over` that is neither `targets` nor `systems`, or `systems`
        /// with no `[[systems]]`.
        InvalidOrganisationOver = "config-invalid-organisation-over",
        /// A number out of range (`since_days = 0`).
        InvalidValue = "config-invalid-value",
        /// An `organisation_share` that is not above 0 and at most 1.
        InvalidShare = "config-invalid-share",
        /// A practice weight below 0, or not a number.
        InvalidWeight = "config-invalid-weight",
        /// A plugin configuration that cannot become JSON.
        InvalidPluginConfig = "config-invalid-plugin-config",
        /// A deployment pattern that is neither a valid glob nor a valid `/regex/`.
        InvalidPattern = "config-invalid-pattern",
        /// A target `url` that is not a git URL, or a `github.api` that is not http(s).
        InvalidUrl = "config-invalid-url",
        /// A target with both `path` and `url`.
        TargetBoth = "config-target-both",
        /// A target with neither `path` nor `url`.
        TargetEmpty = "config-target-empty",
        /// A pipeline source names no target.
        UnknownTarget = "config-unknown-target",
        /// A pipeline export, cloud inventory or logo that does not exist.
        FileMissing = "config-file-missing",
        /// A `github` repository not written `owner/name`.
        InvalidRepository = "config-invalid-repository",
        /// A pipeline source with more than one of `file`, `github` and `gitlab`.
        PipelinesBoth = "config-pipelines-both",
        /// A pipeline source with none of `file`, `github` and `gitlab`.
        PipelinesEmpty = "config-pipelines-empty",
        /// A `[[sources]]` entry with both `github_org` and `gitlab_group`.
        SourceBoth = "config-source-both",
        /// A `[[sources]]` entry with neither `github_org` nor `gitlab_group`.
        SourceEmpty = "config-source-empty",
        /// A `github_org` or `gitlab_group` that is not an organisation or group name.
        InvalidOwner = "config-invalid-owner",
        /// A `[report]` logo that cannot be read, is a folder, is larger than 1 MiB, or is
        /// not a PNG, JPEG, GIF, WebP or SVG image.
        InvalidLogo = "config-invalid-logo",
        /// A `[report]` accent that is not a colour written `#rgb` or `#rrggbb`.
        InvalidColour = "config-invalid-colour",
    }
}

codes! {
    /// A maturity model (`questionnaires/*.toml`).
    ModelCode ("model") {
        /// The file cannot be read as text.
        Unreadable = "model-unreadable",
        /// Not TOML, an unknown key, or a value of the wrong type.
        Syntax = "model-syntax",
        /// The checks and facts of the built-in plugins, which a model is checked against,
        /// cannot be loaded.
        Catalogue = "model-catalogue",
        /// An id that is not lowercase letters, digits, `-` or `_`.
        InvalidId = "model-invalid-id",
        /// A model whose `version` is empty.
        InvalidVersion = "model-invalid-version",
        /// Not exactly five levels numbered 1 to 5 in order.
        Levels = "model-levels",
        /// A model with no area.
        NoAreas = "model-no-areas",
        /// An area, practice, question or choice defined twice.
        DuplicateId = "model-duplicate-id",
        /// A reference to an area the model does not define.
        UnknownArea = "model-unknown-area",
        /// A reference to a practice the model does not define.
        UnknownPractice = "model-unknown-practice",
        /// A reference to a question the model does not define.
        UnknownQuestion = "model-unknown-question",
        /// A check no loaded plugin declares.
        UnknownCheck = "model-unknown-check",
        /// A fact no loaded plugin declares.
        UnknownFact = "model-unknown-fact",
        /// Not one of the four DORA keys.
        UnknownDoraKey = "model-unknown-dora-key",
        /// Not one of the DORA bands.
        UnknownBand = "model-unknown-band",
        /// A rule with no head or two, a modifier that does not go with its head, an empty
        /// `all`/`any`, a bad bound.
        InvalidRule = "model-invalid-rule",
        /// An answer compared in a way its question's kind does not allow.
        AnswerKind = "model-answer-kind",
        /// A question whose kind, choices or scale do not fit.
        QuestionKind = "model-question-kind",
        /// A question whose target does not fit.
        QuestionTarget = "model-question-target",
        /// A question reporting a DORA key that is not a `choice` question with a band on
        /// every choice.
        DoraQuestion = "model-dora-question",
        /// A practice's level outside 2 to 5.
        InvalidLevel = "model-invalid-level",
        /// A practice's effort that is not S, M or L.
        InvalidEffort = "model-invalid-effort",
        /// A practice's impact other than 1, 2 or 3.
        InvalidImpact = "model-invalid-impact",
        /// A `maps_to` naming a framework Kaizen does not know.
        UnknownFramework = "model-unknown-framework",
        /// A practice with an empty title or guidance.
        EmptyText = "model-empty-text",
        /// Practices that depend on each other in a circle.
        DependencyCycle = "model-dependency-cycle",
        /// A practice depends on a practice of a higher level in the same area.
        UnreachableLevel = "model-unreachable-level",
        /// An area with no practice at some level from 2 to 5.
        EmptyLevel = "model-empty-level",
        /// Guidance, help or a description with a code fence never closed, or a reference
        /// link with no definition.
        Markdown = "model-markdown",
    }
}

codes! {
    /// Interview answers (`answers.toml`).
    AnswersCode ("answers") {
        /// The file cannot be read as text.
        Unreadable = "answers-unreadable",
        /// Not valid TOML, or a key other than `answers` and `scope`.
        Syntax = "answers-syntax",
        /// The model has no question with that id.
        UnknownQuestion = "answers-unknown-question",
        /// A value of the wrong type.
        WrongKind = "answers-wrong-kind",
        /// A scale answer outside its range, a negative number.
        OutOfRange = "answers-out-of-range",
        /// Not one of the question's choice values.
        UnknownChoice = "answers-unknown-choice",
        /// A duration without a unit Kaizen knows.
        InvalidDuration = "answers-invalid-duration",
        /// An `origin` other than `typed`, `confirmed` or `overridden`.
        InvalidOrigin = "answers-invalid-origin",
        /// A key in an answer table Kaizen does not know.
        UnknownKey = "answers-unknown-key",
        /// A scope with both or neither of `target` and `labels`, or empty `labels`.
        InvalidScope = "answers-invalid-scope",
        /// A scope's `target` names none of the assessment's targets.
        UnknownTarget = "answers-unknown-target",
    }
}

codes! {
    /// A plugin's manifest (`plugin.toml`).
    ManifestCode ("manifest") {
        /// The manifest cannot be read as text.
        Unreadable = "manifest-unreadable",
        /// Not TOML, an unknown key, or a value of the wrong type.
        Syntax = "manifest-syntax",
        /// An id that is not lowercase letters, digits, `-` or `_`.
        InvalidId = "manifest-invalid-id",
        /// An empty version.
        InvalidVersion = "manifest-invalid-version",
        /// A `wasm` that is not a file name beside the manifest.
        InvalidWasm = "manifest-invalid-wasm",
        /// A file glob that does not parse.
        InvalidGlob = "manifest-invalid-glob",
        /// A parse format the host does not know.
        UnknownFormat = "manifest-unknown-format",
        /// A fact name that is not dotted lowercase words (`ci.systems`).
        InvalidFact = "manifest-invalid-fact",
        /// A fact declared twice.
        DuplicateFact = "manifest-duplicate-fact",
        /// A check id that is not lowercase letters, digits, `-` or `_`.
        InvalidCheck = "manifest-invalid-check",
        /// A check declared twice.
        DuplicateCheck = "manifest-duplicate-check",
        /// A check with an empty title.
        EmptyTitle = "manifest-empty-title",
        /// A check's area that is not a kebab-case id.
        InvalidArea = "manifest-invalid-area",
        /// A limit of 0.
        InvalidLimit = "manifest-invalid-limit",
    }
}

codes! {
    /// A `result.json` read back.
    ResultCode ("result") {
        /// The file cannot be read as text.
        Unreadable = "result-unreadable",
        /// Not JSON, empty or cut short.
        Syntax = "result-syntax",
        /// A field of the wrong type or value, a required field missing, a field twice.
        Invalid = "result-invalid",
        /// JSON that is not a result: not an object, or no `schema_version`.
        NotAResult = "result-not-a-result",
        /// A result of another schema version.
        SchemaVersion = "result-schema-version",
    }
}

codes! {
    /// A pipeline-run export (`--pipelines`).
    PipelinesCode ("pipelines") {
        /// The file cannot be read as text.
        Unreadable = "pipelines-unreadable",
        /// Not JSON, or a value of the wrong type for its format.
        Syntax = "pipelines-syntax",
        /// Valid JSON that is none of the known exports.
        Unrecognised = "pipelines-unrecognised",
        /// A recognised export whose content cannot be used.
        Invalid = "pipelines-invalid",
    }
}

codes! {
    /// An AWS inventory (`--cloud`).
    InventoryCode ("inventory") {
        /// The file cannot be read as text.
        Unreadable = "inventory-unreadable",
        /// Not JSON, or a value of the wrong type.
        Syntax = "inventory-syntax",
        /// JSON that is not an AWS inventory.
        Kind = "inventory-kind",
        /// An inventory of another version.
        Version = "inventory-version",
    }
}

codes! {
    /// A report template of `--templates`.
    TemplateCode ("template") {
        /// The template does not parse.
        Syntax = "template-syntax",
        /// The template fails while rendering (an unknown filter, say).
        Render = "template-render",
    }
}

codes! {
    /// A case of `kaizen plugin test` (its `expected.toml` or `config.toml`).
    FixtureCode ("fixture") {
        /// Not TOML, an unknown key, or a value of the wrong type.
        Syntax = "fixture-syntax",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn codes_are_unique_kebab_case_and_of_their_family() {
        let all = all();
        let names: BTreeSet<&str> = all.iter().map(|c| c.name).collect();
        assert_eq!(names.len(), all.len(), "a code is defined twice");
        for code in &all {
            assert!(
                code.name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{}",
                code.name
            );
            assert!(code.description.ends_with('.') && !code.description.starts_with(' '), "{}", code.name);
        }
        assert!(ConfigCode::ALL.iter().all(|c| c.name().starts_with("config-")));
        assert!(ModelCode::ALL.iter().all(|c| c.name().starts_with("model-")));
        assert_eq!(ConfigCode::TargetMissing.description(), "A target path or glob matches no folder.");
    }

    #[test]
    fn every_code_is_documented_in_the_book() {
        let book = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../book/src");
        let mut text = String::new();
        let mut dirs = vec![book];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "md") {
                    text.push_str(&std::fs::read_to_string(&path).unwrap());
                }
            }
        }
        let missing: Vec<&str> =
            all().iter().map(|c| c.name).filter(|name| !text.contains(&format!("`{name}`"))).collect();
        assert!(missing.is_empty(), "codes the book does not document (as `code`): {missing:?}");
    }
}
