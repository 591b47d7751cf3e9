#!/usr/bin/env bash
# Revoke-all speed against `patui sim --latency-ms 20` (release build). Prints the numbers and
# PASS/FAIL against the targets. Usage: scripts/bench-revoke.sh [N] [CONCURRENCY]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}; CONC=${2:-8}; LAT=20
cargo build --release --quiet --bin patui --example bench_revoke
out=$(mktemp); ./target/release/patui sim --latency-ms "$LAT" >"$out" 2>/dev/null & pid=$!
trap 'kill $pid 2>/dev/null' EXIT
for _ in $(seq 100); do [ -s "$out" ] && break; sleep 0.05; done
./target/release/examples/bench_revoke "$(head -1 "$out")" "$N" "$LAT" "$CONC"
