#!/usr/bin/env bash
# Time from starting `patui` to the first frame showing a list loaded from
# `patui sim --seed-tokens 1000` (release build, in tmux). Prints each run and the median.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-7}
cargo build --release --quiet --bin patui
out=$(mktemp); ./target/release/patui sim --seed-tokens 1000 >"$out" 2>/dev/null & pid=$!
T="tmux -L patui-bench"
trap 'kill $pid 2>/dev/null; $T kill-server 2>/dev/null' EXIT
for _ in $(seq 100); do [ -s "$out" ] && break; sleep 0.05; done
url=$(head -1 "$out")
times=()
$T -f /dev/null new-session -d -s idle -x 80 -y 24 "sleep 600"
for i in $(seq "$RUNS"); do
  start=$(date +%s%N)
  $T new-session -d -s "b$i" -x 200 -y 50 -e PATUI_SERVICE_URL="$url" -e PATUI_ACCESS_TOKEN=bench \
     -e PATUI_LOG_FILE=/tmp/patui-bench.log "./target/release/patui --org fabrikam"
  until $T capture-pane -p -t "b$i" | grep -q "agent-agent-"; do :; done
  end=$(date +%s%N)
  $T kill-session -t "b$i"
  ms=$(( (end - start) / 1000000 )); times+=("$ms"); echo "run $i: ${ms} ms"
done
printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print "median: " a[int((NR+1)/2)] " ms"}'
