//! `patui exec [--feed URL…] [--publish] -- CMD…`: runs a package manager that has no credential
//! protocol patui can answer (npm, twine, older dotnet, Cargo without the provider) with the
//! stored tokens of its feeds in the environment variables that tool reads, and nothing else. The
//! feeds come from `--feed` or from the project's files in the current directory (`.npmrc`,
//! `nuget.config`, `.cargo/config.toml`). The child's exit code is returned. Its own children
//! (npm lifecycle scripts, say) inherit the variables: patui says so.

use crate::feeds::{self, Access, Feed, Served};
use base64::Engine;
use chrono::Utc;
use std::path::Path;

/// The tool a command is, by its program name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    Npm,
    NuGet,
    Twine,
    Cargo,
    Other,
}

impl Tool {
    /// From the program's name (`npm`, `/usr/bin/pnpm`, `dotnet.exe`…).
    pub fn of(program: &str) -> Tool {
        let name = Path::new(program)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or(program)
            .to_ascii_lowercase();
        match name.as_str() {
            "npm" | "npx" | "pnpm" | "yarn" | "node" => Tool::Npm,
            "dotnet" | "nuget" | "msbuild" | "mono" => Tool::NuGet,
            "twine" => Tool::Twine,
            "cargo" => Tool::Cargo,
            _ => Tool::Other,
        }
    }
}

/// A feed the project names, with the name the tool gives it (a NuGet source's key, a Cargo
/// registry's name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub name: Option<String>,
    pub url: String,
}

/// The registries in an `.npmrc` text (`registry=` and `@scope:registry=`).
pub fn npmrc_feeds(text: &str) -> Vec<Named> {
    text.lines()
        .filter_map(|l| {
            let l = l.trim();
            let (k, v) = l.split_once('=')?;
            let k = k.trim();
            (k == "registry" || (k.starts_with('@') && k.ends_with(":registry"))).then(|| Named {
                name: None,
                url: v.trim().to_owned(),
            })
        })
        .collect()
}

/// The value of `attr="…"` in an XML element's text.
fn xml_attr(element: &str, attr: &str) -> Option<String> {
    let at = element.find(&format!("{attr}=\""))? + attr.len() + 2;
    let rest = &element[at..];
    Some(rest[..rest.find('"')?].to_owned())
}

/// The package sources of a `nuget.config` text (`<add key="NAME" value="URL" />` elements
/// inside `<packageSources>`).
pub fn nuget_config_feeds(text: &str) -> Vec<Named> {
    let Some(start) = text.find("<packageSources>") else {
        return Vec::new();
    };
    let end = text[start..]
        .find("</packageSources>")
        .map_or(text.len(), |e| start + e);
    text[start..end]
        .split("<add ")
        .skip(1)
        .filter_map(|el| {
            let el = &el[..el.find('>').unwrap_or(el.len())];
            Some(Named {
                name: Some(xml_attr(el, "key")?),
                url: xml_attr(el, "value")?,
            })
        })
        .collect()
}

/// The registries of a `.cargo/config.toml` text (`[registries.NAME] index = "sparse+URL"`).
pub fn cargo_config_feeds(text: &str) -> Vec<Named> {
    let Ok(table) = text.parse::<toml::Table>() else {
        return Vec::new();
    };
    let Some(regs) = table.get("registries").and_then(|r| r.as_table()) else {
        return Vec::new();
    };
    regs.iter()
        .filter_map(|(name, r)| {
            let index = r.get("index")?.as_str()?;
            Some(Named {
                name: Some(name.clone()),
                url: index.strip_prefix("sparse+").unwrap_or(index).to_owned(),
            })
        })
        .collect()
}

/// The feeds the project in `dir` names, for `tool`.
pub fn project_feeds(dir: &Path, tool: Tool) -> Vec<Named> {
    let read = |p: &str| std::fs::read_to_string(dir.join(p)).ok();
    match tool {
        Tool::Npm => read(".npmrc").map(|t| npmrc_feeds(&t)).unwrap_or_default(),
        Tool::NuGet => ["nuget.config", "NuGet.Config", "NuGet.config"]
            .iter()
            .find_map(|f| read(f))
            .map(|t| nuget_config_feeds(&t))
            .unwrap_or_default(),
        Tool::Cargo => read(".cargo/config.toml")
            .or_else(|| read(".cargo/config"))
            .map(|t| cargo_config_feeds(&t))
            .unwrap_or_default(),
        Tool::Twine | Tool::Other => Vec::new(),
    }
}

/// `//host/path/` of a URL, the key npm files credentials under.
fn nerf_dart(url: &reqwest::Url) -> String {
    let mut path = url.path().to_owned();
    if !path.ends_with('/') {
        path.push('/');
    }
    let host = match url.port() {
        Some(p) => format!("{}:{p}", url.host_str().unwrap_or_default()),
        None => url.host_str().unwrap_or_default().to_owned(),
    };
    format!("//{host}{path}")
}

/// The variables `tool` reads for the feed `named`, served by `token`.
pub fn variables(tool: Tool, named: &Named, token: &Served) -> Vec<(String, String)> {
    let pat = token.value.expose();
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    match tool {
        Tool::Npm => {
            let Ok(url) = reqwest::Url::parse(&named.url) else {
                return Vec::new();
            };
            let registry = nerf_dart(&url);
            // Azure Artifacts wants the credentials on `…/npm/registry/` and on `…/npm/`.
            let mut keys = vec![registry.clone()];
            if let Some(base) = registry.strip_suffix("registry/") {
                keys.push(base.to_owned());
            }
            keys.iter()
                .flat_map(|k| {
                    [
                        (format!("npm_config_{k}:username"), "patui".to_owned()),
                        (format!("npm_config_{k}:_password"), b64(pat)),
                    ]
                })
                .collect()
        }
        Tool::NuGet => named
            .name
            .iter()
            .map(|n| {
                (
                    format!("NuGetPackageSourceCredentials_{n}"),
                    format!("Username=patui;Password={pat};ValidAuthenticationTypes=basic"),
                )
            })
            .collect(),
        Tool::Twine => vec![
            ("TWINE_USERNAME".to_owned(), "patui".to_owned()),
            ("TWINE_PASSWORD".to_owned(), pat.to_owned()),
            ("TWINE_REPOSITORY_URL".to_owned(), named.url.clone()),
        ],
        Tool::Cargo => named
            .name
            .iter()
            .flat_map(|n| {
                let var = n.to_ascii_uppercase().replace(['-', '.'], "_");
                // The index is pinned too: a config file cannot send this token elsewhere.
                let index = named.url.strip_prefix("sparse+").unwrap_or(&named.url);
                [
                    (
                        format!("CARGO_REGISTRIES_{var}_INDEX"),
                        format!("sparse+{index}"),
                    ),
                    (
                        format!("CARGO_REGISTRIES_{var}_TOKEN"),
                        format!("Basic {}", b64(&format!("patui:{pat}"))),
                    ),
                ]
            })
            .collect(),
        Tool::Other => Vec::new(),
    }
}

/// Runs `patui exec`. Returns the child's exit code (128 + the signal when one ended it), 2 for
/// a usage problem, 1 when a feed has no token.
pub fn run(
    args: &crate::cli::ExecArgs,
    vault: &Result<crate::vault::Vault, String>,
    service_url: Option<&str>,
) -> u8 {
    let Some(program) = args.command.first() else {
        crate::eprintln_safe!("patui exec: no command given (patui exec -- npm install)");
        return super::EXIT_USAGE;
    };
    let tool = Tool::of(program);
    let named: Vec<Named> = if args.feeds.is_empty() {
        let cwd = std::env::current_dir().unwrap_or_default();
        project_feeds(&cwd, tool)
    } else {
        // A NuGet source's credentials go to whatever URL the project's config gives that name:
        // only a source that names this very URL gets them. A Cargo registry is named after the
        // feed, and its index is pinned to the URL (see `variables`).
        let cwd = std::env::current_dir().unwrap_or_default();
        let configured = project_feeds(&cwd, tool);
        let same = |a: &str, b: &str| {
            a.trim_end_matches('/')
                .eq_ignore_ascii_case(b.trim_end_matches('/'))
        };
        args.feeds
            .iter()
            .map(|u| Named {
                name: match tool {
                    Tool::NuGet => configured
                        .iter()
                        .find(|c| same(&c.url, u))
                        .and_then(|c| c.name.clone()),
                    _ => feeds::parse(u, service_url).map(|f| f.feed),
                },
                url: u.clone(),
            })
            .collect()
    };
    let access = if args.publish {
        Access::Publish
    } else {
        Access::Read
    };
    let mut env: Vec<(String, String)> = Vec::new();
    let mut failed = false;
    let now = Utc::now();
    for n in &named {
        let Some(feed): Option<Feed> = feeds::parse(&n.url, service_url) else {
            continue; // not an Azure Artifacts feed: nothing to add
        };
        let vault = match vault {
            Ok(v) => v,
            Err(e) => {
                crate::eprintln_safe!("patui exec: no keyring: {e}");
                return super::EXIT_ERROR;
            }
        };
        match feeds::resolve(vault, &feed, access, now, &[]) {
            Ok(token) => {
                let vars = variables(tool, n, &token);
                if vars.is_empty() {
                    crate::eprintln_safe!(
                        "patui exec: {} reads no credentials patui can set for {}{}",
                        program,
                        feed.describe(),
                        if tool == Tool::Other {
                            " (patui knows npm, pnpm, yarn, dotnet, nuget, twine and cargo)"
                        } else {
                            ""
                        }
                    );
                    continue;
                }
                crate::eprintln_safe!(
                    "patui exec: {} gets the token \"{}\" (expires {}) for {} in {}",
                    program,
                    token.name,
                    token.valid_to.date_naive(),
                    feed.describe(),
                    vars.iter()
                        .map(|(k, _)| k.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                env.extend(vars);
            }
            Err(e) => {
                crate::eprintln_safe!("patui exec: {}: {e}", feed.describe());
                failed = true;
            }
        }
    }
    if failed {
        return super::EXIT_ERROR;
    }
    if named.is_empty() {
        crate::eprintln_safe!(
            "patui exec: no feed given and none found in the project here: running {program} without credentials (name one with --feed URL)"
        );
    } else if !env.is_empty() {
        crate::eprintln_safe!(
            "patui exec: the processes {program} starts (lifecycle scripts, say) inherit these variables"
        );
    }
    // PATH lookup with the platform's rules (`npm.cmd` on Windows).
    let resolved = which::which(program).unwrap_or_else(|_| program.into());
    let status = std::process::Command::new(resolved)
        .args(&args.command[1..])
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .status();
    for (_, v) in &mut env {
        zeroize::Zeroize::zeroize(v);
    }
    match status {
        Ok(s) => exit_code(s),
        Err(e) => {
            crate::eprintln_safe!("patui exec: cannot run {program}: {e}");
            super::EXIT_ERROR
        }
    }
}

/// The child's exit code; 128 + the signal that ended it.
fn exit_code(s: std::process::ExitStatus) -> u8 {
    if let Some(c) = s.code() {
        return u8::try_from(c).unwrap_or(1);
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = s.signal() {
            return u8::try_from(128 + sig).unwrap_or(1);
        }
    }
    1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;

    fn served() -> Served {
        Served {
            id: uuid::Uuid::nil(),
            name: "n".into(),
            value: Secret::new("PATVALUE".into()),
            valid_to: Utc::now(),
        }
    }

    #[test]
    fn tools_by_program_name() {
        assert_eq!(Tool::of("/usr/bin/npm"), Tool::Npm);
        assert_eq!(Tool::of("dotnet.exe"), Tool::NuGet);
        assert_eq!(Tool::of("cargo"), Tool::Cargo);
        assert_eq!(Tool::of("twine"), Tool::Twine);
        assert_eq!(Tool::of("make"), Tool::Other);
    }

    #[test]
    fn project_files_name_their_feeds() {
        let npmrc = "registry=https://pkgs.dev.azure.com/o/_packaging/f/npm/registry/\nalways-auth=true\n@s:registry=https://x/\n";
        assert_eq!(npmrc_feeds(npmrc).len(), 2);
        let nuget = r#"<configuration><packageSources><clear /><add key="main" value="https://pkgs.dev.azure.com/o/_packaging/main/nuget/v3/index.json" /></packageSources><packageSourceCredentials/></configuration>"#;
        assert_eq!(
            nuget_config_feeds(nuget),
            [Named {
                name: Some("main".into()),
                url: "https://pkgs.dev.azure.com/o/_packaging/main/nuget/v3/index.json".into()
            }]
        );
        let cargo = "[registries.my-feed]\nindex = \"sparse+https://pkgs.dev.azure.com/o/_packaging/f/Cargo/index/\"\n";
        assert_eq!(
            cargo_config_feeds(cargo)[0].url,
            "https://pkgs.dev.azure.com/o/_packaging/f/Cargo/index/"
        );
    }

    #[test]
    fn each_tool_gets_only_its_variables() {
        let npm = Named {
            name: None,
            url: "http://127.0.0.1:8080/o/_packaging/f/npm/registry/".into(),
        };
        let v = variables(Tool::Npm, &npm, &served());
        let keys: Vec<&str> = v.iter().map(|(k, _)| k.as_str()).collect();
        assert!(
            keys.contains(&"npm_config_//127.0.0.1:8080/o/_packaging/f/npm/registry/:_password")
        );
        assert!(keys.contains(&"npm_config_//127.0.0.1:8080/o/_packaging/f/npm/:username"));
        assert!(
            v.iter().all(|(_, val)| !val.contains("PATVALUE")),
            "npm's is base64"
        );
        let cargo = Named {
            name: Some("my-feed".into()),
            url: "x".into(),
        };
        let v = variables(Tool::Cargo, &cargo, &served());
        assert_eq!(
            v[0],
            ("CARGO_REGISTRIES_MY_FEED_INDEX".into(), "sparse+x".into())
        );
        assert_eq!(v[1].0, "CARGO_REGISTRIES_MY_FEED_TOKEN");
        assert!(v[1].1.starts_with("Basic "));
        assert!(variables(Tool::Other, &cargo, &served()).is_empty());
        let v = variables(Tool::NuGet, &cargo, &served());
        assert_eq!(v[0].0, "NuGetPackageSourceCredentials_my-feed");
    }
}
