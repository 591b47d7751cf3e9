#!/usr/bin/env bash
# Regenerates the README pictures (assets/*.svg) from the demo data.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --quiet --example screenshots
