#!/usr/bin/env bash
# The whole test suite, on a fresh Debian/Ubuntu machine or a developer's box:
#   installs what the tests need (tmux and procps for the end-to-end tests, faketime for the
#   tests past the retirement of global PATs, socat and openssl for a server with a private CA;
#   a Kerberos KDC, Apache with mod_auth_gssapi and gss-ntlmssp for Windows sign-in;
#   gnome-keyring, dbus
#   and keyutils for the real-keyring tests) when missing and we are root, then runs every test inside a
#   throwaway, unlocked gnome-keyring session (scripts/with-keyring.sh).
# In CI (CI=true) a missing tmux, faketime or keyring fails the tests instead of skipping them.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v tmux >/dev/null || need+=(tmux)
command -v faketime >/dev/null || need+=(faketime)
command -v gnome-keyring-daemon >/dev/null || need+=(gnome-keyring)
command -v dbus-run-session >/dev/null || need+=(dbus-bin dbus-daemon)
command -v keyctl >/dev/null || need+=(keyutils)
command -v pgrep >/dev/null || need+=(procps)
command -v socat >/dev/null || need+=(socat)
command -v openssl >/dev/null || need+=(openssl)
# Windows sign-in: a Kerberos KDC and Apache with mod_auth_gssapi (Negotiate, and NTLM through
# gss-ntlmssp) on loopback (scripts/negotiate-proxy.sh).
[ -x /usr/sbin/krb5kdc ] || need+=(krb5-kdc)
[ -x /usr/sbin/kadmin.local ] || need+=(krb5-admin-server)
command -v kinit >/dev/null || need+=(krb5-user)
[ -x /usr/sbin/apache2 ] || need+=(apache2)
[ -e /usr/lib/apache2/modules/mod_auth_gssapi.so ] || need+=(libapache2-mod-auth-gssapi)
dpkg -s gss-ntlmssp >/dev/null 2>&1 || need+=(gss-ntlmssp)
command -v curl >/dev/null || need+=(curl)
# Package managers that fetch from the simulator's feeds with credentials from patui: npm, pip
# (as installed, and the newest in a venv), cargo, and nuget.exe 5.8 on Mono.
command -v npm >/dev/null || need+=(npm)
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || need+=(python3-venv)
MONO_PACKAGES=(mono-runtime ca-certificates-mono libmono-system-net-http4.0-cil
  libmono-system-xml-linq4.0-cil libmono-system-runtime-serialization4.0-cil
  libmono-system-componentmodel-composition4.0-cil libmono-microsoft-build-utilities-v4.0-4.0-cil
  libmono-system-componentmodel-dataannotations4.0-cil libmono-windowsbase4.0-cil
  libmono-system-data4.0-cil libmono-system-io-compression4.0-cil
  libmono-system-data-services-client4.0-cil libmono-system-servicemodel4.0a-cil
  libmono-microsoft-csharp4.0-cil)
for p in "${MONO_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if ((${#need[@]})); then
  if [ "$(id -u)" = 0 ]; then
    echo "installing: ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # Packages install their services stopped (Apache, the KDC): the tests start their own.
    policy=/usr/sbin/policy-rc.d
    had_policy=false
    [ -e "$policy" ] && had_policy=true
    $had_policy || { printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod +x "$policy"; }
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    $had_policy || rm -f "$policy"
  else
    echo "missing (tests that need them will skip): ${need[*]}; install them with sudo apt-get install ${need[*]}" >&2
  fi
fi

# The package managers' own parts, from npm and PyPI, under target/pm-tools: nuget.exe 5.8 and a
# venv with the newest pip (tests/package_managers.rs finds them there).
pm=target/pm-tools
mkdir -p "$pm"
if command -v npm >/dev/null && [ ! -f "$pm/node_modules/nuget-exe/nuget-5.8.0.exe" ]; then
  npm install --prefix "$pm" --no-audit --no-fund --silent nuget-exe@5.8.0 || echo "could not install nuget-exe (npm)" >&2
fi
if [ ! -x "$pm/venv/bin/pip" ]; then
  { python3 -m venv "$pm/venv" && "$pm/venv/bin/pip" install --quiet --disable-pip-version-check -U pip; } ||
    echo "could not make the venv with the newest pip" >&2
fi

if [ "${CI:-}" = "true" ]; then
  export PATUI_REQUIRE_PACKAGE_MANAGERS=1
  export PATUI_REQUIRE_KEYRING=1 PATUI_REQUIRE_TMUX=1 PATUI_REQUIRE_TLS_TOOLS=1 PATUI_REQUIRE_NEGOTIATE=1
  # The tests' waits may take three times as long on a loaded CI machine before giving up.
  export PATUI_TEST_TIME_SCALE="${PATUI_TEST_TIME_SCALE:-3}"
fi

# The fuzz targets, for a bounded time, where a nightly toolchain exists (in CI cargo-fuzz is
# installed for it); elsewhere scripts/fuzz.sh says it skipped. Skipped when tests are selected.
if [ $# -eq 0 ]; then
  if [ "${CI:-}" = "true" ]; then
    PATUI_FUZZ_INSTALL=1 PATUI_FUZZ_SECONDS=${PATUI_FUZZ_SECONDS:-10} scripts/fuzz.sh
  else
    PATUI_FUZZ_SECONDS=${PATUI_FUZZ_SECONDS:-10} scripts/fuzz.sh
  fi
fi

# The supply-chain checks that need no internet (licenses, bans, sources); in CI cargo-deny is
# installed for it. Skipped when tests are selected.
if [ $# -eq 0 ]; then
  if [ "${CI:-}" = "true" ]; then
    PATUI_DENY_INSTALL=1 scripts/deny.sh
  else
    scripts/deny.sh
  fi
fi

# The GitHub workflows against the workflow schema (check-jsonschema; installed in CI).
# Skipped when tests are selected.
if [ $# -eq 0 ]; then
  if [ "${CI:-}" = "true" ]; then
    PATUI_LINT_INSTALL=1 scripts/lint-workflows.sh
  else
    scripts/lint-workflows.sh
  fi
fi

# Build the binary first: the end-to-end tests drive it in tmux.
cargo build --locked --bin patui
run=(cargo test --locked --no-fail-fast "$@")
if command -v gnome-keyring-daemon >/dev/null && command -v dbus-run-session >/dev/null && command -v keyctl >/dev/null; then
  run=(scripts/with-keyring.sh "${run[@]}")
fi
# The totals of every test binary, as one closing line.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
"${run[@]}" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
awk '/^test result:/ { p += $4; f += $6 } END { printf "%d passed, %d failed\n", p, f }' "$log"
exit "$status"
