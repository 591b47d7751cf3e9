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
use chrono::Utc;

fn report_minted(
    ctx: &Ctx,
    m: &Minted,
    json: bool,
    extra: Option<serde_json::Value>,
) -> Result<(), Failure> {
    if let Err(e) = &m.stored {
        eprintln!(
            "patui: warning: the token was NOT stored in the keyring ({e}); this is the only time it is shown"
        );
    }
    if let Some(c) = m.clamped {
        eprintln!(
            "patui: a policy set the expiry to {} (not the date asked for)",
            c.date_naive()
        );
    }
    if json {
        let names = std::collections::HashMap::new();
        let status = TokenStatus::of(&m.token, false, Utc::now());
        let mut v = serde_json::json!({
            "token": TokenJson::new(&m.token, status, &names, m.stored.is_ok()),
            "value": m.value.expose(),
            "stored": m.stored.is_ok(),
            "organization": m.org,
        });
        if let (Some(extra), Some(obj)) = (extra, v.as_object_mut()) {
            obj.insert("oldRevoked".into(), extra);
        }
        print_json(&v)
    } else {
        let _ = ctx;
        print_text(&format!("{}\n", m.value.expose()))
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
        let minted =
            create::create_and_store(self.backend.as_ref(), self.vault.as_ref().ok(), &org, &req)
                .await?;
        report_minted(self, &minted, args.json, None)?;
        Ok(EXIT_OK)
    }

    /// `patui rotate`.
    pub async fn rotate(&self, args: &RotateArgs) -> Result<u8, Failure> {
        let (org, old) = self.locate(args.id).await?;
        let r = create::regenerate(
            self.backend.as_ref(),
            self.vault.as_ref().ok(),
            &org,
            &old,
            Utc::now(),
        )
        .await?;
        let revoked = r.old_revoked.as_ref().map_or_else(
            |e| serde_json::json!({"ok": false, "error": e.to_string()}),
            |()| serde_json::json!({"ok": true}),
        );
        report_minted(self, &r.minted, args.json, Some(revoked))?;
        match r.old_revoked {
            Ok(()) => Ok(EXIT_OK),
            Err(e) => {
                eprintln!(
                    "patui: the old token {} could not be revoked ({e}): BOTH tokens now exist; run `patui revoke {}`",
                    old.authorization_id, old.authorization_id
                );
                Ok(EXIT_PARTIAL)
            }
        }
    }
}
