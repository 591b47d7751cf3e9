#!/usr/bin/env bash
# CPU used by an idle patui (the demo, in tmux) over 10 seconds, from /proc/PID/stat.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin patui
T="tmux -L patui-idle"
trap '$T kill-server 2>/dev/null' EXIT
$T -f /dev/null new-session -d -s i -x 160 -y 45 -e PATUI_LOG_FILE=/tmp/patui-idle.log "./target/release/patui --demo"
until $T capture-pane -p -t i | grep -q "build-agent-linux"; do sleep 0.05; done
sleep 4   # let the first-load toast expire: then nothing needs a timer
pid=$(pgrep -f "target/release/patui --demo" | head -1)
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
a=$(ticks); sleep 10; b=$(ticks)
echo "idle CPU over 10 s: $((b - a)) clock ticks ($(( (b - a) * 1000 / $(getconf CLK_TCK) )) ms)"
