#include "harness/bench/bench.h"

#include <CLI/CLI.hpp>
#include <charconv>
#include <chrono>
#include <memory>
#include <optional>
#include <thread>

#include <unistd.h>

#include "certs/kuscia_dir.h"
#include "harness/bench/hold_plan.h"
#include "harness/bench/process_stats.h"
#include "harness/bench/report.h"
#include "harness/bench/tutorial_job.h"
#include "mock_server/server.h"
#include "sys/files.h"

namespace kuscia::bench {

namespace {

struct ParsedUrl {
  bool tls = true;
  std::string host;
  uint16_t port = 0;
};

Result<ParsedUrl> ParseUrl(const std::string& url) {
  ParsedUrl parsed;
  std::string_view rest(url);
  if (rest.starts_with("https://")) {
    rest.remove_prefix(8);
  } else if (rest.starts_with("http://")) {
    parsed.tls = false;
    rest.remove_prefix(7);
  } else {
    return InvalidArgument("--target must be 'embedded' or an http(s) URL such as https://127.0.0.1:8082, got '" + url + "'");
  }
  rest = rest.substr(0, rest.find('/'));
  size_t colon = rest.rfind(':');
  if (colon == std::string_view::npos) {
    parsed.host = std::string(rest);
    parsed.port = parsed.tls ? 443 : 80;
  } else {
    parsed.host = std::string(rest.substr(0, colon));
    std::string_view port = rest.substr(colon + 1);
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), parsed.port);
    if (ec != std::errc() || p != port.data() + port.size() || parsed.port == 0) {
      return InvalidArgument("bad port in --target '" + url + "'");
    }
  }
  if (parsed.host.size() > 2 && parsed.host.front() == '[' && parsed.host.back() == ']') {
    parsed.host = parsed.host.substr(1, parsed.host.size() - 2);
  }
  if (parsed.host.empty()) return InvalidArgument("no host in --target '" + url + "'");
  return parsed;
}

// The Kuscia cert directory as a client uses it: prefer the clientAuth certificate, fall back to the server
// certificate (Kuscia's docs use it as the client identity).
Status FillCredentials(const std::filesystem::path& dir, bool tls, LoadPlan& plan) {
  certs::KusciaDirPaths paths = certs::KusciaPathsIn(dir);
  if (std::filesystem::exists(paths.token)) {
    KC_ASSIGN_OR_RETURN(plan.token, sys::ReadFile(paths.token));
  }
  if (!tls) return OkStatus();
  if (!std::filesystem::exists(paths.ca_cert)) {
    return InvalidArgument(paths.ca_cert.string() + " is missing: --certs must name a Kuscia cert directory");
  }
  TlsFiles files{.ca_cert = paths.ca_cert};
  if (std::filesystem::exists(paths.client_cert) && std::filesystem::exists(paths.client_key)) {
    files.client_cert = paths.client_cert;
    files.client_key = paths.client_key;
  } else if (std::filesystem::exists(paths.server_cert) && std::filesystem::exists(paths.server_key)) {
    files.client_cert = paths.server_cert;
    files.client_key = paths.server_key;
  }
  plan.tls = files;
  return OkStatus();
}

// Creates the tutorial job (an existing one is fine) and polls until it reaches a terminal state.
Status PrepareFinishedJob(const LoadPlan& plan, const std::string& job_id) {
  KC_ASSIGN_OR_RETURN(SimpleReply created, RoundTrip(plan, "POST", kCreateJobRoute, TutorialCreateJobBody(job_id)));
  if (created.status != 200) {
    return FailedPrecondition("preparing job " + job_id + ": create answered HTTP " + std::to_string(created.status));
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::string last;
  while (std::chrono::steady_clock::now() < deadline) {
    KC_ASSIGN_OR_RETURN(SimpleReply status, RoundTrip(plan, "POST", kBatchQueryJobRoute, BatchQueryBody(job_id)));
    nlohmann::json doc = nlohmann::json::parse(status.body, nullptr, false);
    const nlohmann::json::json_pointer state_at("/data/jobs/0/status/state");
    if (!doc.is_discarded() && doc.contains(state_at) && doc[state_at].is_string()) {
      last = doc[state_at].get<std::string>();
      if (IsTerminalJobState(last)) return OkStatus();
    } else {
      return FailedPrecondition("preparing job " + job_id + ": batchQuery answered HTTP " +
                                std::to_string(status.status) + " " + status.body.substr(0, 200));
    }
    // Not a test synchronisation: a client polling a server it does not control, as Kuscia users do.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return DeadlineExceeded("preparing job " + job_id + ": still '" + last + "' after 60 s");
}

Result<LoadPlan> PlanFromOptions(const BenchOptions& options) {
  LoadPlan plan;
  if (options.workload == "lifecycle") {
    plan.workload = Workload::kLifecycle;
  } else if (options.workload != "request") {
    return InvalidArgument("--workload must be 'request' or 'lifecycle', got '" + options.workload + "'");
  }
  plan.method = options.method;
  plan.route = options.route;
  if (!options.body.empty() && !options.body_file.empty()) return InvalidArgument("give --body or --body-file, not both");
  if (!options.body_file.empty()) {
    KC_ASSIGN_OR_RETURN(plan.body, sys::ReadFile(options.body_file));
  } else if (!options.body.empty()) {
    plan.body = options.body;
  } else if (options.route == kBatchQueryJobRoute) {
    plan.body = BatchQueryBody(options.prepare_job.empty() ? kDefaultBenchJob : options.prepare_job);
  }
  plan.connections = options.connections;
  plan.threads = options.threads;
  plan.keep_alive = !options.no_keep_alive;
  plan.rate = options.rate;
  plan.count = options.count;
  if (!options.duration.empty()) {
    KC_ASSIGN_OR_RETURN(plan.duration, ParseBenchDuration(options.duration, "--duration"));
  } else if (options.count == 0) {
    plan.duration = std::chrono::seconds(10);
  }
  KC_ASSIGN_OR_RETURN(auto timeout, ParseBenchDuration(options.timeout, "--timeout"));
  plan.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(timeout);
  KC_ASSIGN_OR_RETURN(auto poll, ParseBenchDuration(options.poll_interval, "--poll-interval"));
  plan.poll_interval = std::chrono::duration_cast<std::chrono::milliseconds>(poll);
  if (options.target == "embedded") {
    plan.port = 1;  // replaced by the embedded server's port; lets ValidatePlan check the rest now
  } else {
    KC_ASSIGN_OR_RETURN(ParsedUrl url, ParseUrl(options.target));
    plan.host = url.host;
    plan.port = url.port;
    if (options.certs_dir.empty() && url.tls) {
      return InvalidArgument("--certs DIR is required for an https target (ca.crt, client certificate, token)");
    }
    if (!options.certs_dir.empty()) KC_RETURN_IF_ERROR(FillCredentials(options.certs_dir, url.tls, plan));
  }
  if (options.embedded_task_duration < 0) return InvalidArgument("--embedded-task-duration must be >= 0");
  KC_RETURN_IF_ERROR(ValidatePlan(plan));
  return plan;
}

// The idle/watch settings on top of the resolved target; RunBench fills in the target once it is running.
Result<HoldPlan> HoldPlanFromOptions(const BenchOptions& options, const LoadPlan& target) {
  HoldPlan plan;
  plan.mode = options.mode == "idle" ? HoldMode::kIdle : HoldMode::kWatch;
  plan.target = target;
  plan.ramp = options.ramp;
  plan.check_sample = options.check_sample;
  if (options.count != 0) return InvalidArgument("--count does not apply to --mode " + options.mode + ": it holds connections for --duration");
  if (options.rate != 0) return InvalidArgument("--rate does not apply to --mode " + options.mode);
  if (options.no_keep_alive) return InvalidArgument("--no-keep-alive contradicts --mode " + options.mode + ", which holds connections open");
  if (options.workload != "request") return InvalidArgument("--workload does not apply to --mode " + options.mode);
  if (options.ramp < 1) return InvalidArgument("--ramp must be at least 1");
  if (options.check_sample < 0) return InvalidArgument("--check-sample must be >= 0 (0 = every connection)");
  KC_ASSIGN_OR_RETURN(plan.heartbeat, ParseBenchDuration(options.heartbeat, "--heartbeat"));
  if (plan.heartbeat.count() <= 0) return InvalidArgument("--heartbeat must be positive");
  if (!options.heartbeat_tolerance.empty()) {
    KC_ASSIGN_OR_RETURN(plan.heartbeat_tolerance, ParseBenchDuration(options.heartbeat_tolerance, "--heartbeat-tolerance"));
  }
  if (!options.server_pids.empty()) {
    if (options.target == "embedded") {
      return InvalidArgument("--server-pid is for a separately started server; the embedded fake is this process");
    }
    std::vector<pid_t> pids(options.server_pids.begin(), options.server_pids.end());
    KC_RETURN_IF_ERROR(ReadProcessesMemory(pids).status());  // fail now, not after opening N connections
    plan.sample_server_memory = [pids] { return ReadProcessesMemory(pids); };
    std::string listed;
    for (pid_t pid : pids) listed += (listed.empty() ? "" : "+") + std::to_string(pid);
    plan.memory_source = "pid " + listed + " (VmRSS/VmHWM of /proc/PID/status" + (pids.size() > 1 ? ", summed)" : ")");
  }
  return plan;
}

// A server that will run out of descriptors before holding N connections fails in confusing ways
// (accept errors, resets): say so up front.
void WarnAboutServerFileLimits(const BenchOptions& options, int connections, std::ostream& err) {
  for (int pid : options.server_pids) {
    Result<uint64_t> limit = OpenFileLimitOf(pid);
    if (limit.ok() && *limit < static_cast<uint64_t>(connections) + 16) {
      err << "bench: warning: server pid " << pid << " may open only " << *limit << " files (soft limit) but "
          << connections << " connections were asked for; start it after `ulimit -n " << connections + 1024 << "`\n";
    }
  }
}

int RunHoldAndReport(const BenchOptions& options, const HoldPlan& plan, std::ostream& out, std::ostream& err) {
  WarnAboutServerFileLimits(options, plan.target.connections, err);
  Result<HoldResult> result = RunHold(plan);
  if (!result.ok()) {
    err << "bench: " << result.status().message() << "\n";
    return result.status().code() == StatusCode::kInvalidArgument ? 2 : 1;
  }
  if (options.json) {
    out << HoldResultToJson(*result, plan).dump(2) << "\n";
  } else {
    PrintHoldReport(*result, plan, out);
  }
  return result->Failed(plan) ? 1 : 0;
}

}  // namespace

Result<std::chrono::nanoseconds> ParseBenchDuration(std::string_view text, std::string_view option) {
  double value = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  std::string_view unit(p, static_cast<size_t>(text.data() + text.size() - p));
  double scale = 0;
  if (unit.empty() || unit == "s") scale = 1e9;
  else if (unit == "ms") scale = 1e6;
  else if (unit == "us") scale = 1e3;
  else if (unit == "m") scale = 60e9;
  if (ec != std::errc() || scale == 0 || value < 0) {
    return InvalidArgument(std::string(option) + " must look like 250ms, 10s or 2m, got '" + std::string(text) + "'");
  }
  return std::chrono::nanoseconds(static_cast<int64_t>(value * scale));
}

void AddBenchOptions(CLI::App& cmd, BenchOptions& o) {
  cmd.add_option("--target", o.target, "'embedded' (an in-process kuscia-mock on port 0) or a URL, e.g. https://127.0.0.1:8082");
  cmd.add_option("--certs", o.certs_dir, "Kuscia cert directory of a URL target (ca.crt, kusciaapi-client.* or -server.*, token)");
  cmd.add_option("--workload", o.workload, "request (one route and body, default) or lifecycle (create, poll, delete jobs)");
  cmd.add_option("--method", o.method, "HTTP method of the request workload (default POST)");
  cmd.add_option("--route", o.route, "Route of the request workload (default /api/v1/job/status/batchQuery)");
  cmd.add_option("--body", o.body, "Request body (JSON text)");
  cmd.add_option("--body-file", o.body_file, "Read the request body from this file");
  cmd.add_option("--prepare-job", o.prepare_job, "Before measuring, create the tutorial job with this id and wait until it is terminal");
  cmd.add_option("--connections,-c", o.connections, "Concurrent connections (default 16)");
  cmd.add_option("--threads", o.threads, "Event-loop threads of the load generator (default 1)");
  cmd.add_flag("--no-keep-alive", o.no_keep_alive, "Open a new connection (full TLS handshake) for every request");
  cmd.add_option("--rate", o.rate, "Open loop: requests (lifecycle: jobs) per second, latency from the scheduled time; 0 = closed loop");
  cmd.add_option("--duration,-d", o.duration, "Stop issuing after this long, e.g. 10s (default 10s unless --count)");
  cmd.add_option("--count,-n", o.count, "Stop after this many requests (lifecycle: jobs)");
  cmd.add_option("--timeout", o.timeout, "Per-request timeout (default 10s)");
  cmd.add_option("--poll-interval", o.poll_interval, "Lifecycle: pause between status polls (default 100ms)");
  cmd.add_flag("--json", o.json, "Print the report as JSON");
  cmd.add_option("--mode", o.mode, "load (default: requests/lifecycle), idle (hold --connections keep-alive connections "
                                   "for --duration, then check them) or watch (hold WatchJob streams, judge heartbeats)");
  cmd.add_option("--server-pid", o.server_pids, "idle/watch: report this server process's RSS (repeat to sum, e.g. nginx workers)");
  cmd.add_option("--heartbeat", o.heartbeat, "watch: the server's heartbeat interval (default 10s, as Kuscia; also sets the embedded fake's)");
  cmd.add_option("--heartbeat-tolerance", o.heartbeat_tolerance, "watch: lateness still on time (default a fifth of --heartbeat)");
  cmd.add_option("--check-sample", o.check_sample, "idle: check this many connections at the end, spread evenly (default 0 = all)");
  cmd.add_option("--ramp", o.ramp, "idle/watch: connections being opened at once (default 64)");
  cmd.add_option("--embedded-task-duration", o.embedded_task_duration, "Embedded target: seconds each task runs (default 0.2)");
  cmd.add_option("--embedded-journal-size", o.embedded_journal_size, "Embedded target: request journal size (0 = off)");
}

int RunBench(const BenchOptions& options, std::ostream& out, std::ostream& err) {
  bool hold = options.mode == "idle" || options.mode == "watch";
  if (!hold && options.mode != "load") {
    err << "bench: --mode must be load, idle or watch, got '" << options.mode << "'\n";
    return 2;
  }
  Result<LoadPlan> planned = PlanFromOptions(options);
  if (!planned.ok()) {
    err << "bench: " << planned.status().message() << "\n";
    return 2;
  }
  LoadPlan plan = std::move(planned).value();
  std::optional<HoldPlan> hold_plan;
  if (hold) {
    Result<HoldPlan> held = HoldPlanFromOptions(options, plan);
    if (!held.ok()) {
      err << "bench: " << held.status().message() << "\n";
      return 2;
    }
    hold_plan = std::move(held).value();
  }

  std::unique_ptr<sys::TempDir> temp;
  std::unique_ptr<mock::MockServer> embedded;
  std::string prepare = options.prepare_job;
  if (options.target == "embedded") {
    if (hold) {
      // The embedded fake holds the other end of every connection in this same process.
      hold_plan->extra_open_files = static_cast<uint64_t>(plan.connections);
      if (Result<uint64_t> raised = RaiseOpenFileLimit(2 * static_cast<uint64_t>(plan.connections) + 64); !raised.ok()) {
        err << "bench: " << raised.status().message() << "\n";
        return 1;
      }
    }
    temp = std::make_unique<sys::TempDir>("kuscia-bench");
    mock::MockServerOptions server_options;
    server_options.certs_dir = temp->path();
    server_options.port = 0;
    server_options.task_duration =
        std::chrono::milliseconds(static_cast<int64_t>(options.embedded_task_duration * 1000));
    server_options.journal_size = options.embedded_journal_size;
    if (hold_plan) {
      server_options.heartbeat = std::chrono::duration_cast<std::chrono::milliseconds>(hold_plan->heartbeat);
    }
    auto started = mock::MockServer::Start(server_options);
    if (!started.ok()) {
      err << "bench: starting the embedded fake: " << started.status().message() << "\n";
      return 1;
    }
    embedded = std::move(started).value();
    plan.port = embedded->port();
    if (Status filled = FillCredentials(embedded->certs_dir(), true, plan); !filled.ok()) {
      err << "bench: " << filled.message() << "\n";
      return 1;
    }
    bool default_request = plan.workload == Workload::kRequest && options.route == kBatchQueryJobRoute &&
                           options.body.empty() && options.body_file.empty();
    if (prepare.empty() && (default_request || options.mode == "watch")) prepare = kDefaultBenchJob;
  }
  if (!prepare.empty()) {
    if (Status prepared = PrepareFinishedJob(plan, prepare); !prepared.ok()) {
      err << "bench: " << prepared.message() << "\n";
      return 1;
    }
  }
  if (hold_plan) {
    hold_plan->target = plan;
    if (options.mode == "watch") hold_plan->expected_job = prepare;
    if (embedded) {
      pid_t self = getpid();
      hold_plan->sample_server_memory = [self] { return ReadProcessMemory(self); };
      hold_plan->memory_source =
          "this process (pid " + std::to_string(self) + "): the embedded fake AND the bench's own client side of "
          "every connection; start kuscia-mock separately and pass --server-pid for the server alone";
    }
    return RunHoldAndReport(options, *hold_plan, out, err);
  }
  Result<BenchResult> result = RunLoad(plan);
  if (!result.ok()) {
    err << "bench: " << result.status().message() << "\n";
    return result.status().code() == StatusCode::kInvalidArgument ? 2 : 1;
  }
  if (options.json) {
    out << BenchResultToJson(*result, plan).dump(2) << "\n";
  } else {
    PrintTextReport(*result, plan, out);
  }
  bool failed = result->errors > 0 || result->starved_connections > 0 || result->job_failures > 0;
  return failed ? 1 : 0;
}

}  // namespace kuscia::bench
