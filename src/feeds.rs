//! Azure Artifacts feeds: which organization (or server collection) a package feed URL belongs
//! to, and which stored token serves it. One resolver for every package manager patui answers
//! (NuGet, Cargo, pip, npm through `patui exec`): the newest unexpired stored token for that
//! organization whose scopes allow Packaging read (publish needs write). Nothing here touches
//! the network; the value leaves only in a protocol's reply.

use crate::secret::Secret;
use crate::vault::{TokenMeta, Vault};
use chrono::{DateTime, Utc};
use reqwest::Url;
use uuid::Uuid;

/// What the package manager is about to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Restore, install, download.
    Read,
    /// Push, publish, upload.
    Publish,
}

/// Whether `scope` (space-separated ids) allows `access` to feeds.
pub fn allows_packaging(scope: &str, access: Access) -> bool {
    use crate::azure::models::FULL_ACCESS_SCOPE;
    scope.split_whitespace().any(|s| match access {
        Access::Read => matches!(
            s,
            FULL_ACCESS_SCOPE | "vso.packaging" | "vso.packaging_write" | "vso.packaging_manage"
        ),
        Access::Publish => matches!(
            s,
            FULL_ACCESS_SCOPE | "vso.packaging_write" | "vso.packaging_manage"
        ),
    })
}

/// A feed URL, understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feed {
    /// The cloud organization; empty for a server (see `path`).
    pub org: String,
    pub project: Option<String>,
    /// The feed's name.
    pub feed: String,
    /// `host[:port]` of an Azure DevOps Server; `None` for the cloud.
    pub server: Option<String>,
    /// A server URL's path segments before `_packaging` (the collection is among them).
    pub path: Vec<String>,
}

impl Feed {
    /// "fabrikam/feed" or "tfs.example.com DefaultCollection/feed", for messages.
    pub fn describe(&self) -> String {
        match &self.server {
            None => format!("{}/{}", self.org, self.feed),
            Some(h) => format!("{h} {}/{}", self.path.join("/"), self.feed),
        }
    }
}

fn is_loopback(host: &str) -> bool {
    host == "127.0.0.1"
        || host.eq_ignore_ascii_case("localhost")
        || host == "[::1]"
        || host == "::1"
}

/// `host[:port]` as the keyring names a server.
fn host_port(url: &Url) -> Option<String> {
    let host = url.host_str()?.to_ascii_lowercase();
    Some(match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host,
    })
}

/// Parses a feed URL (any URL below a feed: an npm registry, a NuGet index, a PyPI simple index,
/// a Cargo sparse index, a package download). `service_url` is patui's cloud URL when it is not
/// the public one (the simulator): feeds below it are the cloud's. `None` when the URL is not a
/// feed patui can serve: no `_packaging/{feed}` in the path, or plain http anywhere but loopback.
pub fn parse(url: &str, service_url: Option<&str>) -> Option<Feed> {
    let url = Url::parse(url.trim()).ok()?;
    let host = url.host_str()?.to_ascii_lowercase();
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&host) => {}
        _ => return None,
    }
    let mut segments: Vec<String> = url
        .path_segments()?
        .filter(|s| !s.is_empty())
        .map(percent_decode)
        .collect();
    // Below the service URL: its own path is not part of the feed's.
    let under_service = service_url
        .and_then(|s| Url::parse(s).ok())
        .filter(|s| {
            s.scheme() == url.scheme()
                && s.host_str().map(str::to_ascii_lowercase).as_deref() == Some(host.as_str())
                && s.port_or_known_default() == url.port_or_known_default()
        })
        .and_then(|s| {
            let base: Vec<String> = s
                .path_segments()
                .map(|p| p.filter(|x| !x.is_empty()).map(percent_decode).collect())
                .unwrap_or_default();
            segments
                .iter()
                .zip(&base)
                .all(|(a, b)| a.eq_ignore_ascii_case(b))
                .then_some(base.len())
        });
    if let Some(n) = under_service {
        segments.drain(..n.min(segments.len()));
    }
    let at = segments
        .iter()
        .position(|s| s.eq_ignore_ascii_case("_packaging"))?;
    let feed = segments.get(at + 1).filter(|f| !f.is_empty())?.clone();
    let prefix = &segments[..at];
    let cloud = |org: &str, project: Option<&String>| -> Option<Feed> {
        (!org.is_empty()).then(|| Feed {
            org: org.to_owned(),
            project: project.cloned(),
            feed: feed.clone(),
            server: None,
            path: Vec::new(),
        })
    };
    if under_service.is_some() || host == "pkgs.dev.azure.com" || host == "dev.azure.com" {
        return cloud(prefix.first()?, prefix.get(1));
    }
    if let Some(org) = host.strip_suffix(".pkgs.visualstudio.com") {
        return cloud(org, prefix.first()).filter(|_| !org.contains('.'));
    }
    if host.ends_with(".visualstudio.com") || host.ends_with(".azure.com") {
        return None;
    }
    Some(Feed {
        org: String::new(),
        project: None,
        feed,
        server: Some(host_port(&url)?),
        path: prefix.to_vec(),
    })
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={s}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| s.to_owned())
}

/// The token that serves a feed.
#[derive(Debug, Clone)]
pub struct Served {
    pub id: Uuid,
    pub name: String,
    pub value: Secret,
    pub valid_to: DateTime<Utc>,
}

/// Why no token serves a feed, in a sentence for the package manager's user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unserved {
    /// patui keeps no token for this organization (or server) that may read packages.
    #[error(
        "patui keeps no token for {0} that may use packages: create one with the Packaging scope (patui create --scopes vso.packaging, or n in patui)"
    )]
    NoToken(String),
    /// The only candidates expired (or are about to).
    #[error(
        "the stored token \"{name}\" for {feed} expired on {date}: create a new one (patui create, or n in patui)"
    )]
    Expired {
        feed: String,
        name: String,
        date: chrono::NaiveDate,
    },
    /// Tokens exist, but none may publish.
    #[error(
        "the tokens patui keeps for {0} may only read packages: publishing needs Packaging (read & write)"
    )]
    ReadOnly(String),
    /// Every candidate was already handed out and refused.
    #[error("the server refused every token patui keeps for {0}")]
    AllRefused(String),
    /// The keyring cannot be read.
    #[error("cannot read the keyring: {0}")]
    Keyring(String),
}

/// The newest usable candidate among `metas` for `org` (a cloud organization or a server's
/// collection; "" matches tokens for all organizations only), skipping `exclude`.
pub fn choose<'a>(
    metas: &'a [TokenMeta],
    org: &str,
    access: Access,
    now: DateTime<Utc>,
    exclude: &[Uuid],
) -> Option<&'a TokenMeta> {
    metas
        .iter()
        .filter(|m| m.global || (!org.is_empty() && m.org.eq_ignore_ascii_case(org)))
        .filter(|m| m.valid_to > now + chrono::Duration::minutes(1))
        .filter(|m| allows_packaging(&m.scope, access))
        .filter(|m| !exclude.contains(&m.id))
        .max_by_key(|m| (m.valid_from, m.valid_to))
}

/// The stored token for `feed`, from `vault` (patui's keyring; a server's entries are read from
/// its own service). `exclude` lists tokens already refused in this session.
pub fn resolve(
    vault: &Vault,
    feed: &Feed,
    access: Access,
    now: DateTime<Utc>,
    exclude: &[Uuid],
) -> Result<Served, Unserved> {
    let vault = match &feed.server {
        Some(host) => vault.for_server(host),
        None => vault.clone(),
    };
    let metas = vault.list().map_err(|e| Unserved::Keyring(e.to_string()))?;
    let org = match &feed.server {
        None => feed.org.clone(),
        // The collection is the first path segment that names one the stored tokens are for
        // (`/tfs/{collection}/{project}/…`: a project named like another collection comes later).
        Some(_) => feed
            .path
            .iter()
            .find(|seg| {
                metas
                    .iter()
                    .any(|m| !m.org.is_empty() && m.org.eq_ignore_ascii_case(seg))
            })
            .cloned()
            .unwrap_or_default(),
    };
    let who = match &feed.server {
        None => feed.org.clone(),
        Some(h) if org.is_empty() => h.clone(),
        Some(h) => format!("{h} ({org})"),
    };
    let Some(m) = choose(&metas, &org, access, now, exclude) else {
        let mine =
            |m: &&TokenMeta| m.global || (!org.is_empty() && m.org.eq_ignore_ascii_case(&org));
        if metas
            .iter()
            .filter(mine)
            .any(|m| allows_packaging(&m.scope, access) && exclude.contains(&m.id))
        {
            return Err(Unserved::AllRefused(who));
        }
        if let Some(m) = metas
            .iter()
            .filter(mine)
            .filter(|m| allows_packaging(&m.scope, access))
            .max_by_key(|m| m.valid_to)
        {
            return Err(Unserved::Expired {
                feed: who,
                name: m.name.clone(),
                date: m.valid_to.date_naive(),
            });
        }
        if access == Access::Publish
            && metas
                .iter()
                .filter(mine)
                .any(|m| allows_packaging(&m.scope, Access::Read))
        {
            return Err(Unserved::ReadOnly(who));
        }
        return Err(Unserved::NoToken(who));
    };
    let stored = vault
        .load(m.id)
        .map_err(|e| Unserved::Keyring(e.to_string()))?
        .ok_or_else(|| Unserved::NoToken(who.clone()))?;
    Ok(Served {
        id: m.id,
        name: m.name.clone(),
        value: stored.value,
        valid_to: m.valid_to,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(url: &str) -> Option<Feed> {
        parse(url, None)
    }

    #[test]
    fn cloud_feed_urls_name_their_organization() {
        let f = feed("https://pkgs.dev.azure.com/Fabrikam/_packaging/main/npm/registry/").unwrap();
        assert_eq!(
            (f.org.as_str(), f.feed.as_str(), f.server),
            ("Fabrikam", "main", None)
        );
        let f = feed("https://pkgs.dev.azure.com/fab/Web%20App/_packaging/f1/nuget/v3/index.json")
            .unwrap();
        assert_eq!(f.project.as_deref(), Some("Web App"));
        assert_eq!(f.feed, "f1");
        let f = feed("https://contoso.pkgs.visualstudio.com/_packaging/x/pypi/simple/").unwrap();
        assert_eq!((f.org.as_str(), f.feed.as_str()), ("contoso", "x"));
        let f =
            feed("https://contoso.pkgs.visualstudio.com/proj/_packaging/x/Cargo/index/").unwrap();
        assert_eq!(f.project.as_deref(), Some("proj"));
    }

    #[test]
    fn what_is_not_a_feed_is_refused() {
        for u in [
            "https://pkgs.dev.azure.com/fab/_apis/packaging",
            "https://pkgs.dev.azure.com/_packaging/x/npm/registry/",
            "https://pkgs.dev.azure.com/fab/_packaging/",
            "http://pkgs.dev.azure.com/fab/_packaging/f/npm/registry/",
            "http://tfs.example.com/tfs/C/_packaging/f/nuget/v3/index.json",
            "https://registry.npmjs.org/left-pad",
            "https://x.visualstudio.com/_packaging/f/",
            "not a url",
            "127.0.0.1:8080",
        ] {
            assert_eq!(feed(u), None, "{u}");
        }
    }

    #[test]
    fn servers_and_the_simulator() {
        let f = feed(
            "https://tfs.example.com:8443/tfs/DefaultCollection/_packaging/f/nuget/v3/index.json",
        )
        .unwrap();
        assert_eq!(f.server.as_deref(), Some("tfs.example.com:8443"));
        assert_eq!(f.path, ["tfs", "DefaultCollection"]);
        // Below --service-url, the first segment is the organization.
        let f = parse(
            "http://127.0.0.1:4567/fabrikam/_packaging/main/npm/registry/patui-demo",
            Some("http://127.0.0.1:4567/"),
        )
        .unwrap();
        assert_eq!((f.org.as_str(), f.server), ("fabrikam", None));
        // Look-alike hosts are servers (whose keyring entries are their own), never the cloud.
        for u in [
            "https://pkgs.dev.azure.com.evil.example/fab/_packaging/f/npm/registry/",
            "https://evil.example/pkgs.dev.azure.com/fab/_packaging/f/npm/registry/",
            "https://pkgs.dev.azure.com@evil.example/fab/_packaging/f/npm/registry/",
        ] {
            let f = feed(u).unwrap();
            assert!(
                f.server
                    .as_deref()
                    .is_some_and(|h| h.contains("evil.example")),
                "{u}"
            );
        }
        // The same host without --service-url is a server on loopback.
        let f = feed("http://127.0.0.1:4567/fabrikam/_packaging/main/npm/registry/").unwrap();
        assert_eq!(f.server.as_deref(), Some("127.0.0.1:4567"));
    }

    #[test]
    fn a_server_feed_gets_its_own_collection_s_token() {
        let vault = Vault::memory().unwrap();
        let server = vault.for_server("tfs.example.com");
        for (org, value) in [("Other", "token-of-other"), ("Web", "token-of-web")] {
            server
                .store(&crate::vault::StoredToken {
                    value: Secret::new(value.into()),
                    meta: meta(org, "vso.packaging", -1, 20),
                })
                .unwrap();
        }
        // `Web` is a project of the collection `Other` here.
        let f =
            feed("https://tfs.example.com/tfs/Other/Web/_packaging/f/nuget/v3/index.json").unwrap();
        let served = resolve(&vault, &f, Access::Read, Utc::now(), &[]).unwrap();
        assert_eq!(served.value.expose(), "token-of-other");
        // The cloud's tokens are never served to a server of the same name.
        let cloud = feed("https://pkgs.dev.azure.com/Other/_packaging/f/npm/registry/").unwrap();
        assert!(matches!(
            resolve(&vault, &cloud, Access::Read, Utc::now(), &[]),
            Err(Unserved::NoToken(_))
        ));
    }

    #[test]
    fn packaging_scopes() {
        assert!(allows_packaging("vso.code vso.packaging", Access::Read));
        assert!(!allows_packaging("vso.packaging", Access::Publish));
        assert!(allows_packaging("vso.packaging_write", Access::Publish));
        assert!(allows_packaging("app_token", Access::Publish));
        assert!(!allows_packaging("vso.code_write", Access::Read));
    }

    fn meta(org: &str, scope: &str, from_days: i64, to_days: i64) -> TokenMeta {
        let now = Utc::now();
        TokenMeta {
            org: org.into(),
            id: Uuid::new_v4(),
            name: format!("{org}-{scope}"),
            scope: scope.into(),
            valid_from: now + chrono::Duration::days(from_days),
            valid_to: now + chrono::Duration::days(to_days),
            global: false,
        }
    }

    #[test]
    fn the_newest_usable_token_is_chosen_and_refused_ones_are_skipped() {
        let now = Utc::now();
        let metas = vec![
            meta("fab", "vso.packaging", -10, 20),
            meta("fab", "vso.packaging_write", -5, 20),
            meta("fab", "vso.code", -1, 20),
            meta("fab", "vso.packaging", -1, -0),
            meta("other", "vso.packaging", 0, 20),
        ];
        let c = choose(&metas, "FAB", Access::Read, now, &[]).unwrap();
        assert_eq!(c.id, metas[1].id);
        let c = choose(&metas, "fab", Access::Read, now, &[metas[1].id]).unwrap();
        assert_eq!(c.id, metas[0].id);
        assert!(
            choose(
                &metas,
                "fab",
                Access::Read,
                now,
                &[metas[0].id, metas[1].id]
            )
            .is_none()
        );
        let c = choose(&metas, "fab", Access::Publish, now, &[]).unwrap();
        assert_eq!(c.id, metas[1].id);
        assert!(choose(&metas, "", Access::Read, now, &[]).is_none());
    }
}
