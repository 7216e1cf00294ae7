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

git clone --quiet --branch "$BRANCH" "$SOURCE" "$DEST"
cd "$DEST"
start=$(now)
make --no-print-directory .venv/.installed-run >"$DEST.install.log" 2>&1 || { cat "$DEST.install.log"; exit 1; }
install=$(since "$start")
echo "installed after $install s"
step=$(now)
.venv/bin/kinerja db upgrade >/dev/null 2>&1
.venv/bin/kinerja demo seed --if-empty >/dev/null 2>&1
seed=$(since "$step")
echo "seeded in $seed s"
step=$(now)
.venv/bin/kinerja serve --demo --port "$PORT" >var/serve.log 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
until curl -fsS -o /dev/null "http://127.0.0.1:$PORT/masuk" 2>/dev/null; do
  kill -0 "$server" 2>/dev/null || { cat var/serve.log; exit 1; }
  sleep 0.1
done
serve=$(since "$step")
echo "first page after $(since "$start") s: install $install s, db upgrade + demo seed $seed s, server start $serve s ($DEST)"
