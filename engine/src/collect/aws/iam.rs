//! Collecting IAM hygiene (global): account summary and root MFA, password policy, users
//! without MFA, old access keys.

use kaizen_evidence::cloud::*;
#[cfg(feature = "aws")]
use std::collections::BTreeMap;

#[cfg_attr(not(feature = "aws"), allow(dead_code))]
/// The names of the users with no MFA device (users whose devices are unknown are left out).
fn users_without_mfa(users: &[User]) -> Vec<String> {
    users.iter().filter(|u| u.mfa_devices == Some(0)).map(|u| u.name.clone()).collect()
}

#[cfg_attr(not(feature = "aws"), allow(dead_code))]
/// The access keys older than [`OLD_ACCESS_KEY_DAYS`](super::OLD_ACCESS_KEY_DAYS), oldest first.
fn old_access_keys(users: &[User]) -> Vec<OldAccessKey> {
    let mut old: Vec<OldAccessKey> = users
        .iter()
        .flat_map(|u| u.access_keys.iter().flatten().map(move |k| (u, k)))
        .filter_map(|(u, k)| {
            let age_days = k.age_days.filter(|age| *age > super::OLD_ACCESS_KEY_DAYS)?;
            Some(OldAccessKey { user: u.name.clone(), id: k.id.clone(), status: k.status.clone(), age_days })
        })
        .collect();
    old.sort_by(|a, b| b.age_days.cmp(&a.age_days).then_with(|| a.user.cmp(&b.user)));
    old
}

#[cfg(feature = "aws")]
pub(super) use collect::collect;

#[cfg(feature = "aws")]
mod collect {
    use super::*;
    use crate::collect::aws::run::{client, rfc3339, rfc3339_opt, Call, Ctx};
    use crate::collect::aws::shorten_key_id;

    /// A call to IAM, which is global: recorded without a region.
    fn iam(operation: &'static str) -> Call<'static> {
        Call { service: "iam", operation, region: None, resource: None }
    }

    /// Collects IAM; `region` only picks the endpoint's partition and signing region.
    pub async fn collect(ctx: &Ctx, region: &str) -> Iam {
        let client = client!(aws_sdk_iam, ctx, region);
        let (summary, policy, users) = futures_util::future::join3(
            ctx.call(iam("GetAccountSummary"), client.get_account_summary().send()),
            ctx.call_or_absent(
                iam("GetAccountPasswordPolicy"),
                &["NoSuchEntity"],
                client.get_account_password_policy().send(),
            ),
            ctx.call(iam("ListUsers"), client.list_users().into_paginator().items().send().try_collect()),
        )
        .await;
        let account_summary: Option<BTreeMap<String, i32>> = summary.map(|s| {
            s.summary_map().into_iter().flatten().map(|(key, value)| (key.as_str().to_owned(), *value)).collect()
        });
        let flag = |key: &str| account_summary.as_ref().and_then(|s| s.get(key)).map(|v| *v == 1);
        let password_policy = policy.map(|found| match found.as_ref().and_then(|p| p.password_policy()) {
            None => PasswordPolicy::default(),
            Some(p) => PasswordPolicy {
                exists: true,
                minimum_length: p.minimum_password_length(),
                require_symbols: p.require_symbols(),
                require_numbers: p.require_numbers(),
                require_uppercase: p.require_uppercase_characters(),
                require_lowercase: p.require_lowercase_characters(),
                allow_users_to_change: p.allow_users_to_change_password(),
                expire_passwords: p.expire_passwords(),
                max_age_days: p.max_password_age(),
                reuse_prevention: p.password_reuse_prevention(),
                hard_expiry: p.hard_expiry(),
            },
        });
        let users: Option<Vec<User>> = match users {
            None => None,
            Some(listed) => {
                let listed: Vec<aws_sdk_iam::types::User> = listed;
                let mut users = futures_util::future::join_all(listed.iter().map(|u| user(ctx, &client, u))).await;
                users.sort_by(|a, b| a.name.cmp(&b.name));
                Some(users)
            }
        };
        let users_without_mfa = users.as_deref().map(users_without_mfa);
        let old_access_keys = users.as_deref().map(old_access_keys);
        Iam {
            root_mfa_enabled: flag("AccountMFAEnabled"),
            root_access_keys_present: flag("AccountAccessKeysPresent"),
            account_summary,
            password_policy,
            users,
            users_without_mfa,
            old_access_keys,
        }
    }

    async fn user(ctx: &Ctx, client: &aws_sdk_iam::Client, u: &aws_sdk_iam::types::User) -> User {
        let name = u.user_name();
        let (mfa, keys) = futures_util::future::join(
            ctx.call(
                iam("ListMFADevices").on(name),
                client.list_mfa_devices().user_name(name).into_paginator().items().send().try_collect(),
            ),
            ctx.call(
                iam("ListAccessKeys").on(name),
                client.list_access_keys().user_name(name).into_paginator().items().send().try_collect(),
            ),
        )
        .await;
        let access_keys = keys.map(|keys: Vec<aws_sdk_iam::types::AccessKeyMetadata>| {
            keys.iter()
                .map(|k| AccessKey {
                    id: shorten_key_id(k.access_key_id().unwrap_or_default()),
                    status: k.status().map(|s| s.as_str().to_owned()),
                    created: rfc3339_opt(k.create_date()),
                    age_days: k.create_date().map(|d| ctx.age_days(d)),
                })
                .collect()
        });
        User {
            name: name.to_owned(),
            created: Some(rfc3339(u.create_date())),
            password_last_used: rfc3339_opt(u.password_last_used()),
            mfa_devices: mfa.map(|devices: Vec<aws_sdk_iam::types::MfaDevice>| devices.len()),
            access_keys,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(name: &str, mfa: Option<usize>, ages: &[i64]) -> User {
        let keys = ages
            .iter()
            .enumerate()
            .map(|(i, age)| AccessKey {
                id: format!("…K{i}{name}"),
                status: Some("Active".into()),
                created: None,
                age_days: Some(*age),
            })
            .collect();
        User { name: name.into(), mfa_devices: mfa, access_keys: Some(keys), ..User::default() }
    }

    #[test]
    fn keys_older_than_90_days_oldest_first() {
        let users = [user("ci", Some(0), &[90, 91, 400]), user("ops", Some(1), &[200]), user("new", None, &[3])];
        let old: Vec<_> = old_access_keys(&users).into_iter().map(|k| (k.user, k.age_days)).collect();
        assert_eq!(
            old,
            [("ci".to_owned(), 400), ("ops".to_owned(), 200), ("ci".to_owned(), 91)],
            "90 days is not older than 90"
        );
        assert_eq!(users_without_mfa(&users), ["ci"], "unknown MFA is not counted as none");
    }
}
