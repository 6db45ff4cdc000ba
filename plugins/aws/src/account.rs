//! Reading an AWS inventory snapshot (`kaizen collect aws`): global services once,
//! regional ones per region, and which regions could not be read.
//!
//! In the snapshot, a regional service maps each region to what it showed, or to `null`
//! when its listing call failed (the reason is in `errors`). A setting that is `null` could
//! not be read; an empty list means the account has none.

use kaizen_plugin_sdk::cloud::Inventory;
use std::collections::BTreeMap;

/// A snapshot, as the request's `cloud` field holds it.
pub struct Account<'a> {
    pub inventory: &'a Inventory,
}

/// One regional service across the regions collected.
pub struct Regional<'a, T> {
    /// Regions that answered, with what they showed.
    pub read: Vec<(&'a str, &'a T)>,
    /// Regions whose listing call failed.
    pub unread: Vec<&'a str>,
}

impl<T> Regional<'_, T> {
    /// Nothing could be read in any region.
    pub fn unknown(&self) -> bool {
        self.read.is_empty()
    }

    /// "in us-east-1 and eu-west-1 (not readable in ap-south-1)", for messages.
    pub fn unread_note(&self) -> String {
        if self.unread.is_empty() {
            String::new()
        } else {
            format!(" ({} could not be read)", self.unread.join(", "))
        }
    }
}

impl<'a> Account<'a> {
    pub fn new(inventory: &'a Inventory) -> Account<'a> {
        Account { inventory }
    }

    pub fn id(&self) -> &'a str {
        &self.inventory.account_id
    }

    /// A regional service (one of the inventory's per-region maps) in every region collected.
    pub fn regional<T>(&self, service: &'a BTreeMap<String, Option<T>>) -> Regional<'a, T> {
        let mut regional = Regional { read: Vec::new(), unread: Vec::new() };
        for (region, value) in service {
            match value {
                Some(value) => regional.read.push((region.as_str(), value)),
                None => regional.unread.push(region.as_str()),
            }
        }
        regional
    }

    /// The error recorded for a service's call, for messages: "AccessDenied on
    /// iam:GetAccountPasswordPolicy".
    pub fn error_of(&self, service: &str) -> Option<String> {
        self.inventory
            .errors
            .iter()
            .find(|e| e.service == service)
            .map(|e| format!("{} on {}:{}", e.code, service, e.operation))
    }
}

/// `"a, b and 3 more"`: the first few names of a list, for messages.
pub fn some_names(names: &[&str]) -> String {
    const SHOWN: usize = 5;
    let mut text = names.iter().take(SHOWN).copied().collect::<Vec<_>>().join(", ");
    if names.len() > SHOWN {
        text.push_str(&format!(" and {} more", names.len() - SHOWN));
    }
    text
}

pub fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
