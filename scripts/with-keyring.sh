#!/usr/bin/env bash
# Runs a command inside a throwaway, unlocked gnome-keyring (Secret Service) on a private
# D-Bus session, in a fresh kernel session keyring (for the keyutils store).
# Usage: scripts/with-keyring.sh CMD [ARGS...]
# Keyring files go to a temporary XDG_DATA_HOME; the user's real keyrings are not touched.
# HOME is left alone (rustup's cargo proxy needs it).
set -euo pipefail
KHOME=$(mktemp -d)
trap 'rm -rf "$KHOME"' EXIT
# Its own runtime directory too, so the daemon started here is never one a desktop session (or
# an earlier run) left running.
export XDG_DATA_HOME=$KHOME/data XDG_CACHE_HOME=$KHOME/cache XDG_RUNTIME_DIR=$KHOME/run
mkdir -p "$XDG_DATA_HOME" "$XDG_CACHE_HOME"
mkdir -m 700 "$XDG_RUNTIME_DIR"
unset GNOME_KEYRING_CONTROL
# The inner script expands its variables itself.
# shellcheck disable=SC2016
exec keyctl session - dbus-run-session -- bash -c '
  eval "$(printf patui-ci | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)"
  # It says where its control socket is only when that is not the default place.
  if [ ! -S "${GNOME_KEYRING_CONTROL:-$XDG_RUNTIME_DIR/keyring}/control" ]; then
    echo "with-keyring.sh: gnome-keyring-daemon did not start" >&2
    exit 1
  fi
  export GNOME_KEYRING_CONTROL SSH_AUTH_SOCK
  "$@"' _ "$@"
