#!/usr/bin/env bash
# Runs a command inside a throwaway, unlocked gnome-keyring (Secret Service) on a private
# D-Bus session, in a fresh kernel session keyring (for the keyutils store).
# Usage: scripts/with-keyring.sh CMD [ARGS...]
# Keyring files go to a temporary XDG_DATA_HOME; the user's real keyrings are not touched.
# HOME is left alone (rustup's cargo proxy needs it).
set -euo pipefail
KHOME=$(mktemp -d)
trap 'rm -rf "$KHOME"' EXIT
export XDG_DATA_HOME=$KHOME/data XDG_CACHE_HOME=$KHOME/cache
mkdir -p "$XDG_DATA_HOME" "$XDG_CACHE_HOME"
exec keyctl session - dbus-run-session -- bash -c '
  eval "$(printf patui-ci | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)"
  export GNOME_KEYRING_CONTROL SSH_AUTH_SOCK
  "$@"' _ "$@"
