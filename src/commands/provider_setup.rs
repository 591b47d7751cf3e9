//! `patui setup nuget|cargo|pip|pnpm`: makes patui the credential provider of a package manager,
//! so no token has to sit in its files. Links and shims go to `~/.local/bin` (or `--bin-dir`);
//! a file of the user's is changed only after asking (or with `--yes`), with a backup.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

/// Where links and shims go.
fn bin_dir(args: &crate::cli::SetupArgs) -> Option<PathBuf> {
    args.bin_dir
        .clone()
        .or_else(|| home().map(|h| h.join(".local").join("bin")))
}

fn home() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .or_else(|| directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf()))
}

/// This binary's path, for links and shims.
fn patui_path() -> Result<PathBuf, String> {
    std::env::current_exe().map_err(|e| format!("cannot tell where patui is: {e}"))
}

/// Links `link` to `target` (a copy on Windows), replacing an older link.
fn link(target: &Path, link: &Path) -> Result<(), String> {
    if let Some(dir) = link.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    if link.symlink_metadata().is_ok() {
        std::fs::remove_file(link)
            .map_err(|e| format!("cannot replace {}: {e}", link.display()))?;
    }
    #[cfg(unix)]
    let r = std::os::unix::fs::symlink(target, link);
    #[cfg(not(unix))]
    let r = std::fs::copy(target, link).map(|_| ());
    r.map_err(|e| format!("cannot create {}: {e}", link.display()))
}

/// Writes an executable shell script.
fn write_script(path: &Path, body: &str) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    std::fs::write(path, body).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
            .map_err(|e| format!("cannot make {} executable: {e}", path.display()))?;
    }
    Ok(())
}

/// A shell word in single quotes.
fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// Asks before changing `file`; `--yes` says yes, and without a terminal the answer is no.
fn confirm(args: &crate::cli::SetupArgs, what: &str) -> bool {
    if args.yes {
        return true;
    }
    if !std::io::stdin().is_terminal() {
        crate::eprintln_safe!(
            "patui setup: {what}: not changed (run again with --yes, or on a terminal)"
        );
        return false;
    }
    eprint!("{what}? [y/N] ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    let _ = std::io::stdin().lock().read_line(&mut line);
    matches!(line.trim(), "y" | "Y" | "yes")
}

/// Appends `text` to `file` (created if missing, readable by its owner only). Only appended:
/// nothing already there changes, so no backup (which would be one more copy of any secret the
/// file holds).
fn append(file: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options
        .open(file)
        .map_err(|e| format!("cannot open {}: {e}", file.display()))?;
    f.write_all(text.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", file.display()))
}

/// Runs `patui setup TOOL`.
pub fn run(args: &crate::cli::SetupArgs, service_url: Option<&str>) -> u8 {
    let r = match args.tool.as_str() {
        "nuget" => nuget(args),
        "cargo" => cargo(args),
        "pip" => pip(args),
        "pnpm" => pnpm(args, service_url),
        other => Err(format!("unknown tool {other:?}: nuget, cargo, pip or pnpm")),
    };
    match r {
        Ok(()) => super::EXIT_OK,
        Err(e) => {
            crate::eprintln_safe!("patui setup: {e}");
            super::EXIT_ERROR
        }
    }
}

fn nuget(args: &crate::cli::SetupArgs) -> Result<(), String> {
    let patui = patui_path()?;
    let dir = bin_dir(args).ok_or("no home directory")?;
    let name = if cfg!(windows) {
        "nuget-plugin-patui.exe"
    } else {
        "nuget-plugin-patui"
    };
    let on_path = dir.join(name);
    link(&patui, &on_path)?;
    let home = home().ok_or("no home directory")?;
    let netfx = home
        .join(".nuget")
        .join("plugins")
        .join("netfx")
        .join("nuget-plugin-patui")
        .join("nuget-plugin-patui.exe");
    link(&patui, &netfx)?;
    crate::eprintln_safe!(
        "NuGet plugin installed:\n  {} (found on PATH by NuGet 6.13 and later: .NET SDK 9.0.200+, Visual Studio 17.13+)\n  {} (nuget.exe and MSBuild on .NET Framework / Mono)\nOlder dotnet SDKs run only .NET plugins: use `patui exec -- dotnet restore` there.\nNote: setting NUGET_PLUGIN_PATHS replaces NuGet's own discovery; list this plugin in it too.",
        on_path.display(),
        netfx.display()
    );
    Ok(())
}

fn cargo(args: &crate::cli::SetupArgs) -> Result<(), String> {
    let name = args
        .target
        .as_deref()
        .ok_or("name the registry: patui setup cargo REGISTRY (its [registries.REGISTRY] in a cargo config)")?;
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(format!("{name:?} is not a registry name"));
    }
    let patui = patui_path()?;
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| home().map(|h| h.join(".cargo")))
        .ok_or("no home directory")?;
    let file = cargo_home.join("config.toml");
    let existing = std::fs::read_to_string(&file).unwrap_or_default();
    let parsed = existing.parse::<toml::Table>().map_err(|e| {
        format!(
            "{} is not valid TOML ({e}): edit it by hand",
            file.display()
        )
    })?;
    if parsed.get("registries").and_then(|r| r.get(name)).is_some() {
        return Err(format!(
            "{} already has settings for the registry {name}: add `credential-provider = [\"{}\", \"cargo-credential\"]` to them by hand",
            file.display(),
            patui.display()
        ));
    }
    let entry = format!(
        "\n[registries.{name}]\ncredential-provider = [{}, \"cargo-credential\"]\n",
        toml::Value::String(patui.display().to_string())
    );
    if !confirm(
        args,
        &format!(
            "Add patui as the credential provider of {name} in {}",
            file.display()
        ),
    ) {
        return Ok(());
    }
    append(&file, &entry)?;
    crate::eprintln_safe!(
        "Cargo asks patui for {name}'s token from now on (the registry's index must be set, e.g. in the project's .cargo/config.toml)."
    );
    Ok(())
}

fn pip(args: &crate::cli::SetupArgs) -> Result<(), String> {
    let patui = patui_path()?;
    let dir = bin_dir(args).ok_or("no home directory")?;
    if cfg!(windows) {
        write_script(
            &dir.join("keyring.cmd"),
            &format!("@\"{}\" keyring %*\r\n", patui.display()),
        )?;
    } else {
        let shim = dir.join("keyring");
        if let Ok(current) = std::fs::read_to_string(&shim)
            && !current.contains("patui answers for Azure Artifacts feeds")
            && !args.yes
        {
            return Err(format!(
                "{} exists and is not patui's (the keyring package's own command?): leave it, or choose another directory with --bin-dir, or replace it with --yes",
                shim.display()
            ));
        }
        write_script(
            &shim,
            &format!(
                "#!/bin/sh\n# pip's keyring: patui answers for Azure Artifacts feeds.\nexec {} keyring \"$@\"\n",
                quote(&patui.display().to_string())
            ),
        )?;
    }
    crate::eprintln_safe!(
        "A `keyring` command that asks patui is in {}. Tell pip to use it: `pip config set global.keyring-provider subprocess` (or PIP_KEYRING_PROVIDER=subprocess; uv: --keyring-provider subprocess). pip 26.1 and older ask only when the index URL has a user name: https://patui@pkgs.dev.azure.com/…/pypi/simple/.",
        dir.display()
    );
    Ok(())
}

fn pnpm(args: &crate::cli::SetupArgs, service_url: Option<&str>) -> Result<(), String> {
    let url = args
        .target
        .as_deref()
        .ok_or("name the feed: patui setup pnpm https://pkgs.dev.azure.com/ORG/_packaging/FEED/npm/registry/")?;
    if url
        .chars()
        .any(|c| c.is_control() || c == '\'' || c == '"' || c == '\\')
    {
        return Err("the feed URL holds characters a URL does not have".to_owned());
    }
    let feed = crate::feeds::parse(url, service_url)
        .ok_or_else(|| format!("{url} is not an Azure Artifacts feed URL"))?;
    let parsed = reqwest::Url::parse(url).map_err(|e| e.to_string())?;
    let url = parsed.as_str();
    let patui = patui_path()?;
    let dir = bin_dir(args).ok_or("no home directory")?;
    let safe = |s: &str| -> String {
        s.chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect()
    };
    let helper = dir.join(format!(
        "patui-npm-token-{}-{}",
        safe(if feed.org.is_empty() {
            "server"
        } else {
            &feed.org
        }),
        safe(&feed.feed)
    ));
    write_script(
        &helper,
        &format!(
            "#!/bin/sh\n# pnpm tokenHelper: the Authorization value for {url}, from patui.\nexec {} keyring --mode=creds --output=authorization get {}\n",
            quote(&patui.display().to_string()),
            quote(url)
        ),
    )?;
    let mut path = parsed.path().to_owned();
    if !path.ends_with('/') {
        path.push('/');
    }
    let host = match parsed.port() {
        Some(p) => format!("{}:{p}", parsed.host_str().unwrap_or_default()),
        None => parsed.host_str().unwrap_or_default().to_owned(),
    };
    let npmrc = home().ok_or("no home directory")?.join(".npmrc");
    let line = format!("//{host}{path}:tokenHelper={}\n", helper.display());
    if !confirm(
        args,
        &format!("Add a tokenHelper for {url} to {}", npmrc.display()),
    ) {
        crate::eprintln_safe!(
            "The helper is {}; add this line to ~/.npmrc yourself:\n{line}",
            helper.display()
        );
        return Ok(());
    }
    append(&npmrc, &line)?;
    crate::eprintln_safe!(
        "pnpm asks {} for {url}'s token from now on.",
        helper.display()
    );
    Ok(())
}
