#!/bin/sh
# Installs patui from a GitHub release on Linux (glibc) and macOS, x86_64 and arm64:
# downloads the archive for this machine and its .sha256, checks the checksum, and copies the
# binary into the install directory. Download it, read it, then run it:
#
#   curl -fsSLO https://github.com/patui/patui/releases/latest/download/install.sh
#   sh install.sh
#
# Settings (environment):
#   PATUI_VERSION        the release to install, e.g. 0.1.0 or v0.1.0 (default: the latest)
#   PATUI_INSTALL_DIR    where the binary goes (default: $HOME/.local/bin)
#   PATUI_DOWNLOAD_BASE  where the releases are (default: https://github.com/patui/patui/releases);
#                        files are read from BASE/download/vVERSION/ or BASE/latest/download/,
#                        e.g. a mirror, or a file:// directory for tests (with curl)
#   PATUI_TARGET         the build to install (default: this machine's, e.g.
#                        x86_64-unknown-linux-gnu)
#
# It runs nothing it downloads except the installed patui (for `patui --version`), and pipes
# nothing into a shell.
set -eu

repo=patui/patui
default_base=https://github.com/$repo/releases
base=${PATUI_DOWNLOAD_BASE:-$default_base}
base=${base%/}
version=${PATUI_VERSION:-latest}
install_dir=${PATUI_INSTALL_DIR:-${HOME:?HOME is not set}/.local/bin}

say() { printf 'patui install: %s\n' "$*"; }
die() {
  printf 'patui install: error: %s\n' "$*" >&2
  exit 1
}

# The Rust target triple of this machine's build.
detect_target() {
  os=$(uname -s)
  arch=$(uname -m)
  case $arch in
    x86_64 | amd64) arch=x86_64 ;;
    aarch64 | arm64) arch=aarch64 ;;
    *) die "no release build for the $arch architecture; build from source: cargo install --locked --git https://github.com/$repo" ;;
  esac
  case $os in
    Linux)
      # The Linux builds are linked against glibc (patui loads the system's Kerberos library at
      # run time, which a static musl build cannot do).
      if ldd --version 2>&1 | grep -qi musl; then
        die "this system uses musl libc (e.g. Alpine); the release builds need glibc. Build from source: cargo install --locked --git https://github.com/$repo"
      fi
      printf '%s\n' "$arch-unknown-linux-gnu"
      ;;
    Darwin)
      # An x86_64 shell under Rosetta on Apple silicon still gets the native build.
      if [ "$arch" = x86_64 ] && [ "$(sysctl -n sysctl.proc_translated 2>/dev/null || true)" = 1 ]; then
        arch=aarch64
      fi
      printf '%s\n' "$arch-apple-darwin"
      ;;
    MINGW* | MSYS* | CYGWIN* | Windows_NT)
      die "on Windows use install.ps1 (PowerShell), from the same release"
      ;;
    *) die "no release build for $os; build from source: cargo install --locked --git https://github.com/$repo" ;;
  esac
}

# download URL FILE: fetch URL into FILE with curl or wget; fails on an HTTP error.
download() {
  if command -v curl >/dev/null 2>&1; then
    if [ "$base" = "$default_base" ]; then
      curl --proto '=https' --tlsv1.2 -fsSL --retry 3 -o "$2" "$1"
    else
      curl -fsSL --retry 3 -o "$2" "$1"
    fi
  elif command -v wget >/dev/null 2>&1; then
    case $1 in
      file://*) die "wget cannot read $1; install curl" ;;
    esac
    if [ "$base" = "$default_base" ]; then
      wget --https-only -q -O "$2" "$1"
    else
      wget -q -O "$2" "$1"
    fi
  else
    die "neither curl nor wget is installed"
  fi
}

# sha256 FILE: the lower-case hex SHA-256 of FILE.
sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sum=$(sha256sum "$1")
  elif command -v shasum >/dev/null 2>&1; then
    sum=$(shasum -a 256 "$1")
  else
    die "neither sha256sum nor shasum is installed: cannot check the download"
  fi
  printf '%s\n' "${sum%% *}" | tr 'A-F' 'a-f'
}

target=${PATUI_TARGET:-$(detect_target)}
archive=patui-$target.tar.gz
checksums=patui-$target.sha256
case $version in
  latest) url=$base/latest/download ;;
  v*) url=$base/download/$version ;;
  *) url=$base/download/v$version ;;
esac

for tool in tar mktemp; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed"
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/patui-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say "downloading $url/$archive"
download "$url/$archive" "$tmp/$archive" || die "could not download $url/$archive"
download "$url/$checksums" "$tmp/$checksums" || die "could not download $url/$checksums"

expected=
read -r expected _ <"$tmp/$checksums" || true
expected=$(printf '%s\n' "$expected" | tr 'A-F' 'a-f')
printf '%s\n' "$expected" | grep -Eq '^[0-9a-f]{64}$' || die "$checksums holds no SHA-256"
actual=$(sha256 "$tmp/$archive")
if [ "$actual" != "$expected" ]; then
  die "checksum mismatch for $archive: expected $expected, got $actual; nothing was installed"
fi
say "checksum OK (sha256 $actual)"

mkdir "$tmp/unpacked"
tar -xzf "$tmp/$archive" -C "$tmp/unpacked"
[ -f "$tmp/unpacked/patui" ] || die "$archive holds no patui binary"

mkdir -p "$install_dir"
# Copy beside the destination, then rename: a running patui is never overwritten in place.
cp "$tmp/unpacked/patui" "$install_dir/.patui.new.$$"
chmod 755 "$install_dir/.patui.new.$$"
mv -f "$install_dir/.patui.new.$$" "$install_dir/patui"

if installed=$("$install_dir/patui" --version 2>/dev/null); then
  say "installed $installed to $install_dir/patui"
else
  say "installed $install_dir/patui, but it does not run here (the Linux builds need glibc 2.34 or newer)" >&2
fi

case ":${PATH:-}:" in
  *":$install_dir:"*) ;;
  *) say "$install_dir is not on your PATH; add it, e.g. in ~/.profile: export PATH=\"$install_dir:\$PATH\"" ;;
esac

say "the man page and shell completions are in the archive (patui.1, completions/); \`patui completions SHELL\` prints the completions too"
say "to check where this build came from (GitHub CLI):"
say "  curl -fsSLO $url/$archive"
say "  gh attestation verify $archive --repo $repo"
