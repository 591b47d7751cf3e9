//! The simulator's state: organizations, tokens, issued access tokens, a movable clock and the
//! counters tests read. Pure data and rules (no HTTP): every operation the service offers, with
//! the service's validation and policy errors.

use crate::azure::models::{FULL_ACCESS_SCOPE, PatToken};
use crate::azure::pat_error::PatTokenError;
use crate::azure::scopes;
use crate::secret::Secret;
use chrono::{DateTime, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// The namespace of organization ids (uuid v5 of the lower-cased name).
const ORG_NAMESPACE: Uuid = Uuid::from_u128(0x6d2f_7a1c_52b4_4a9e_8f13_0c6a_7d1e_9b21);
/// The simulated user.
pub const USER_ID: Uuid = Uuid::from_u128(0xd624_5f20_2af8_44f4_9451_8107_cb27_67db);
/// The simulated user's name.
pub const USER_NAME: &str = "Demo User";
/// The simulated user's e-mail.
pub const USER_EMAIL: &str = "demo.user@example.com";
/// The simulated Entra tenant.
pub const TENANT_ID: Uuid = Uuid::from_u128(0x72f9_88bf_86f1_41af_91ab_2d7c_d011_db47);
/// Longest name accepted.
pub const MAX_NAME: usize = 256;

/// An organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Org {
    pub id: Uuid,
    pub name: String,
}

/// The id of an organization name.
pub fn org_id(name: &str) -> Uuid {
    Uuid::new_v5(&ORG_NAMESPACE, name.to_ascii_lowercase().as_bytes())
}

/// A token as the simulator keeps it.
#[derive(Debug, Clone)]
pub struct SimToken {
    pub id: Uuid,
    pub name: String,
    pub scope: String,
    pub targets: Option<Vec<Uuid>>,
    pub valid_from: DateTime<Utc>,
    pub valid_to: DateTime<Utc>,
    pub revoked: bool,
    pub value: Secret,
}

impl SimToken {
    /// The wire form (never with the value; create adds it once).
    pub fn to_wire(&self) -> PatToken {
        PatToken {
            on_premises: false,
            authorization_id: self.id,
            display_name: self.name.clone(),
            scope: self.scope.clone(),
            target_accounts: self.targets.clone(),
            valid_from: self.valid_from,
            valid_to: self.valid_to,
            token: None,
        }
    }

    /// Valid in `org`.
    pub fn targets_org(&self, org: Uuid) -> bool {
        self.targets.as_ref().is_none_or(|t| t.contains(&org))
    }
}

/// A rule violation: the `patTokenError` and the HTTP status the service uses for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub status: u16,
    pub code: PatTokenError,
    pub message: String,
}

fn refuse(status: u16, code: PatTokenError, message: impl Into<String>) -> Refusal {
    Refusal {
        status,
        code,
        message: message.into(),
    }
}

/// What the lifespan policy (`max_lifespan_days`) does with a `validTo` beyond it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LifespanPolicy {
    /// Shorten `validTo` to the limit and succeed: what the service does since 2024.
    #[default]
    Clamp,
    /// Refuse with `patLifespanPolicyViolation` (the service's older behaviour).
    Reject,
}

/// Policies and limits.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    pub full_scope_policy: bool,
    pub max_lifespan_days: Option<u32>,
    /// What a `validTo` beyond `max_lifespan_days` gets: clamped or refused.
    pub lifespan_policy: LifespanPolicy,
    pub strict_orgs: bool,
}

/// The whole state.
#[derive(Debug)]
pub struct Store {
    pub policy: Policy,
    orgs: BTreeMap<String, Org>,
    tokens: Vec<SimToken>,
    by_id: HashMap<Uuid, usize>,
    clock_offset: chrono::Duration,
    rng: StdRng,
    /// DELETE requests per id (tests prove "never revoked twice" with it).
    delete_calls: HashMap<Uuid, u32>,
    /// Successful revocations per id.
    revocations: HashMap<Uuid, u32>,
    /// Create requests that reached the handler.
    pub create_calls: u32,
    /// Successful creates (tokens minted through the API; seeding does not count).
    creates: u32,
    /// Access tokens issued by the simulated Entra, with their expiry.
    issued: HashMap<String, DateTime<Utc>>,
}

impl Store {
    /// An empty store.
    pub fn new(policy: Policy, seed: u64) -> Self {
        Self {
            policy,
            orgs: BTreeMap::new(),
            tokens: Vec::new(),
            by_id: HashMap::new(),
            clock_offset: chrono::Duration::zero(),
            rng: StdRng::seed_from_u64(seed),
            delete_calls: HashMap::new(),
            revocations: HashMap::new(),
            create_calls: 0,
            creates: 0,
            issued: HashMap::new(),
        }
    }

    /// The simulator's now.
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.clock_offset
    }

    /// Moves the clock forward (or back).
    pub fn advance(&mut self, by: chrono::Duration) {
        self.clock_offset += by;
    }

    /// Adds an organization (idempotent).
    pub fn add_org(&mut self, name: &str) -> Org {
        self.orgs
            .entry(name.to_ascii_lowercase())
            .or_insert_with(|| Org {
                id: org_id(name),
                name: name.to_owned(),
            })
            .clone()
    }

    /// The organization of a path segment: known, or created on first use unless strict.
    pub fn org(&mut self, name: &str) -> Option<Org> {
        if let Some(o) = self.orgs.get(&name.to_ascii_lowercase()) {
            return Some(o.clone());
        }
        if self.policy.strict_orgs {
            None
        } else {
            Some(self.add_org(name))
        }
    }

    /// Every organization.
    pub fn orgs(&self) -> Vec<Org> {
        self.orgs.values().cloned().collect()
    }

    /// A fresh 84-character token in the 2024 format: 52 random characters, the `JQQJ99`
    /// signature, the creation year (`A` = 2024) and month, reserved characters, `AAAAAZDO` and
    /// four more (`AZDO` at positions 76..80), as `patui scan` recognises it.
    pub fn mint_value(&mut self) -> Secret {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        let mut pick = |n: usize| -> String {
            (0..n)
                .map(|_| ALPHABET[self.rng.random_range(0..ALPHABET.len())] as char)
                .collect()
        };
        let head = pick(76);
        let tail = pick(4);
        // The creation year (`A` = 2024) and month, from the simulator's clock.
        use chrono::Datelike;
        let now = self.now();
        let year = (b'A' + u8::try_from((now.year() - 2024).clamp(0, 25)).unwrap_or(0)) as char;
        let month = (b'A' + u8::try_from(now.month0()).unwrap_or(0)) as char;
        Secret::new(format!(
            "{}JQQJ99{year}{month}{}AAAAAZDO{tail}",
            &head[..52],
            &head[60..72]
        ))
    }

    fn new_id(&mut self) -> Uuid {
        uuid::Builder::from_random_bytes(self.rng.random()).into_uuid()
    }

    /// Inserts a token directly (seeding).
    pub fn insert(&mut self, t: SimToken) {
        self.by_id.insert(t.id, self.tokens.len());
        self.tokens.push(t);
    }

    /// Builds a token with a fresh id and value (seeding).
    pub fn seed_token(
        &mut self,
        name: &str,
        scope: &str,
        targets: Option<Vec<Uuid>>,
        valid_from: DateTime<Utc>,
        valid_to: DateTime<Utc>,
        revoked: bool,
    ) -> Uuid {
        let id = self.new_id();
        let value = self.mint_value();
        self.insert(SimToken {
            id,
            name: name.to_owned(),
            scope: scope.to_owned(),
            targets,
            valid_from,
            valid_to,
            revoked,
            value,
        });
        id
    }

    /// A token by id.
    pub fn token(&self, id: Uuid) -> Option<&SimToken> {
        self.by_id.get(&id).map(|i| &self.tokens[*i])
    }

    /// Every token (seeding order).
    pub fn tokens(&self) -> &[SimToken] {
        &self.tokens
    }

    /// DELETE requests received for `id`.
    pub fn delete_calls(&self, id: Uuid) -> u32 {
        self.delete_calls.get(&id).copied().unwrap_or(0)
    }

    /// Successful revocations of `id` (0 or 1 when the rule holds).
    pub fn revocations(&self, id: Uuid) -> u32 {
        self.revocations.get(&id).copied().unwrap_or(0)
    }

    /// Successful creates so far (refused ones and seeded tokens do not count).
    pub fn creates(&self) -> u32 {
        self.creates
    }

    /// Successful revocations so far, of every token.
    pub fn revocations_total(&self) -> u32 {
        self.revocations.values().sum()
    }

    /// True once global tokens are retired on the simulator's clock: they can no longer be
    /// created and no longer authenticate.
    pub fn globals_retired(&self) -> bool {
        crate::ops::retirement::global_creation_blocked(self.now())
    }

    fn refuse_global_creation() -> Refusal {
        refuse(
            400,
            PatTokenError::GlobalPatCreationBlocked,
            format!(
                "Tokens for all organizations can no longer be created: global personal access tokens were retired on {}.",
                crate::ops::retirement::cutoff_label()
            ),
        )
    }

    /// Tokens of `org` matching a filter, sorted, as the list operation sees them.
    pub fn list(
        &self,
        org: &Org,
        filter: crate::azure::DisplayFilter,
        sort: crate::azure::ServerSort,
        ascending: bool,
    ) -> Vec<&SimToken> {
        use crate::azure::{DisplayFilter as F, ServerSort as S};
        let now = self.now();
        let mut v: Vec<&SimToken> = self
            .tokens
            .iter()
            .filter(|t| t.targets_org(org.id))
            .filter(|t| match filter {
                F::Active => !t.revoked && t.valid_to > now,
                F::Revoked => t.revoked,
                F::Expired => !t.revoked && t.valid_to <= now,
                F::All => true,
            })
            .collect();
        let rank = |t: &SimToken| {
            if t.revoked {
                2
            } else if t.valid_to <= now {
                1
            } else {
                0
            }
        };
        match sort {
            // The lower-cased name once per token, not once per comparison.
            S::DisplayName => v.sort_by_cached_key(|t| (t.name.to_lowercase(), t.id)),
            S::DisplayDate => v.sort_by_key(|t| (t.valid_from, t.id)),
            S::Status => v.sort_by_key(|t| (rank(t), t.id)),
        }
        if !ascending {
            v.reverse();
        }
        v
    }

    fn check_name(name: &str) -> Result<String, Refusal> {
        let t = name.trim();
        if t.is_empty() {
            return Err(refuse(
                400,
                PatTokenError::DisplayNameRequired,
                "A name is required.",
            ));
        }
        if t.chars().count() > MAX_NAME || t.chars().any(char::is_control) {
            return Err(refuse(
                400,
                PatTokenError::InvalidDisplayName,
                "The name is not valid.",
            ));
        }
        Ok(t.to_owned())
    }

    fn check_scope(&self, scope: &str) -> Result<String, Refusal> {
        let parts: Vec<&str> = scope.split_whitespace().collect();
        if parts.is_empty() {
            return Err(refuse(
                400,
                PatTokenError::InvalidScope,
                "No scope was given.",
            ));
        }
        for p in &parts {
            if *p != FULL_ACCESS_SCOPE && scopes::find(p).is_none() && !scopes::is_extra_scope(p) {
                return Err(refuse(
                    400,
                    PatTokenError::InvalidScope,
                    format!("Unknown scope {p}."),
                ));
            }
        }
        if self.policy.full_scope_policy && parts.contains(&FULL_ACCESS_SCOPE) {
            return Err(refuse(
                400,
                PatTokenError::FullScopePatPolicyViolation,
                "Full-scoped personal access tokens are restricted by your organization's policy.",
            ));
        }
        Ok(parts.join(" "))
    }

    fn check_valid_to(
        &self,
        valid_to: DateTime<Utc>,
        from: DateTime<Utc>,
    ) -> Result<DateTime<Utc>, Refusal> {
        let now = self.now();
        if valid_to <= now || valid_to > from + chrono::Duration::days(366) {
            return Err(refuse(
                400,
                PatTokenError::InvalidValidTo,
                "The expiration must be in the future and at most one year away.",
            ));
        }
        if let Some(max) = self.policy.max_lifespan_days {
            let limit = from + chrono::Duration::days(i64::from(max));
            if valid_to > limit + chrono::Duration::hours(1) {
                // Clamping needs a limit still in the future: a token older than the policy
                // allows cannot be renewed until it complies, so it is refused either way.
                if self.policy.lifespan_policy == LifespanPolicy::Clamp && limit > now {
                    return Ok(limit);
                }
                return Err(refuse(
                    400,
                    PatTokenError::PatLifespanPolicyViolation,
                    format!(
                        "Your organization's policy limits personal access tokens to {max} days."
                    ),
                ));
            }
        }
        Ok(valid_to)
    }

    /// Create: returns the token with its value (the only time it leaves the store).
    pub fn create(
        &mut self,
        org: &Org,
        name: &str,
        scope: &str,
        valid_to: DateTime<Utc>,
        all_orgs: bool,
    ) -> Result<PatToken, Refusal> {
        self.create_calls += 1;
        if all_orgs && self.globals_retired() {
            return Err(Self::refuse_global_creation());
        }
        let name = Self::check_name(name)?;
        let scope = self.check_scope(scope)?;
        let now = self.now();
        let valid_to = self.check_valid_to(valid_to, now)?;
        let id = self.new_id();
        let value = self.mint_value();
        let t = SimToken {
            id,
            name,
            scope,
            targets: if all_orgs { None } else { Some(vec![org.id]) },
            valid_from: now,
            valid_to,
            revoked: false,
            value: value.clone(),
        };
        let mut wire = t.to_wire();
        wire.token = Some(value);
        self.insert(t);
        self.creates += 1;
        Ok(wire)
    }

    /// Update: omitted fields are kept.
    pub fn update(
        &mut self,
        org: &Org,
        id: Uuid,
        name: Option<&str>,
        scope: Option<&str>,
        valid_to: Option<DateTime<Utc>>,
        all_orgs: Option<bool>,
    ) -> Result<PatToken, Refusal> {
        let now = self.now();
        let Some(&i) = self.by_id.get(&id) else {
            return Err(refuse(
                404,
                PatTokenError::AuthorizationNotFound,
                "No such token.",
            ));
        };
        let current = self.tokens[i].clone();
        if current.revoked || !current.targets_org(org.id) {
            return Err(refuse(
                404,
                PatTokenError::AuthorizationNotFound,
                "No such token.",
            ));
        }
        // Making a token global is a creation of a global token, blocked after the cut-off.
        if all_orgs == Some(true) && current.targets.is_some() && self.globals_retired() {
            return Err(Self::refuse_global_creation());
        }
        let expired = current.valid_to <= now;
        if expired && valid_to.is_some_and(|v| v != current.valid_to) {
            return Err(refuse(
                400,
                PatTokenError::ExpiredPatCannotBeExtended,
                "An expired personal access token cannot be extended.",
            ));
        }
        let name = name.map(Self::check_name).transpose()?;
        let scope = scope.map(|s| self.check_scope(s)).transpose()?;
        let valid_to = match valid_to {
            Some(v) if v != current.valid_to => Some(
                self.check_valid_to(v, current.valid_from.max(now - chrono::Duration::days(366)))?,
            ),
            _ => None,
        };
        let t = &mut self.tokens[i];
        if let Some(n) = name {
            t.name = n;
        }
        if let Some(s) = scope {
            t.scope = s;
        }
        if let Some(v) = valid_to {
            t.valid_to = v;
        }
        if let Some(all) = all_orgs {
            t.targets = if all { None } else { Some(vec![org.id]) };
        }
        Ok(t.to_wire())
    }

    /// Revoke. Unknown or already revoked → 404.
    pub fn revoke(&mut self, org: &Org, id: Uuid) -> Result<(), Refusal> {
        *self.delete_calls.entry(id).or_default() += 1;
        let Some(&i) = self.by_id.get(&id) else {
            return Err(refuse(
                404,
                PatTokenError::AuthorizationNotFound,
                "No such token.",
            ));
        };
        let t = &mut self.tokens[i];
        if t.revoked || !t.targets_org(org.id) {
            return Err(refuse(
                404,
                PatTokenError::AuthorizationNotFound,
                "No such token.",
            ));
        }
        t.revoked = true;
        *self.revocations.entry(id).or_default() += 1;
        Ok(())
    }

    /// The active token whose value is `pat`, valid in `org` (connectionData). A global token
    /// no longer authenticates once global tokens are retired.
    pub fn authenticate_pat(&self, org: &Org, pat: &str) -> Option<&SimToken> {
        let now = self.now();
        let retired = self.globals_retired();
        self.tokens
            .iter()
            .find(|t| t.value.matches(pat))
            .filter(|t| !t.revoked && t.valid_to > now && t.targets_org(org.id))
            .filter(|t| t.targets.is_some() || !retired)
    }

    /// Records an access token issued by the simulated Entra.
    pub fn issue_access_token(&mut self, lifetime: chrono::Duration) -> String {
        let token = format!(
            "sim-at-{}",
            Uuid::from_u128(self.rng.random::<u128>()).simple()
        );
        let exp = self.now() + lifetime;
        self.issued.insert(token.clone(), exp);
        token
    }

    /// True when a bearer token is accepted: any non-empty token, except ones starting with
    /// `expired` and issued ones whose time is up.
    pub fn bearer_ok(&self, token: &str) -> bool {
        if token.is_empty() || token.starts_with("expired") {
            return false;
        }
        match self.issued.get(token) {
            Some(exp) => *exp > self.now(),
            None => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minted_values_have_the_2024_format_and_differ() {
        let mut s = Store::new(Policy::default(), 7);
        let a = s.mint_value();
        let b = s.mint_value();
        assert_eq!(a.len(), 84);
        assert_eq!(&a.expose()[76..80], "AZDO");
        assert_ne!(a.expose(), b.expose());
        // The layout patui scan calls strict.
        let hits = crate::scan::scan_text(&format!("token = {}", a.expose()));
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].kind, crate::scan::Kind::Pat84);
        let mut s2 = Store::new(Policy::default(), 7);
        assert_eq!(
            s2.mint_value().expose(),
            a.expose(),
            "deterministic by seed"
        );
    }

    #[test]
    fn create_validates_in_the_services_order() {
        let mut s = Store::new(
            Policy {
                full_scope_policy: true,
                max_lifespan_days: Some(30),
                lifespan_policy: LifespanPolicy::Reject,
                strict_orgs: false,
            },
            1,
        );
        let org = s.add_org("fabrikam");
        let in_days = |d| s.now() + chrono::Duration::days(d);
        let (d10, d60, dpast) = (in_days(10), in_days(60), in_days(-1));
        let code = |r: Result<PatToken, Refusal>| r.unwrap_err().code;
        assert_eq!(
            code(s.create(&org, " ", "vso.code", d10, false)),
            PatTokenError::DisplayNameRequired
        );
        assert_eq!(
            code(s.create(&org, "n", "vso.nope", d10, false)),
            PatTokenError::InvalidScope
        );
        assert_eq!(
            code(s.create(&org, "n", "app_token", d10, false)),
            PatTokenError::FullScopePatPolicyViolation
        );
        assert_eq!(
            code(s.create(&org, "n", "vso.code", dpast, false)),
            PatTokenError::InvalidValidTo
        );
        assert_eq!(
            code(s.create(&org, "n", "vso.code", d60, false)),
            PatTokenError::PatLifespanPolicyViolation
        );
        let t = s.create(&org, "n", "vso.code", d10, false).unwrap();
        assert_eq!(t.target_accounts, Some(vec![org.id]));
        assert!(t.token.is_some());
        assert!(
            s.token(t.authorization_id)
                .unwrap()
                .to_wire()
                .token
                .is_none()
        );
    }

    #[test]
    fn the_lifespan_policy_clamps_create_and_update_by_default() {
        let mut s = Store::new(
            Policy {
                max_lifespan_days: Some(30),
                ..Policy::default()
            },
            1,
        );
        assert_eq!(s.policy.lifespan_policy, LifespanPolicy::Clamp);
        let org = s.add_org("fabrikam");
        let now = s.now();
        let t = s
            .create(
                &org,
                "n",
                "vso.code",
                now + chrono::Duration::days(90),
                false,
            )
            .unwrap();
        let limit = t.valid_from + chrono::Duration::days(30);
        assert_eq!(t.valid_to, limit, "clamped to now + 30 days");
        // Within the limit: kept as asked.
        let asked = now + chrono::Duration::days(10);
        let short = s.create(&org, "n", "vso.code", asked, false).unwrap();
        assert_eq!(short.valid_to, asked);
        // Update: clamped to the creation date + 30 days.
        let u = s
            .update(
                &org,
                short.authorization_id,
                None,
                None,
                Some(now + chrono::Duration::days(200)),
                None,
            )
            .unwrap();
        assert_eq!(u.valid_to, short.valid_from + chrono::Duration::days(30));
        // Past the year, the request is still invalid.
        let code = s
            .create(
                &org,
                "n",
                "vso.code",
                now + chrono::Duration::days(400),
                false,
            )
            .unwrap_err()
            .code;
        assert_eq!(code, PatTokenError::InvalidValidTo);
        // A token older than the policy allows (made before it) cannot be clamped into the past.
        let old = s.seed_token(
            "old",
            "vso.code",
            Some(vec![org.id]),
            now - chrono::Duration::days(40),
            now + chrono::Duration::days(100),
            false,
        );
        let code = s
            .update(
                &org,
                old,
                None,
                None,
                Some(now + chrono::Duration::days(60)),
                None,
            )
            .unwrap_err()
            .code;
        assert_eq!(code, PatTokenError::PatLifespanPolicyViolation);
    }
}
