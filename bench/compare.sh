#!/usr/bin/env bash
# compare.sh: kuscia-mock against nginx as a yardstick, side by side (docs/performance.md).
#
# Both servers get the same certificates (one Kuscia cert dir, mutual TLS) and give the same answer bytes:
# the fake's POST /api/v1/job/status/batchQuery response for a finished tutorial job, captured from the fake
# itself and served by nginx with `return 200`. Then `kuscia-conform bench` measures
# both in interleaved rounds and the medians and ratios are printed.
#
#   bench/compare.sh                       # 3 rounds x (keep-alive 16, 64; new handshake 16) x 10 s
#   ROUNDS=1 DURATION=3s bench/compare.sh  # a quick look
#   BUILD_DIR=build bench/compare.sh
#
# Settings (environment): BUILD_DIR (default build), ROUNDS (3), DURATION (10s), MOCK_THREADS (2),
# NGINX_WORKERS (2), BENCH_THREADS (1), CASES ("ka16 ka64 hs16"), JOURNAL (1000; 0 switches it off),
# KEEP=1 keeps the work directory. Never touches the system nginx: its own prefix, config and ports.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-build}
case "$BUILD_DIR" in /*) build=$BUILD_DIR ;; *) build=$here/$BUILD_DIR ;; esac
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
MOCK_THREADS=${MOCK_THREADS:-2}
NGINX_WORKERS=${NGINX_WORKERS:-2}
BENCH_THREADS=${BENCH_THREADS:-1}
CASES=${CASES:-"ka16 ka64 hs16"}
JOURNAL=${JOURNAL:-1000}
JOB=bench-finished-job

mock_bin=$build/bin/kuscia-mock
bench_bin=$build/bin/kuscia-conform
for bin in "$mock_bin" "$bench_bin"; do
  [[ -x $bin ]] || { echo "compare.sh: $bin is missing; build it: cmake --build $build --target $(basename "$bin")" >&2; exit 2; }
done
if ! command -v nginx >/dev/null 2>&1 && [[ ! -x /usr/sbin/nginx ]]; then
  echo "compare.sh: installing nginx-light (Debian) as the yardstick" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nginx-light >/dev/null
fi
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
for tool in curl jq; do
  command -v $tool >/dev/null || { echo "compare.sh: $tool is required (apt-get install $tool)" >&2; exit 2; }
done

work=$(mktemp -d /tmp/kuscia-compare.XXXXXX)
mock_pid="" nginx_started=""
cleanup() {
  [[ -n $mock_pid ]] && kill "$mock_pid" 2>/dev/null && wait "$mock_pid" 2>/dev/null || true
  if [[ -n $nginx_started && -f $work/nginx.pid ]]; then kill "$(cat "$work/nginx.pid")" 2>/dev/null || true; fi
  [[ ${KEEP:-0} == 1 ]] && echo "work directory kept: $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# 1. The fake: generates the cert dir, runs the tutorial job to its end.
certs=$work/certs
mock_port=$(free_port)
start_ns=$(date +%s%N)
"$mock_bin" --certs "$certs" --listen "127.0.0.1:$mock_port" --quiet --threads "$MOCK_THREADS" \
  --task-duration 0.2 --journal-size "$JOURNAL" --port-file "$work/mock.port" >"$work/mock.log" 2>&1 &
mock_pid=$!
for _ in $(seq 500); do [[ -s $work/mock.port ]] && break; sleep 0.01; done
ready_ns=$(date +%s%N)
[[ -s $work/mock.port ]] || { echo "compare.sh: kuscia-mock did not start:" >&2; cat "$work/mock.log" >&2; exit 1; }
echo "kuscia-mock listening on $mock_port after $(( (ready_ns - start_ns) / 1000000 )) ms (cert generation included)"
mock_url=https://127.0.0.1:$mock_port
"$bench_bin" bench --target "$mock_url" --certs "$certs" --prepare-job "$JOB" --count 1 --connections 1 >/dev/null

# 2. The exact bytes the fake answers.
curl_mtls=(curl -sS --cacert "$certs/ca.crt" --cert "$certs/kusciaapi-client.crt" --key "$certs/kusciaapi-client.key"
  -H "Token: $(cat "$certs/token")" -H 'Content-Type: application/json')
"${curl_mtls[@]}" -D "$work/mock.headers" -o "$work/answer.json" -d "{\"job_ids\":[\"$JOB\"]}" \
  "$mock_url/api/v1/job/status/batchQuery"
content_type=$(grep -i '^content-type:' "$work/mock.headers" | cut -d' ' -f2- | tr -d '\r')
[[ $(jq -r '.data.jobs[0].status.state' "$work/answer.json") == Succeeded ]] ||
  { echo "compare.sh: the tutorial job did not succeed: $(head -c 300 "$work/answer.json")" >&2; exit 1; }

# 3. nginx with the same certificates and the same bytes (escaped for an nginx single-quoted string).
nginx_port=$(free_port)
escaped=$(sed -e 's/\\/\\\\/g' -e "s/'/\\\\'/g" "$work/answer.json")
mkdir -p "$work/nginx/logs" "$work/nginx/tmp"
cat >"$work/nginx.conf" <<CONF
worker_processes $NGINX_WORKERS;
pid $work/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 20000; }
http {
  access_log off;
  client_body_temp_path $work/nginx/tmp/body;
  proxy_temp_path $work/nginx/tmp/proxy;
  fastcgi_temp_path $work/nginx/tmp/fastcgi;
  uwsgi_temp_path $work/nginx/tmp/uwsgi;
  scgi_temp_path $work/nginx/tmp/scgi;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  tcp_nodelay on;
  server_tokens off;
  server {
    listen 127.0.0.1:$nginx_port ssl backlog=4096;
    ssl_certificate $certs/kusciaapi-server.crt;
    ssl_certificate_key $certs/kusciaapi-server.key;
    ssl_client_certificate $certs/ca.crt;
    ssl_verify_client on;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_cache off;
    ssl_session_tickets off;
    location = /api/v1/job/status/batchQuery {
      default_type "$content_type";
      return 200 '$escaped';
    }
  }
}
CONF
"$nginx_bin" -p "$work/nginx" -c "$work/nginx.conf"
nginx_started=1
for _ in $(seq 500); do [[ -s $work/nginx.pid ]] && break; sleep 0.01; done
nginx_url=https://127.0.0.1:$nginx_port
"${curl_mtls[@]}" -o "$work/nginx-answer.json" -d "{\"job_ids\":[\"$JOB\"]}" "$nginx_url/api/v1/job/status/batchQuery"
cmp -s "$work/answer.json" "$work/nginx-answer.json" ||
  { echo "compare.sh: nginx does not serve the fake's exact bytes" >&2; exit 1; }
echo "both answer the same $(wc -c <"$work/answer.json") bytes ($content_type)"

# 4. Interleaved rounds.
case_args() {
  case $1 in
    ka16) echo "--connections 16" ;;
    ka64) echo "--connections 64" ;;
    hs16) echo "--connections 16 --no-keep-alive" ;;
    hs64) echo "--connections 64 --no-keep-alive" ;;
    *) echo "compare.sh: unknown case $1 (ka16 ka64 hs16 hs64)" >&2; exit 2 ;;
  esac
}
for round in $(seq "$ROUNDS"); do
  for case_name in $CASES; do
    for server in nginx mock; do
      url=$nginx_url; [[ $server == mock ]] && url=$mock_url
      # shellcheck disable=SC2046
      "$bench_bin" bench --target "$url" --certs "$certs" $(case_args "$case_name") --threads "$BENCH_THREADS" \
        --duration "$DURATION" --json >"$work/$case_name.$server.$round.json" || true
      jq -r --arg s "$server" --arg c "$case_name" --arg r "$round" \
        '"round \($r) \($c) \($s): \(.requests_per_second|floor) req/s, p99 \(.latency_ms.p99) ms, errors \(.errors.total), starved \(.starved_connections)"' \
        "$work/$case_name.$server.$round.json"
    done
  done
done

# 5. Medians and ratios.
echo
printf '%-6s %12s %12s %8s %11s %11s %8s %7s %8s\n' case nginx_rps mock_rps ratio nginx_p99ms mock_p99ms p99x errors starved
for case_name in $CASES; do
  jq -s -r --arg c "$case_name" '
    def median: sort | .[(length - 1) / 2 | floor];
    (map(select(.server == "nginx")) | map(.doc)) as $n | (map(select(.server == "mock")) | map(.doc)) as $m |
    ($n | map(.requests_per_second) | median) as $nr | ($m | map(.requests_per_second) | median) as $mr |
    ($n | map(.latency_ms.p99) | median) as $np | ($m | map(.latency_ms.p99) | median) as $mp |
    [$c, ($nr|floor), ($mr|floor), (($mr / $nr * 100 | round) / 100), $np, $mp,
     (if $np > 0 then (($mp / $np * 100 | round) / 100) else "-" end),
     ($m | map(.errors.total) | add), ($m | map(.starved_connections) | add)] | @tsv' \
    <(for f in "$work/$case_name".*.json; do
        s=$(basename "$f" | cut -d. -f2); jq -c --arg s "$s" '{server: $s, doc: .}' "$f"; done) |
    awk -F'\t' '{ printf "%-6s %12s %12s %8s %11.3f %11.3f %8s %7s %8s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9 }'
done
echo "(medians of $ROUNDS interleaved rounds of $DURATION; errors and starved are kuscia-mock totals)"
