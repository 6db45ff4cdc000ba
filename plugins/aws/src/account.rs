//! Reading an AWS inventory snapshot (`kaizen collect aws`): global services once,
//! regional ones per region, and which regions could not be read.
//!
//! In the snapshot, a regional service maps each region to what it showed, or to `null`
//! when its listing call failed (the reason is in `errors`). A setting that is `null` could
//! not be read; an empty list means the account has none.

use kaizen_plugin_sdk::Value;

/// A snapshot, as the request's `cloud` field holds it.
pub struct Account<'a> {
    pub value: &'a Value,
}

/// One regional service across the regions collected.
pub struct Regional<'a> {
    /// Regions that answered, with what they showed.
    pub read: Vec<(&'a str, &'a Value)>,
    /// Regions whose listing call failed.
    pub unread: Vec<&'a str>,
}

impl Regional<'_> {
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
    pub fn new(value: &'a Value) -> Account<'a> {
        Account { value }
    }

    pub fn id(&self) -> &'a str {
        self.value["account_id"].as_str().unwrap_or("?")
    }

    /// A global service's value (`iam`, `s3`).
    pub fn global(&self, service: &str) -> &'a Value {
        &self.value["services"][service]
    }

    /// A regional service in every region collected.
    pub fn regional(&self, service: &str) -> Regional<'a> {
        let mut regional = Regional { read: Vec::new(), unread: Vec::new() };
        if let Some(map) = self.value["services"][service].as_object() {
            for (region, value) in map {
                if value.is_null() {
                    regional.unread.push(region.as_str());
                } else {
                    regional.read.push((region.as_str(), value));
                }
            }
        }
        regional
    }

    /// The error recorded for a service's call, for messages: "AccessDenied on
    /// iam:GetAccountPasswordPolicy".
    pub fn error_of(&self, service: &str) -> Option<String> {
        self.value["errors"].as_array()?.iter().find(|e| e["service"] == service).map(|e| {
            format!(
                "{} on {}:{}",
                e["code"].as_str().unwrap_or("an error"),
                service,
                e["operation"].as_str().unwrap_or("?")
            )
        })
    }
}

/// The items of a list field (an empty slice when absent or `null`).
pub fn items<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value[key].as_array().map(Vec::as_slice).unwrap_or(&[])
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
