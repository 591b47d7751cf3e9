#!/usr/bin/env bash
# Validates the GitHub workflows (.github/workflows/*.yml) against the GitHub workflow schema that
# check-jsonschema vendors from SchemaStore (`--builtin-schema vendor.github-workflows`), so a
# misspelt key, a wrong permission or a bad trigger fails here and not on GitHub.
# (@action-validator/cli 0.6.0 predates the `attestations` permission the release workflow needs.)
#   scripts/lint-workflows.sh
#     PATUI_LINT_INSTALL=1: install check-jsonschema from PyPI into target/lint-venv when it is
#                           missing; without it that is a skip.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/lint-venv
tool=$(command -v check-jsonschema || true)
[ -z "$tool" ] && [ -x "$venv/bin/check-jsonschema" ] && tool=$venv/bin/check-jsonschema
if [ -z "$tool" ]; then
  if [ "${PATUI_LINT_INSTALL:-0}" = 1 ]; then
    echo "installing check-jsonschema into $venv"
    command -v python3 >/dev/null || { echo "python3 is needed" >&2; exit 1; }
    python3 -m venv "$venv" >/dev/null 2>&1 || {
      # Debian splits venv out of python3.
      [ "$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
      python3 -m venv "$venv"
    }
    "$venv/bin/pip" install --quiet --disable-pip-version-check check-jsonschema
    tool=$venv/bin/check-jsonschema
  else
    echo "skipped: check-jsonschema is not installed (PATUI_LINT_INSTALL=1 scripts/lint-workflows.sh installs it)"
    exit 0
  fi
fi
"$tool" --builtin-schema vendor.github-workflows .github/workflows/*.yml
