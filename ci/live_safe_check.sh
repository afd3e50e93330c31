#!/usr/bin/env bash
# The live-safe acceptance check: start kuscia-mock on its own (as if it were a live cluster), run every
# `live-safe` scenario against it with each client, and prove the run left nothing behind: jobs, domains,
# routes, data sources and domain data are exactly what they were before.
#   ci/live_safe_check.sh BIN_DIR [CLIENT...]      # default clients: builtin curl
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:?usage: ci/live_safe_check.sh BIN_DIR [CLIENT...]}
shift
clients=("$@")
[ ${#clients[@]} -gt 0 ] || clients=(builtin curl)

work=$(mktemp -d "${TMPDIR:-/tmp}/kc-live-safe.XXXXXX")
mock_pid=""
cleanup() {
  [ -n "$mock_pid" ] && kill "$mock_pid" 2>/dev/null && wait "$mock_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# The certificates (and the catalogue of broken client identities, signed by the same CA) come first, as an
# operator's would; kuscia-mock serves the directory it is given.
"$bin/kuscia-conform" certs --out "$work/certs" --catalogue >/dev/null
"$bin/kuscia-mock" --certs "$work/certs" --listen 127.0.0.1:0 --port-file "$work/port" --admin 127.0.0.1:0 \
  --quiet >"$work/mock.out" 2>"$work/mock.err" &
mock_pid=$!
# Wait (bounded) for the ready line, which is printed once both listeners are up.
for _ in $(seq 1 300); do
  grep -q "kuscia-mock control plane:" "$work/mock.out" 2>/dev/null && break
  kill -0 "$mock_pid" 2>/dev/null || { echo "kuscia-mock exited:"; cat "$work/mock.err"; exit 1; }
  sleep 0.05
done
port=$(cat "$work/port")
admin=$(grep -o "http://127.0.0.1:[0-9]*" <(grep "control plane:" "$work/mock.out"))
url="https://127.0.0.1:$port"
echo "kuscia-mock at $url, control plane $admin"

snapshot() {
  python3 "$root/ci/live_state_snapshot.py" --url "$url" --certs "$work/certs" --admin "$admin"
}
snapshot >"$work/before.json"

status=0
for client in "${clients[@]}"; do
  echo "== live-safe scenarios with --client $client =="
  "$bin/kuscia-conform" run "$root/scenarios" --tags live-safe --target "$url" --certs "$work/certs" \
    --client "$client" -j 2 --seed 5 --color never || status=1
done

snapshot >"$work/after.json"
if ! diff -u "$work/before.json" "$work/after.json"; then
  echo "FAIL: the live-safe run left something behind (diff above: - before, + after)"
  status=1
else
  echo "nothing left behind: jobs, domains, routes, data sources and domain data are as before"
fi
exit $status
