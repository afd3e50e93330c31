#!/usr/bin/env bash
# compare.sh: kuscia-mock against nginx as a yardstick, side by side (docs/performance.md).
#
# Both servers get the same certificates (one Kuscia cert dir, mutual TLS) and give the same answer bytes:
# the fake's POST /api/v1/job/status/batchQuery response for a finished tutorial job, captured from the fake
# itself and served by nginx with `return 200`. Then `kuscia-conform bench` measures
# both in interleaved rounds and the medians and ratios are printed, with each server's CPU per request.
# After the rounds, the hold cases: N idle keep-alive connections (kuscia-mock and nginx) and N WatchJob
# streams (kuscia-mock), each on a freshly started server, with the server's RSS.
#
#   bench/compare.sh                       # start-up x5; 3 rounds x (ka16 ka64 hs16) x 10 s; idle 10k; watch 1k
#   ROUNDS=1 DURATION=3s HOLD_CASES= bench/compare.sh     # a quick look, no hold cases
#   JOURNAL_COMPARE=1 bench/compare.sh     # a third server in the rounds: kuscia-mock --journal-size 0
#   RECORDS_COMPARE=1 bench/compare.sh     # and kuscia-mock --tls-records openssl, in the rounds and idle hold
#   BUILD_DIR=build bench/compare.sh
#
# Settings (environment): BUILD_DIR (default build), ROUNDS (3), DURATION (10s), MOCK_THREADS (2),
# NGINX_WORKERS (2), BENCH_THREADS (1), CASES ("ka16 ka64 hs16"; also hs64), JOURNAL (1000: the journal
# size of the measured kuscia-mock), JOURNAL_COMPARE (0; 1 adds "mock-nojournal" to the rounds),
# RECORDS_COMPARE (0; 1 adds "mock-openssl", OpenSSL's TLS record layer instead of the fake's own),
# NGINX_TICKETS (1: TLS 1.3 session tickets nginx sends per handshake, as many as the fake and Go; 0: none),
# STARTUPS (5 timed start-ups with fresh certificates; 0 = none), HOLD_CASES ("idle watch"),
# IDLE_CONNECTIONS (10000), IDLE_HOLD (30s), WATCH_STREAMS (1000), WATCH_HOLD (30s), HEARTBEAT (1: seconds,
# kuscia-mock's --heartbeat for the watch case), KEEP=1 keeps the work directory.
# Never touches the system nginx: its own prefix, config and ports.
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
JOURNAL_COMPARE=${JOURNAL_COMPARE:-0}
RECORDS_COMPARE=${RECORDS_COMPARE:-0}
STARTUPS=${STARTUPS:-5}
HOLD_CASES=${HOLD_CASES-"idle watch"}
IDLE_CONNECTIONS=${IDLE_CONNECTIONS:-10000}
IDLE_HOLD=${IDLE_HOLD:-30s}
WATCH_STREAMS=${WATCH_STREAMS:-1000}
WATCH_HOLD=${WATCH_HOLD:-30s}
HEARTBEAT=${HEARTBEAT:-1}
NGINX_TICKETS=${NGINX_TICKETS:-1}
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
for tool in curl jq python3; do
  command -v $tool >/dev/null || { echo "compare.sh: $tool is required (apt-get install $tool)" >&2; exit 2; }
done

# Every server started below inherits this: the hold cases need one descriptor per connection on both sides.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [[ -n $HOLD_CASES ]] && (( $(ulimit -n) < IDLE_CONNECTIONS + 1024 )); then
  echo "compare.sh: warning: open-file limit $(ulimit -n) is below IDLE_CONNECTIONS + 1024; raise the hard limit" \
       "(as root: ulimit -n $((IDLE_CONNECTIONS + 1024))) or lower IDLE_CONNECTIONS" >&2
fi

work=$(mktemp -d /tmp/kuscia-compare.XXXXXX)
mock_pid="" nojournal_pid="" openssl_pid="" hold_pid="" nginx_started=""
stop() {
  if [[ -n ${1:-} ]]; then kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; fi
}
cleanup() {
  stop "$mock_pid"; stop "$nojournal_pid"; stop "$openssl_pid"; stop "$hold_pid"
  if [[ -n $nginx_started && -f $work/nginx.pid ]]; then kill "$(cat "$work/nginx.pid")" 2>/dev/null || true; fi
  if [[ ${KEEP:-0} == 1 ]]; then echo "work directory kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

echo "machine: $(nproc) cores, $(uptime | sed 's/.*load average/load average/')"
echo "versions: $("$nginx_bin" -v 2>&1 | sed 's/.*: //'), $(openssl version | cut -d' ' -f1-2)"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# 0. Start-up time: process start -> port file written (the listener is up), with a fresh cert dir each time,
# so certificate generation is included. Timed in Python: no shell polling granularity.
if (( STARTUPS > 0 )); then
  python3 - "$mock_bin" "$work/startup" "$STARTUPS" <<'PY'
import os, shutil, statistics, subprocess, sys, time
binary, base, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
times = []
for i in range(runs):
    d = f"{base}/{i}"
    os.makedirs(d)
    port_file = f"{d}/port"
    t0 = time.monotonic()
    p = subprocess.Popen([binary, "--certs", f"{d}/certs", "--listen", "127.0.0.1:0", "--quiet",
                          "--port-file", port_file], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while not (os.path.exists(port_file) and os.path.getsize(port_file) > 0):
        if p.poll() is not None:
            sys.exit(f"compare.sh: kuscia-mock exited with {p.returncode} during start-up")
        time.sleep(0.0005)
    times.append((time.monotonic() - t0) * 1000)
    p.terminate(); p.wait()
    shutil.rmtree(d)
print("start-up (fresh certs, to listening): " + ", ".join(f"{t:.0f}" for t in times) +
      f" ms; median {statistics.median(times):.0f} ms")
PY
fi

start_mock() {  # start_mock NAME EXTRA_ARGS... -> sets started_pid, started_url
  local name=$1; shift
  local port; port=$(free_port)
  rm -f "$work/$name.port"  # a name started before (the hold cases) must not be taken for started already
  "$mock_bin" --certs "$certs" --listen "127.0.0.1:$port" --quiet --threads "$MOCK_THREADS" \
    --task-duration 0.2 --port-file "$work/$name.port" "$@" >"$work/$name.log" 2>&1 &
  started_pid=$!
  for _ in $(seq 3000); do [[ -s $work/$name.port ]] && break; sleep 0.01; done  # the port file is fsynced: slow on a busy disk
  [[ -s $work/$name.port ]] || { echo "compare.sh: kuscia-mock ($name) did not start:" >&2; cat "$work/$name.log" >&2; exit 1; }
  started_url=https://127.0.0.1:$port
  "$bench_bin" bench --target "$started_url" --certs "$certs" --prepare-job "$JOB" --count 1 --connections 1 >/dev/null
}

# 1. The fake: generates the cert dir, runs the tutorial job to its end.
certs=$work/certs
start_mock mock --journal-size "$JOURNAL"
mock_pid=$started_pid mock_url=$started_url
SERVERS="nginx mock"
if [[ $JOURNAL_COMPARE == 1 ]]; then
  start_mock mock-nojournal --journal-size 0
  nojournal_pid=$started_pid nojournal_url=$started_url
  SERVERS="nginx mock mock-nojournal"
fi
if [[ $RECORDS_COMPARE == 1 ]]; then
  start_mock mock-openssl --journal-size "$JOURNAL" --tls-records openssl
  openssl_pid=$started_pid openssl_url=$started_url
  SERVERS="$SERVERS mock-openssl"
fi

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
# Like for like: the fake sends one TLS 1.3 session ticket per handshake, as Go's server does, and each
# costs OpenSSL ~200 us; nginx sends the same number (SSL_CONF's NumTickets), or none with NGINX_TICKETS=0.
if [[ $NGINX_TICKETS == 0 ]]; then
  nginx_tickets="ssl_session_tickets off;"
else
  nginx_tickets="ssl_session_tickets on; ssl_conf_command NumTickets $NGINX_TICKETS;"
fi
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
    $nginx_tickets
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
tickets_from() {  # tickets_from PORT: TLS 1.3 session tickets a server sends after one full handshake
  (sleep 0.5) | openssl s_client -connect "127.0.0.1:$1" -tls1_3 -msg -CAfile "$certs/ca.crt" \
    -cert "$certs/kusciaapi-client.crt" -key "$certs/kusciaapi-client.key" 2>/dev/null | grep -c '^<<< .*NewSessionTicket' || true
}
echo "TLS 1.3 session tickets per handshake: nginx $(tickets_from "$nginx_port"), kuscia-mock $(tickets_from "${mock_url##*:}")"

# The processes whose CPU time and memory count as "the server".
server_pids() {
  case $1 in
    nginx) local master; master=$(cat "$work/nginx.pid"); echo "$master $(pgrep -P "$master" | tr '\n' ' ')" ;;
    mock) echo "$mock_pid" ;;
    mock-nojournal) echo "$nojournal_pid" ;;
    mock-openssl) echo "$openssl_pid" ;;
    hold) echo "$hold_pid" ;;
  esac
}
server_url() {
  case $1 in nginx) echo "$nginx_url" ;; mock) echo "$mock_url" ;; mock-nojournal) echo "$nojournal_url" ;;
    mock-openssl) echo "$openssl_url" ;; esac
}
cpu_ticks() {  # utime + stime of the given processes, in clock ticks
  local total=0 pid
  for pid in "$@"; do total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done
  echo "$total"
}
ticks_per_second=$(getconf CLK_TCK)

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
    for server in $SERVERS; do
      pids=$(server_pids "$server")
      # shellcheck disable=SC2086
      before=$(cpu_ticks $pids)
      # shellcheck disable=SC2046
      "$bench_bin" bench --target "$(server_url "$server")" --certs "$certs" $(case_args "$case_name") \
        --threads "$BENCH_THREADS" --duration "$DURATION" --json >"$work/$case_name.$server.$round.json" || true
      # shellcheck disable=SC2086
      after=$(cpu_ticks $pids)
      jq --argjson ticks $((after - before)) --argjson hz "$ticks_per_second" \
        '. + {server_cpu_us_per_request: (if .requests > 0 then $ticks / $hz * 1e6 / .requests else 0 end)}' \
        "$work/$case_name.$server.$round.json" >"$work/tmp.json" && mv "$work/tmp.json" "$work/$case_name.$server.$round.json"
      jq -r --arg s "$server" --arg c "$case_name" --arg r "$round" \
        '"round \($r) \($c) \($s): \(.requests_per_second|floor) req/s, p99 \(.latency_ms.p99) ms, server CPU \(.server_cpu_us_per_request|floor) us/req, errors \(.errors.total), starved \(.starved_connections)"' \
        "$work/$case_name.$server.$round.json"
    done
  done
done

# 5. Medians and ratios (to nginx; and the journal's cost when mock-nojournal ran).
echo
printf '%-6s %-15s %10s %9s %11s %8s %8s %7s %8s\n' case server req/s p99_ms cpu_us/req rps_x p99_x errors starved
for case_name in $CASES; do
  for server in $SERVERS; do
    jq -s -r --arg c "$case_name" --arg s "$server" '
      def median: sort | .[(length - 1) / 2 | floor];
      (map(select(.server == "nginx")) | map(.doc)) as $n | (map(select(.server == $s)) | map(.doc)) as $m |
      ($n | map(.requests_per_second) | median) as $nr | ($m | map(.requests_per_second) | median) as $mr |
      ($n | map(.latency_ms.p99) | median) as $np | ($m | map(.latency_ms.p99) | median) as $mp |
      [$c, $s, ($mr|floor), $mp, ($m | map(.server_cpu_us_per_request) | median | floor),
       (if $nr > 0 then (($mr / $nr * 100 | round) / 100) else "-" end),
       (if $np > 0 then (($mp / $np * 100 | round) / 100) else "-" end),
       ($m | map(.errors.total) | add), ($m | map(.starved_connections) | add)] | @tsv' \
      <(for f in "$work/$case_name".*.json; do
          s=$(basename "$f" | cut -d. -f2); jq -c --arg s "$s" '{server: $s, doc: .}' "$f"; done) |
      awk -F'\t' '{ printf "%-6s %-15s %10s %9.3f %11s %8s %8s %7s %8s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9 }'
  done
done
echo "(medians of $ROUNDS interleaved rounds of $DURATION; rps_x and p99_x are ratios to nginx; errors and starved are totals)"
if [[ $JOURNAL_COMPARE == 1 ]]; then
  for case_name in $CASES; do
    jq -s -r --arg c "$case_name" '
      def median: sort | .[(length - 1) / 2 | floor];
      (map(select(.server == "mock")) | map(.doc)) as $on | (map(select(.server == "mock-nojournal")) | map(.doc)) as $off |
      "journal \($c): on \($on | map(.requests_per_second) | median | floor) req/s, \($on | map(.server_cpu_us_per_request) | median | floor) us/req; off \($off | map(.requests_per_second) | median | floor) req/s, \($off | map(.server_cpu_us_per_request) | median | floor) us/req; cost \(((1 - ($on | map(.requests_per_second) | median) / ($off | map(.requests_per_second) | median)) * 1000 | round) / 10)% req/s, \(((($on | map(.server_cpu_us_per_request) | median) / ($off | map(.server_cpu_us_per_request) | median) - 1) * 1000 | round) / 10)% CPU/req"' \
      <(for f in "$work/$case_name".mock*.json; do
          s=$(basename "$f" | cut -d. -f2); jq -c --arg s "$s" '{server: $s, doc: .}' "$f"; done)
  done
fi

# 6. The hold cases, each on a freshly started server so its RSS starts from a clean baseline.
hold_summary() {  # hold_summary NAME FILE
  jq -r --arg n "$1" '
    "\($n): \(.connections.established)/\(.connections.requested) open in \(.establish.seconds * 100 | round / 100) s, \(.connections.failed) failed, \(.connections.closed_during_hold) dropped" +
    (if .mode == "idle" then ", \(.idle.alive)/\(.idle.checked) alive at the check"
     else ", \(.watch.streams_open_at_end) streams open at the end, initial events on \(.watch.streams_with_initial_events); heartbeats \(.watch.heartbeats.received) (\(.watch.heartbeats.on_time) on time, \(.watch.heartbeats.late) late, \(.watch.heartbeats.early) early, \(.watch.heartbeats.missing) missing, \(.watch.heartbeats.unjudged) unjudged), lateness p50 \(.watch.heartbeats.lateness_ms.p50) ms p99 \(.watch.heartbeats.lateness_ms.p99) ms max \(.watch.heartbeats.lateness_ms.max) ms" end) +
    "; server RSS \(.server_memory.before_kb / 1024 | floor) MB before, \(.server_memory.held_kb / 1024 | floor) MB held (VmHWM \(.server_memory.hwm_kb / 1024 | floor) MB), \(.server_memory.per_connection_kb * 10 | round / 10) KB per connection"' "$2"
}
pid_args() { local pid; for pid in "$@"; do printf -- '--server-pid %s ' "$pid"; done; }
for hold_case in $HOLD_CASES; do
  echo
  case $hold_case in
    idle)
      start_mock hold --journal-size "$JOURNAL"
      hold_pid=$started_pid
      # shellcheck disable=SC2046
      "$bench_bin" bench --mode idle --target "$started_url" --certs "$certs" -c "$IDLE_CONNECTIONS" \
        --duration "$IDLE_HOLD" $(pid_args "$hold_pid") --json >"$work/idle.mock.json" || true
      hold_summary "idle $IDLE_CONNECTIONS kuscia-mock" "$work/idle.mock.json"
      stop "$hold_pid"; hold_pid=""
      if [[ $RECORDS_COMPARE == 1 ]]; then
        start_mock hold --journal-size "$JOURNAL" --tls-records openssl
        hold_pid=$started_pid
        # shellcheck disable=SC2046
        "$bench_bin" bench --mode idle --target "$started_url" --certs "$certs" -c "$IDLE_CONNECTIONS" \
          --duration "$IDLE_HOLD" $(pid_args "$hold_pid") --json >"$work/idle.mock-openssl.json" || true
        hold_summary "idle $IDLE_CONNECTIONS kuscia-mock --tls-records openssl" "$work/idle.mock-openssl.json"
        stop "$hold_pid"; hold_pid=""
      fi
      # shellcheck disable=SC2046,SC2086
      "$bench_bin" bench --mode idle --target "$nginx_url" --certs "$certs" -c "$IDLE_CONNECTIONS" \
        --duration "$IDLE_HOLD" $(pid_args $(server_pids nginx)) --json >"$work/idle.nginx.json" || true
      hold_summary "idle $IDLE_CONNECTIONS nginx" "$work/idle.nginx.json"
      ;;
    watch)
      start_mock hold --journal-size "$JOURNAL" --heartbeat "$HEARTBEAT"
      hold_pid=$started_pid
      # shellcheck disable=SC2046
      "$bench_bin" bench --mode watch --target "$started_url" --certs "$certs" -c "$WATCH_STREAMS" \
        --heartbeat "$HEARTBEAT" --duration "$WATCH_HOLD" --prepare-job "$JOB" $(pid_args "$hold_pid") \
        --json >"$work/watch.mock.json" || true
      hold_summary "watch $WATCH_STREAMS kuscia-mock (heartbeat ${HEARTBEAT}s)" "$work/watch.mock.json"
      stop "$hold_pid"; hold_pid=""
      ;;
    *) echo "compare.sh: unknown hold case $hold_case (idle watch)" >&2; exit 2 ;;
  esac
done
echo
echo "machine at the end: $(uptime | sed 's/.*load average/load average/')"
