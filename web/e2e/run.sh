#!/usr/bin/env bash
# End-to-end: the demo service on a free port with a temp data dir, then Playwright on chromium.
# Screenshots stay in web/test-results/screenshots/ (artifacts) and are copied to docs/web/.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BIN=$ROOT/.venv/bin

[ -f web/dist/index.html ] || { echo "web app not built: run make web"; exit 1; }
CHROMIUM=${CHROMIUM:-$(command -v chromium || true)}
[ -n "$CHROMIUM" ] || { echo "no chromium: apt-get install -y chromium"; exit 1; }
export CHROMIUM

DATA=$(mktemp -d)
PORT=$("$BIN/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
LOG=$DATA/service.log
healthy() {
    "$BIN/python" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' \
        "http://127.0.0.1:$PORT/api/v1/health" >/dev/null 2>&1
}
# a fresh data dir: the embedded SQLite, dev secrets and the demo data of this run only
env -u YUANTUS_DATABASE_URL YUANTUS_DATA_DIR="$DATA" "$BIN/yuantus" start --demo --port "$PORT" >"$LOG" 2>&1 &
SERVICE=$!
cleanup() {
    kill "$SERVICE" 2>/dev/null || true
    wait "$SERVICE" 2>/dev/null || true
    rm -rf "$DATA"
}
trap cleanup EXIT

for _ in $(seq 1 120); do
    healthy && break
    kill -0 "$SERVICE" 2>/dev/null || { cat "$LOG"; echo "the service did not start"; exit 1; }
    sleep 0.5
done
healthy || { cat "$LOG"; echo "service not healthy"; exit 1; }

cd web
rm -rf test-results
status=0
YUANTUS_E2E_URL="http://127.0.0.1:$PORT" npx playwright test "$@" || status=$?
if [ -d test-results/screenshots ]; then
    mkdir -p "$ROOT/docs/web"
    cp test-results/screenshots/*.png "$ROOT/docs/web/" 2>/dev/null || true
fi
[ "$status" -eq 0 ] || tail -40 "$LOG"
exit "$status"
