#!/usr/bin/env bash
# The supply-chain checks that need no internet: licenses, banned crates (OpenSSL among them)
# and sources, with cargo-deny and the checked-in deny.toml. The advisory database is fetched
# from the internet, so `cargo deny check advisories` (and cargo audit) run in the GitHub
# workflow only.
#   scripts/deny.sh [--install]
#     PATUI_DENY_INSTALL=1 or --install: install cargo-deny (cargo install cargo-deny --locked)
#                                        when it is missing; without it that is a skip.
set -euo pipefail
cd "$(dirname "$0")/.."
INSTALL=${PATUI_DENY_INSTALL:-0}
[ "${1:-}" = "--install" ] && INSTALL=1
if ! command -v cargo-deny >/dev/null 2>&1; then
  if [ "$INSTALL" = 1 ]; then
    echo "installing cargo-deny (cargo install cargo-deny --locked)"
    cargo install cargo-deny --locked --quiet
  else
    echo "skipped: cargo-deny is not installed (PATUI_DENY_INSTALL=1 scripts/deny.sh installs it)"
    exit 0
  fi
fi
cargo deny --locked check licenses bans sources
