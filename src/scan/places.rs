//! Where `patui scan` looks: the usual places package managers, git and shells keep
//! credentials (relative to the home directory, `XDG_CONFIG_HOME`, `%APPDATA%`, and `.env` in
//! the current directory), and the walk of a directory given on the command line (bounded
//! depth, no symlinked directories, no `.git`/`node_modules`/`target`, no large or special
//! files, never into `/proc`-like trees).

use std::io;
use std::path::{Path, PathBuf};

/// A walk skips files larger than this (logs, archives); a usual place or a file named on the
/// command line is scanned whatever its size, a piece at a time (`scan::scan_file`).
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;
/// How deep a walk goes below the directory given.
const MAX_DEPTH: usize = 6;
/// Directories a walk skips (`.git` apart from its `config`).
const SKIP_DIRS: [&str; 3] = [".git", "node_modules", "target"];
/// Kernel and device trees: never walked.
const VIRTUAL_DIRS: [&str; 4] = ["/proc", "/sys", "/dev", "/run"];

/// Relative to the home directory (`/`-separated).
const HOME_FILES: [&str; 31] = [
    ".npmrc",
    ".yarnrc.yml",
    ".yarnrc",
    ".nuget/NuGet/NuGet.Config",
    ".config/NuGet/NuGet.Config",
    ".config/pip/pip.conf",
    ".pip/pip.conf",
    ".pypirc",
    ".netrc",
    "_netrc",
    ".git-credentials",
    ".config/git/credentials",
    ".gitconfig",
    ".config/git/config",
    ".cargo/credentials.toml",
    ".cargo/credentials",
    ".m2/settings.xml",
    ".gradle/gradle.properties",
    ".docker/config.json",
    ".bashrc",
    ".zshrc",
    ".profile",
    ".bash_profile",
    ".zprofile",
    ".bash_history",
    ".zsh_history",
    ".local/share/fish/fish_history",
    // PowerShell on Linux and macOS (PSReadLine keeps every command line typed)
    ".local/share/powershell/PSReadLine/ConsoleHost_history.txt",
    ".envrc",
    ".config/uv/uv.toml",
    ".config/pypoetry/auth.toml",
];
/// Relative to `XDG_CONFIG_HOME`.
const XDG_FILES: [&str; 4] = [
    "NuGet/NuGet.Config",
    "pip/pip.conf",
    "git/credentials",
    "git/config",
];
/// Relative to `%APPDATA%` (Windows).
const APPDATA_FILES: [&str; 3] = [
    "NuGet/NuGet.Config",
    "pip/pip.ini",
    "Microsoft/Windows/PowerShell/PSReadLine/ConsoleHost_history.txt",
];

/// The directories the usual places hang off.
#[derive(Debug, Clone, Copy)]
pub struct Dirs<'a> {
    pub home: &'a Path,
    pub xdg_config: Option<&'a Path>,
    pub appdata: Option<&'a Path>,
    pub cwd: Option<&'a Path>,
}

/// The usual places under `home`, plus those under `XDG_CONFIG_HOME`, `%APPDATA%` (Windows) and
/// `.env` in the current directory. Whether they exist is not checked.
pub fn usual_places(home: &Path) -> Vec<PathBuf> {
    let xdg = env_dir("XDG_CONFIG_HOME");
    let appdata = if cfg!(windows) {
        env_dir("APPDATA")
    } else {
        None
    };
    let cwd = std::env::current_dir().ok();
    places_in(Dirs {
        home,
        xdg_config: xdg.as_deref(),
        appdata: appdata.as_deref(),
        cwd: cwd.as_deref(),
    })
}

/// The usual places under `dirs`, each once, in a stable order.
pub fn places_in(dirs: Dirs<'_>) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = HOME_FILES.iter().map(|r| join(dirs.home, r)).collect();
    if let Some(x) = dirs.xdg_config {
        out.extend(XDG_FILES.iter().map(|r| join(x, r)));
    }
    if let Some(a) = dirs.appdata {
        out.extend(APPDATA_FILES.iter().map(|r| join(a, r)));
    }
    if let Some(c) = dirs.cwd {
        out.push(c.join(".env"));
        for f in [
            ".envrc",
            ".npmrc",
            "nuget.config",
            "NuGet.Config",
            "pip.conf",
            ".git/config",
        ] {
            out.push(c.join(f));
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|p| seen.insert(p.clone()));
    out
}

/// An absolute directory from the environment (a relative one is ignored, as XDG says).
fn env_dir(name: &str) -> Option<PathBuf> {
    let v = std::env::var_os(name).filter(|v| !v.is_empty())?;
    let p = PathBuf::from(v);
    p.is_absolute().then_some(p)
}

fn join(base: &Path, rel: &str) -> PathBuf {
    rel.split('/')
        .fold(base.to_path_buf(), |p, part| p.join(part))
}

/// What a walk found: files to scan, and what could not be read.
#[derive(Debug, Default)]
pub struct Walk {
    pub files: Vec<PathBuf>,
    pub errors: Vec<(PathBuf, io::Error)>,
}

/// The regular files under directory `root` worth scanning, in name order: up to
/// [`MAX_DEPTH`] levels down; symlinked directories are not followed (symlinked files are);
/// `.git` (but for its `config`, where remote URLs may carry a PAT), `node_modules` and
/// `target` are skipped, as are files over [`MAX_FILE_BYTES`], special files and kernel trees.
pub fn walk(root: &Path) -> Walk {
    let mut w = Walk::default();
    visit(root, 0, &mut w);
    w
}

fn visit(dir: &Path, depth: usize, w: &mut Walk) {
    if is_virtual(dir) {
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            w.errors.push((dir.to_path_buf(), e));
            return;
        }
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            visit_dir(&path, depth, w);
        } else if kind.is_file() || kind.is_symlink() {
            // A symlink counts when it leads to a regular file (metadata follows it).
            add_file(path, w);
        }
    }
}

/// A subdirectory met in a walk.
fn visit_dir(path: &Path, depth: usize, w: &mut Walk) {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name == ".git" {
        add_file(path.join("config"), w);
    } else if !SKIP_DIRS.contains(&name) && depth < MAX_DEPTH {
        visit(path, depth + 1, w);
    }
}

/// Adds `path` when it is (or leads to) a regular file of scannable size.
fn add_file(path: PathBuf, w: &mut Walk) {
    if let Ok(meta) = std::fs::metadata(&path)
        && meta.is_file()
        && meta.len() <= MAX_FILE_BYTES
    {
        w.files.push(path);
    }
}

/// `/proc`, `/sys`, `/dev`, `/run` (however reached).
fn is_virtual(dir: &Path) -> bool {
    cfg!(unix)
        && std::fs::canonicalize(dir).is_ok_and(|c| VIRTUAL_DIRS.iter().any(|v| c == Path::new(v)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usual_places_cover_home_xdg_appdata_and_cwd() {
        let home = Path::new("/h");
        let places = places_in(Dirs {
            home,
            xdg_config: Some(Path::new("/h/.config")),
            appdata: Some(Path::new("/a")),
            cwd: Some(Path::new("/w")),
        });
        for want in [
            "/h/.npmrc",
            "/h/.nuget/NuGet/NuGet.Config",
            "/h/.git-credentials",
            "/h/.cargo/credentials.toml",
            "/h/.docker/config.json",
            "/h/.bashrc",
            "/a/NuGet/NuGet.Config",
            "/w/.env",
            "/h/.bash_history",
            "/w/.npmrc",
            "/w/.git/config",
        ] {
            assert!(places.contains(&PathBuf::from(want)), "{want}");
        }
        // XDG_CONFIG_HOME = ~/.config adds nothing twice.
        let mut sorted = places.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), places.len());
    }

    #[test]
    fn walk_skips_what_it_should() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let mk = |rel: &str, bytes: usize| {
            let p = join(root, rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, vec![b'x'; bytes]).unwrap();
        };
        mk("a/.npmrc", 3);
        mk("a/b/c/d/e/f/deep.env", 3);
        mk("a/b/c/d/e/f/g/too-deep.env", 3);
        mk("node_modules/x/.npmrc", 3);
        mk("target/x.toml", 3);
        mk(".git/config", 3);
        mk(".git/objects/x", 3);
        mk("big.txt", MAX_FILE_BYTES as usize + 1);
        #[cfg(unix)]
        std::os::unix::fs::symlink(root, root.join("loop")).unwrap();
        let w = walk(root);
        let rel: Vec<String> = w
            .files
            .iter()
            .map(|p| {
                p.strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        assert_eq!(rel, [".git/config", "a/.npmrc", "a/b/c/d/e/f/deep.env"]);
        assert!(w.errors.is_empty());
    }
}
