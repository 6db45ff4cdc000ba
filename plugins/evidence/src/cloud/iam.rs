//! IAM hygiene (global): account summary and root MFA, password policy, users without MFA,
//! old access keys.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// IAM, read once per account.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Iam {
    /// `GetAccountSummary` as IAM gives it (`Users`, `Roles`, `MFADevices`,
    /// `AccountMFAEnabled`, `AccountAccessKeysPresent`, quotas, …).
    pub account_summary: Option<BTreeMap<String, i32>>,
    /// The root user has MFA (`AccountMFAEnabled` is 1).
    pub root_mfa_enabled: Option<bool>,
    /// The root user has access keys (`AccountAccessKeysPresent` is 1): it should not.
    pub root_access_keys_present: Option<bool>,
    /// The account's password policy (`GetAccountPasswordPolicy`).
    pub password_policy: Option<PasswordPolicy>,
    /// The IAM users (`ListUsers`), by name, with their MFA devices and access keys.
    pub users: Option<Vec<User>>,
    /// Names of the users with no MFA device; `None` when users could not be listed.
    /// A user whose devices could not be listed is left out (see `errors`).
    pub users_without_mfa: Option<Vec<String>>,
    /// Access keys created more than 90 days before collection, oldest first; `None` when users could not be listed.
    pub old_access_keys: Option<Vec<OldAccessKey>>,
}

/// The account password policy.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PasswordPolicy {
    /// A policy is set (`false`: IAM's `NoSuchEntity`, the weak default applies; every
    /// other field is then empty).
    pub exists: bool,
    /// Minimum password length.
    pub minimum_length: Option<i32>,
    /// Requires a symbol.
    pub require_symbols: bool,
    /// Requires a digit.
    pub require_numbers: bool,
    /// Requires an upper-case letter.
    pub require_uppercase: bool,
    /// Requires a lower-case letter.
    pub require_lowercase: bool,
    /// Users may change their own password.
    pub allow_users_to_change: bool,
    /// Passwords expire.
    pub expire_passwords: bool,
    /// Days after which a password expires.
    pub max_age_days: Option<i32>,
    /// How many previous passwords cannot be reused.
    pub reuse_prevention: Option<i32>,
    /// An expired password can only be reset by an administrator.
    pub hard_expiry: Option<bool>,
}

/// An IAM user. Only its name, dates, MFA device count and shortened key ids are kept.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct User {
    /// The user name.
    pub name: String,
    /// When it was created (RFC 3339).
    pub created: Option<String>,
    /// When its password was last used (RFC 3339); `None`: never, or no console password.
    pub password_last_used: Option<String>,
    /// Its MFA devices (`ListMFADevices`); `None` when they could not be listed.
    pub mfa_devices: Option<usize>,
    /// Its access keys (`ListAccessKeys`); `None` when they could not be listed.
    pub access_keys: Option<Vec<AccessKey>>,
}

/// An access key, without its secret (which `ListAccessKeys` never returns anyway).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AccessKey {
    /// The last four characters of the key id (`…MPLE`).
    pub id: String,
    /// `Active` or `Inactive`.
    pub status: Option<String>,
    /// When it was created (RFC 3339).
    pub created: Option<String>,
    /// Whole days from its creation to the collection time.
    pub age_days: Option<i64>,
}

/// An access key older than the limit, with its user.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OldAccessKey {
    /// The user it belongs to.
    pub user: String,
    /// The last four characters of the key id.
    pub id: String,
    /// `Active` or `Inactive`.
    pub status: Option<String>,
    /// Whole days from its creation to the collection time.
    pub age_days: i64,
}
