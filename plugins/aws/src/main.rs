//! Kaizen's built-in `aws` plugin: judges an AWS account from its inventory snapshot
//! (`kaizen collect aws`), which reaches it as the request's `cloud` field.
//!
//! Each check reads one part of the snapshot ([`checks`]). What the snapshot could not read
//! (a call denied, a service the account's region lacks) makes a check not apply, with the
//! reason; it never makes it fail.

mod account;
mod checks;
#[cfg(test)]
mod tests;

use account::Account;
use kaizen_plugin_sdk::{cloud, Finding, Request, Response, Result, Value};

fn judge(request: &Request) -> Result<Response> {
    Ok(match request.cloud()?.as_ref().filter(|c| c.kind == cloud::KIND) {
        Some(inventory) => assess(&Account::new(inventory)),
        None => no_inventory(),
    })
}

/// The response for one account.
fn assess(account: &Account) -> Response {
    let mut response = Response::new();
    for judged in checks::all(account) {
        for (name, value) in judged.facts {
            response.fact(name, value);
        }
        response.push(judged.finding);
    }
    response.fact("aws.account_id", account.id());
    response
}

/// A target without an AWS inventory: every check does not apply, every fact is null.
fn no_inventory() -> Response {
    let mut response = Response::new();
    for check in checks::CHECKS {
        response.push(Finding::not_applicable(*check, "no AWS inventory was given for this target"));
    }
    for fact in checks::FACTS {
        response.fact(*fact, Value::Null);
    }
    response
}

kaizen_plugin_sdk::main!(judge);
