// `kuscia-conform bench`: a load generator that speaks Kuscia (mutual TLS with the Kuscia cert directory,
// the `Token` header, the job lifecycle). The lead's CLI registers the options on its subcommand and
// calls RunBench; tests call RunBench directly.
//
//   CLI::App* cmd = app.add_subcommand("bench", "Load-test a Kuscia API server");
//   BenchOptions options;
//   AddBenchOptions(*cmd, options);
//   cmd->callback([&] { exit_code = RunBench(options, std::cout, std::cerr); });
//
//   kuscia-conform bench --target embedded --connections 64 --duration 10s
//   kuscia-conform bench --target https://127.0.0.1:8082 --certs /home/kuscia/var/certs --no-keep-alive --json
//   kuscia-conform bench --mode idle -c 10000 --duration 30s --target https://127.0.0.1:8082 --certs DIR --server-pid PID
//   kuscia-conform bench --mode watch -c 1000 --heartbeat 1s --duration 30s --target https://… --certs DIR --server-pid PID
#pragma once

#include <cstdint>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "api/status.h"
#include "harness/bench/load_plan.h"

namespace CLI {
class App;
}  // namespace CLI

namespace kuscia::bench {

struct BenchOptions {
  std::string target = "embedded";      // "embedded" (an in-process fake on port 0) or an http(s) URL
  std::filesystem::path certs_dir;      // URL targets: ca.crt, kusciaapi-client.{crt,key} (else -server.*), token
  std::string workload = "request";     // "request" or "lifecycle"
  std::string method = "POST";
  std::string route = "/api/v1/job/status/batchQuery";
  std::string body;                     // empty with the default route: {"job_ids":["<prepare_job>"]}
  std::filesystem::path body_file;      // instead of --body
  std::string prepare_job;              // create the tutorial job with this id and wait until it is terminal
  int connections = 16;
  int threads = 1;
  bool no_keep_alive = false;           // a new TCP + TLS handshake per request
  double rate = 0;                      // open loop when > 0
  std::string duration;                 // "10s", "500ms", "2m"; empty and no count: 10s
  uint64_t count = 0;
  std::string timeout = "10s";
  std::string poll_interval = "100ms";  // lifecycle
  bool json = false;
  // `--mode idle|watch` (hold_plan.h); "load" (default) is the request/lifecycle load above.
  std::string mode = "load";
  std::vector<int> server_pids;         // whose RSS to report (kuscia-mock, or nginx's master and workers)
  std::string heartbeat = "10s";        // watch: the server's heartbeat interval (and the embedded fake's)
  std::string heartbeat_tolerance;      // watch: empty = a fifth of --heartbeat
  int check_sample = 0;                 // idle: connections checked at the end; 0 = all
  int ramp = 64;                        // idle/watch: connections being opened at once
  // Embedded target only.
  double embedded_task_duration = 0.2;  // seconds each task of a job runs
  size_t embedded_journal_size = 1000;  // 0 switches the request journal off
};

// The id `--target embedded` prepares (and the default body asks for) when no --prepare-job is given.
inline constexpr char kDefaultBenchJob[] = "bench-finished-job";

// Registers --target, --certs, --workload, --method, --route, --body, --body-file, --prepare-job,
// --connections, --threads, --no-keep-alive, --rate, --duration, --count, --timeout, --poll-interval, --json,
// --mode, --server-pid, --heartbeat, --heartbeat-tolerance, --check-sample, --ramp,
// --embedded-task-duration, --embedded-journal-size.
void AddBenchOptions(CLI::App& cmd, BenchOptions& options);

// Exit codes: 0 the run finished without errors, 1 requests failed (errors, starved connections or failed
// jobs; for idle/watch: connections that did not open, were dropped or dead at the check, ended streams,
// missing heartbeats) or the target could not be started, 2 bad options. The report goes to `out`, diagnostics to `err`.
int RunBench(const BenchOptions& options, std::ostream& out, std::ostream& err);

// "250ms", "10s", "2m", or a bare number of seconds -> nanoseconds; InvalidArgument naming the text.
Result<std::chrono::nanoseconds> ParseBenchDuration(std::string_view text, std::string_view option);

}  // namespace kuscia::bench
