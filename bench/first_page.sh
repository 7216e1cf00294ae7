#!/usr/bin/env bash
# A fresh clone to the demo's first page, as a newcomer runs it: `make demo` with an empty
# pip cache, timed in its three parts (install, migrate + seed, server start until the
# sign-in page answers). Not part of `make bench`: it clones and installs.
#
#   bench/first_page.sh [SOURCE [BRANCH]]      (SOURCE: this repository; BRANCH: its HEAD's)
#   PORT=8716 SMTP_PORT=8717 DEST=/tmp/fresh bench/first_page.sh   (default: free ports)
#
# The parts are `make demo`'s own targets and commands, run one after the other.
set -euo pipefail
SOURCE=${1:-$(git -C "$(dirname "$0")" rev-parse --show-toplevel)}
BRANCH=${2:-$(git -C "$SOURCE" rev-parse --abbrev-ref HEAD)}
DEST=${DEST:-$(mktemp -d)/kinerja}
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT=${PORT:-$(free_port)}
export KINERJA_SMTP_PORT=${SMTP_PORT:-$(free_port)}
export PIP_NO_CACHE_DIR=1   # nothing from an earlier install: every wheel fetched again

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
# CPU seconds (user + system) of the finished commands so far: on a busy machine the wall
# clock measures the neighbours too, this does not (a quiet machine's wall time is close to it).
# `times` in this shell (not in a $(...) subshell, whose children are not these): CPU=...
cpu() { times >"$DEST.times"; CPU=$(tail -n 1 "$DEST.times" | awk '{ gsub(/[ms]/, " "); print $1 * 60 + $2 + $3 * 60 + $4 }'); }

git clone --quiet --branch "$BRANCH" "$SOURCE" "$DEST"
cd "$DEST"
start=$(now)
cpu; cpu0=$CPU
make --no-print-directory .venv/.installed-run >"$DEST.install.log" 2>&1 || { cat "$DEST.install.log"; exit 1; }
install=$(since "$start")
cpu; install_cpu=$(awk -v a="$cpu0" -v b="$CPU" 'BEGIN { printf "%.1f", b - a }')
echo "installed after $install s ($install_cpu s CPU)"
step=$(now)
cpu; cpu1=$CPU
.venv/bin/kinerja db upgrade >/dev/null 2>&1
.venv/bin/kinerja demo seed --if-empty >/dev/null 2>&1
seed=$(since "$step")
cpu; seed_cpu=$(awk -v a="$cpu1" -v b="$CPU" 'BEGIN { printf "%.1f", b - a }')
echo "seeded in $seed s ($seed_cpu s CPU)"
step=$(now)
.venv/bin/kinerja serve --demo --port "$PORT" >var/serve.log 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
until curl -fsS -o /dev/null "http://127.0.0.1:$PORT/masuk" 2>/dev/null; do
  kill -0 "$server" 2>/dev/null || { cat var/serve.log; exit 1; }
  sleep 0.1
done
serve=$(since "$step")
ticks=$(getconf CLK_TCK)
serve_cpu=$(awk -v t="$ticks" '{ printf "%.1f", ($14 + $15) / t }' "/proc/$server/stat" 2>/dev/null || echo "?")
total_cpu=$(awk -v a="$install_cpu" -v b="$seed_cpu" -v c="$serve_cpu" 'BEGIN { printf "%.1f", a + b + c }')
echo "first page after $(since "$start") s: install $install s, db upgrade + demo seed $seed s, server start $serve s ($DEST)"
echo "CPU: $total_cpu s (install $install_cpu s, db upgrade + demo seed $seed_cpu s, server start $serve_cpu s)"
