//! `patui create` and `patui rotate`: mint through the shared ops (keyring first), then print the
//! value once on stdout. A keyring failure never loses the token: it is still printed, with a
//! warning on stderr.

use super::{Ctx, EXIT_OK, EXIT_PARTIAL, Failure, print_json, print_text, usage};
use crate::azure::{FULL_ACCESS_SCOPE, PatTokenCreateRequest};
use crate::cli::{CreateArgs, RotateArgs};
use crate::commands::output::TokenJson;
use crate::ops::create::{self, Minted};
use crate::ops::inventory::{self, TokenStatus};
use crate::ops::validate;
use chrono::{DateTime, Utc};

/// True when the service returned an expiry more than a day earlier than the one asked for: an
/// organization's lifespan policy shortened it (the service clamps instead of refusing).
fn shortened_by_policy(returned: DateTime<Utc>, requested: DateTime<Utc>) -> bool {
    requested - returned > chrono::Duration::days(1)
}

/// Prints a minted token (the value alone on stdout, or the `--json` object) with its warnings
/// and notes on stderr. `requested` is the expiry that was asked for.
fn report_minted(
    ctx: &Ctx,
    m: &Minted,
    json: bool,
    extra: Option<serde_json::Value>,
    requested: DateTime<Utc>,
) -> Result<(), Failure> {
    if let Err(e) = &m.stored {
        crate::eprintln_safe!(
            "patui: warning: the token was NOT stored in the keyring ({e}); this is the only time it is shown"
        );
    }
    let shortened = shortened_by_policy(m.token.valid_to, requested);
    if shortened {
        crate::eprintln_safe!(
            "patui: note: the service shortened the expiry to {} (organization policy)",
            m.token.valid_to.format("%Y-%m-%d")
        );
    }
    let printed = if json {
        // The token was created in `m.org`: its one target account is that organization.
        let names: std::collections::HashMap<_, _> = m
            .token
            .target_accounts
            .iter()
            .flatten()
            .take(1)
            .map(|id| (*id, m.org.clone()))
            .collect();
        let status = TokenStatus::of(&m.token, false, Utc::now());
        let mut v = serde_json::json!({
            "token": TokenJson::new(&m.token, status, &names, m.stored.is_ok()),
            "value": m.value.expose(),
            "stored": m.stored.is_ok(),
            "organization": m.org,
        });
        if let Some(obj) = v.as_object_mut() {
            if let Some(extra) = extra {
                obj.insert("oldRevoked".into(), extra);
            }
            // Present only when a lifespan policy shortened the expiry.
            if shortened {
                obj.insert("clamped".into(), serde_json::Value::Bool(true));
            }
        }
        let r = print_json(&v);
        if let Some(value) = v.get_mut("value") {
            // Overwrite the JSON's copy of the value before it is dropped.
            *value = serde_json::Value::Null;
        }
        r
    } else {
        let _ = ctx;
        print_text(&zeroize::Zeroizing::new(format!("{}\n", m.value.expose())))
    };
    printed.map_err(|e| undelivered(m, &e.message))
}

/// The failure when the value could not be written to stdout: it names the token, and says
/// whether the value is lost (not in the keyring either) so it can be revoked.
fn undelivered(m: &Minted, why: &str) -> Failure {
    let t = &m.token;
    let message = match &m.stored {
        Ok(()) => format!(
            "created {} ({}) in {} and stored it in the keyring, but could not write it to stdout: {why}",
            t.display_name, t.authorization_id, m.org
        ),
        Err(e) => format!(
            "created {} ({}) in {}, but its value could neither be stored in the keyring ({e}) nor written to stdout ({why}): the value is lost; revoke the token with `patui revoke {}`",
            t.display_name, t.authorization_id, m.org, t.authorization_id
        ),
    };
    Failure {
        code: super::EXIT_ERROR,
        message,
    }
}

impl Ctx {
    /// `patui create`.
    pub async fn create(
        &self,
        args: &CreateArgs,
        presets: &[crate::azure::scopes::Preset],
    ) -> Result<u8, Failure> {
        let now = Utc::now();
        // A server's "all collections" tokens are not retired.
        if args.scope.all_orgs && self.backend.capabilities().retiring_global_tokens {
            if crate::ops::retirement::global_creation_blocked(now) {
                return Err(usage(format!(
                    "--all-orgs: {}",
                    crate::ops::retirement::global_choice_note(now)
                )));
            }
            crate::eprintln_safe!(
                "patui: warning: {}",
                crate::ops::retirement::global_choice_note(now)
            );
        }
        let name = validate::name(&args.name).map_err(usage)?;
        let scope = if args.full_access {
            FULL_ACCESS_SCOPE.to_owned()
        } else if let Some(p) = &args.preset {
            let preset = presets
                .iter()
                .find(|x| x.name.eq_ignore_ascii_case(p))
                .ok_or_else(|| {
                    usage(format!(
                        "no preset {p:?}; presets: {}",
                        presets
                            .iter()
                            .map(|x| x.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                })?;
            preset.scopes.join(" ")
        } else {
            validate::scope_list(args.scopes.as_deref().unwrap_or("")).map_err(usage)?
        };
        let valid_to = match (&args.days, &args.expires) {
            (Some(d), _) => validate::expiry_in_days(*d, now),
            (_, Some(date)) => validate::expiry_date(date, now),
            _ => validate::expiry_in_days(validate::DEFAULT_LIFESPAN_DAYS, now),
        }
        .map_err(usage)?;
        let org = match self.org() {
            Ok(o) => o,
            Err(e) if args.scope.all_orgs => inventory::org_names(self.backend.as_ref())
                .await?
                .into_values()
                .next()
                .ok_or(e)?,
            Err(e) => return Err(e),
        };
        let req = PatTokenCreateRequest {
            display_name: name,
            scope,
            valid_to,
            all_orgs: args.scope.all_orgs,
        };
        let rec = create::Recorder {
            journal: self.journal.as_ref(),
            kind: crate::journal::IntentKind::Create,
        };
        let minted = match create::create_and_store_recorded(
            self.backend.as_ref(),
            self.vault_slot(),
            rec,
            &org,
            &req,
        )
        .await
        {
            Ok(m) => m,
            Err((e, intent)) => return Err(self.lost_answer(e, intent, &req.display_name).await),
        };
        report_minted(self, &minted, args.json, None, req.valid_to)?;
        // The value is on stdout: the journal's record is closed.
        create::delivered(self.journal.as_ref(), &minted);
        Ok(EXIT_OK)
    }

    /// A create that failed: when the service may have minted the token anyway (the answer was
    /// lost), look for it at once and say plainly whether it exists and that its value is lost.
    async fn lost_answer(
        &self,
        e: crate::azure::ApiError,
        intent: Option<uuid::Uuid>,
        name: &str,
    ) -> Failure {
        let (Some(intent), Some(journal)) = (intent, self.journal.as_ref()) else {
            return e.into();
        };
        let found = crate::ops::orphans::check_intent(
            self.backend.as_ref(),
            self.vault.as_ref().ok(),
            journal,
            intent,
        )
        .await;
        let mut f: Failure = e.into();
        f.message = match found {
            Some(o) => format!(
                "{}; the service created {} ({}) anyway, but its answer was lost: the value cannot be recovered; revoke it with `patui revoke {}` (patui doctor --fix does it too)",
                f.message,
                crate::text::sanitize(name),
                o.token.authorization_id,
                o.token.authorization_id
            ),
            None => format!(
                "{}; no token named {} was created",
                f.message,
                crate::text::sanitize(name)
            ),
        };
        f
    }

    /// `patui rotate`.
    pub async fn rotate(&self, args: &RotateArgs) -> Result<u8, Failure> {
        let (org, old) = self.locate(args.id).await?;
        if old.retires() {
            // Never a new global token: one per organization, as `migrate-global` does.
            crate::eprintln_safe!(
                "patui: {} is a token for all organizations (retired on {}): replacing it with one token per organization",
                old.display_name,
                crate::ops::retirement::cutoff_label()
            );
            let names = crate::ops::inventory::org_names(self.backend.as_ref()).await?;
            let mut orgs: Vec<String> = names.into_values().collect();
            orgs.sort_by_key(|o| o.to_lowercase());
            return self
                .replace_globals(vec![(old, org)], &orgs, false, true, args.json)
                .await;
        }
        let r = create::regenerate(
            self.backend.as_ref(),
            self.vault_slot(),
            self.journal.as_ref(),
            &org,
            &old,
            Utc::now(),
        )
        .await?;
        let revoked = r.old_revoked.as_ref().map_or_else(
            |e| serde_json::json!({"ok": false, "error": e.to_string()}),
            |()| serde_json::json!({"ok": true}),
        );
        // What was asked for: the old token's lifespan, from the new one's creation.
        let requested = create::regenerate_request(&old, r.minted.token.valid_from).valid_to;
        report_minted(self, &r.minted, args.json, Some(revoked), requested)?;
        create::delivered(self.journal.as_ref(), &r.minted);
        match r.old_revoked {
            Ok(()) => Ok(EXIT_OK),
            Err(e) => {
                crate::eprintln_safe!(
                    "patui: the old token {} could not be revoked ({e}): BOTH tokens now exist; run `patui revoke {}`",
                    old.authorization_id,
                    old.authorization_id
                );
                Ok(EXIT_PARTIAL)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_expiry_more_than_a_day_early_counts_as_shortened() {
        let asked = Utc::now() + chrono::Duration::days(90);
        assert!(shortened_by_policy(
            asked - chrono::Duration::days(60),
            asked
        ));
        assert!(!shortened_by_policy(asked, asked));
        assert!(!shortened_by_policy(
            asked - chrono::Duration::hours(3),
            asked
        ));
        assert!(!shortened_by_policy(
            asked + chrono::Duration::days(2),
            asked
        ));
    }
}
