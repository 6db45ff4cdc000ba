//! What a file is to the repository that holds it.
//!
//! The host decides each file's role once, from layout conventions (the ones GitHub
//! Linguist uses for vendored and documentation files, and the usual folders for examples
//! and test fixtures), from `.gitattributes` (`linguist-vendored`, `linguist-generated`,
//! `linguist-documentation`) and from the assessment file's `[[roles]]`. A plugin judges a
//! repository by its own files: an example pipeline under `examples/` is not the
//! repository's CI, a Kubernetes manifest under `testdata/` is not its infrastructure.

use serde::{Deserialize, Serialize};

/// The role of one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// The repository's own file: the default.
    Own,
    /// An example or sample for users of the project (`examples/`, `samples/`, `demo/`).
    Example,
    /// Input or expected output of the project's tests (`testdata/`, `fixtures/`,
    /// `__snapshots__/`, fuzzing corpora and seeds).
    TestFixture,
    /// A copy of someone else's code (`vendor/`, `third_party/`, `node_modules/`).
    Vendored,
    /// Produced by a tool rather than written (`linguist-generated`, `dist/` bundles).
    Generated,
    /// Documentation (`docs/`, `*.md` under documentation folders).
    Docs,
}

impl Default for Role {
    fn default() -> Self {
        Role::Own
    }
}

impl Role {
    /// Every role, in the order of [`Role::NAMES`].
    pub const ALL: [Role; 6] =
        [Role::Own, Role::Example, Role::TestFixture, Role::Vendored, Role::Generated, Role::Docs];

    /// Every role's name, as written in requests, results and the assessment file.
    pub const NAMES: [&'static str; 6] = ["own", "example", "test-fixture", "vendored", "generated", "docs"];

    /// The name as written in requests, results and the assessment file.
    pub fn name(self) -> &'static str {
        match self {
            Role::Own => "own",
            Role::Example => "example",
            Role::TestFixture => "test-fixture",
            Role::Vendored => "vendored",
            Role::Generated => "generated",
            Role::Docs => "docs",
        }
    }

    /// The role of a name, if it is one.
    pub fn from_name(name: &str) -> Option<Role> {
        Role::ALL.iter().copied().find(|r| r.name() == name)
    }

    /// Whether the file is the repository's own.
    pub fn is_own(self) -> bool {
        self == Role::Own
    }

    /// For serde: roles are written only when they are not [`Role::Own`].
    pub fn is_own_ref(role: &Role) -> bool {
        role.is_own()
    }

    /// The plural noun for messages: "3 example files ignored".
    pub fn describe(self) -> &'static str {
        match self {
            Role::Own => "own",
            Role::Example => "example",
            Role::TestFixture => "test-fixture",
            Role::Vendored => "vendored",
            Role::Generated => "generated",
            Role::Docs => "documentation",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_serde_and_from_name() {
        for (role, name) in Role::ALL.iter().zip(Role::NAMES.iter()) {
            assert_eq!(role.name(), *name);
            assert_eq!(Role::from_name(name), Some(*role));
            assert_eq!(serde_json::to_value(role).unwrap(), serde_json::Value::from(*name));
        }
        assert_eq!(Role::from_name("mine"), None);
    }
}
