#include "harness/bench/report.h"

#include <cstdio>
#include <string>

namespace kuscia::bench {

namespace {

double Millis(uint64_t nanos) { return static_cast<double>(nanos) / 1e6; }

nlohmann::json LatencyJson(const LatencyHistogram& h) {
  return nlohmann::json{{"p50", Millis(h.ValueAtPercentile(50))},   {"p90", Millis(h.ValueAtPercentile(90))},
                        {"p99", Millis(h.ValueAtPercentile(99))},   {"p99_9", Millis(h.ValueAtPercentile(99.9))},
                        {"max", Millis(h.max())},                   {"mean", h.mean() / 1e6},
                        {"min", Millis(h.min())},                   {"count", h.count()}};
}

std::string TargetText(const LoadPlan& plan) {
  return std::string(plan.tls ? "https://" : "http://") + plan.host + ":" + std::to_string(plan.port);
}

std::string Fixed(double value, int digits) {
  char text[64];
  std::snprintf(text, sizeof(text), "%.*f", digits, value);
  return text;
}

void PrintLatencyLine(const char* label, const LatencyHistogram& h, std::ostream& out) {
  out << label << " p50 " << Fixed(Millis(h.ValueAtPercentile(50)), 3) << "  p90 "
      << Fixed(Millis(h.ValueAtPercentile(90)), 3) << "  p99 " << Fixed(Millis(h.ValueAtPercentile(99)), 3)
      << "  p99.9 " << Fixed(Millis(h.ValueAtPercentile(99.9)), 3) << "  max " << Fixed(Millis(h.max()), 3)
      << "  (ms)\n";
}

nlohmann::json ErrorsJson(const uint64_t (&counts)[kErrorClassCount], const std::string (&first)[kErrorClassCount]) {
  nlohmann::json by_class = nlohmann::json::object();
  nlohmann::json first_messages = nlohmann::json::object();
  for (int i = 0; i < kErrorClassCount; ++i) {
    std::string name(ErrorClassName(static_cast<ErrorClass>(i)));
    by_class[name] = counts[i];
    if (!first[i].empty()) first_messages[name] = first[i];
  }
  return {{"by_class", by_class}, {"first", first_messages}};
}

void PrintErrorLines(const uint64_t (&counts)[kErrorClassCount], const std::string (&first)[kErrorClassCount],
                     std::ostream& out) {
  for (int i = 0; i < kErrorClassCount; ++i) {
    if (counts[i] == 0) continue;
    out << "  " << ErrorClassName(static_cast<ErrorClass>(i)) << ": " << counts[i] << " (first: " << first[i] << ")\n";
  }
}

double Millis(std::chrono::nanoseconds duration) { return std::chrono::duration<double, std::milli>(duration).count(); }

// The server's growth per open connection, from the samples before opening and at the end of the hold.
double PerConnectionKb(const HoldResult& result) {
  const ServerMemory& memory = result.server_memory;
  if (!memory.measured || result.established == 0 || memory.held_kb < memory.before_kb) return 0;
  return static_cast<double>(memory.held_kb - memory.before_kb) / result.established;
}

}  // namespace

nlohmann::json BenchResultToJson(const BenchResult& result, const LoadPlan& plan) {
  nlohmann::json doc;
  doc["target"] = TargetText(plan);
  doc["settings"] = {{"workload", plan.workload == Workload::kLifecycle ? "lifecycle" : "request"},
                     {"method", plan.method},
                     {"route", plan.workload == Workload::kLifecycle ? "job create/status/delete" : plan.route},
                     {"connections", plan.connections},
                     {"threads", plan.threads},
                     {"keep_alive", plan.keep_alive},
                     {"mode", plan.rate > 0 ? "open-loop" : "closed-loop"},
                     {"rate", plan.rate},
                     {"duration_seconds", std::chrono::duration<double>(plan.duration).count()},
                     {"count", plan.count},
                     {"mutual_tls", plan.tls && !plan.tls->client_cert.empty()}};
  doc["elapsed_seconds"] = result.elapsed_seconds;
  doc["requests"] = result.requests;
  doc["requests_per_second"] = result.requests_per_second();
  doc["latency_ms"] = LatencyJson(result.latency);
  nlohmann::json statuses = nlohmann::json::object();
  for (const auto& [status, n] : result.http_status) statuses[std::to_string(status)] = n;
  doc["http_status"] = statuses;
  nlohmann::json codes = nlohmann::json::object();
  for (const auto& [code, n] : result.api_code) codes[code] = n;
  doc["api_code"] = codes;
  nlohmann::json by_class = nlohmann::json::object();
  nlohmann::json first = nlohmann::json::object();
  for (int i = 0; i < kErrorClassCount; ++i) {
    std::string name(ErrorClassName(static_cast<ErrorClass>(i)));
    by_class[name] = result.error_counts[i];
    if (!result.first_error[i].empty()) first[name] = result.first_error[i];
  }
  doc["errors"] = {{"total", result.errors}, {"by_class", by_class}, {"first", first}};
  doc["connections"] = result.connections;
  doc["connects"] = result.connects;
  doc["starved_connections"] = result.starved_connections;
  if (plan.workload == Workload::kLifecycle) {
    nlohmann::json states = nlohmann::json::object();
    for (const auto& [state, n] : result.job_states) states[state] = n;
    doc["jobs"] = {{"completed", result.jobs_completed},
                   {"failures", result.job_failures},
                   {"states", states},
                   {"latency_ms", LatencyJson(result.job_latency)}};
  }
  return doc;
}

void PrintTextReport(const BenchResult& result, const LoadPlan& plan, std::ostream& out) {
  out << "target      " << TargetText(plan) << "  "
      << (plan.workload == Workload::kLifecycle ? std::string("lifecycle") : plan.method + " " + plan.route) << "\n";
  out << "settings    " << plan.connections << " connections, " << plan.threads << " thread(s), "
      << (plan.keep_alive ? "keep-alive" : "new connection per request") << ", "
      << (plan.rate > 0 ? "open loop at " + Fixed(plan.rate, 1) + "/s" : std::string("closed loop")) << "\n";
  out << "requests    " << result.requests << " in " << Fixed(result.elapsed_seconds, 3) << " s = "
      << Fixed(result.requests_per_second(), 1) << " req/s\n";
  PrintLatencyLine("latency    ", result.latency, out);
  out << "http status";
  for (const auto& [status, n] : result.http_status) out << "  " << status << ": " << n;
  out << "\nstatus.code";
  for (const auto& [code, n] : result.api_code) out << "  " << code << ": " << n;
  out << "\nerrors      " << result.errors;
  for (int i = 0; i < kErrorClassCount; ++i) {
    if (result.error_counts[i] == 0) continue;
    out << "\n  " << ErrorClassName(static_cast<ErrorClass>(i)) << ": " << result.error_counts[i] << " (first: "
        << result.first_error[i] << ")";
  }
  out << "\nconnections " << result.connections << " (" << result.connects << " connects, "
      << result.starved_connections << " starved)\n";
  if (plan.workload == Workload::kLifecycle) {
    out << "jobs        " << result.jobs_completed << " completed, " << result.job_failures << " failures";
    for (const auto& [state, n] : result.job_states) out << "  " << state << ": " << n;
    out << "\n";
    PrintLatencyLine("job latency", result.job_latency, out);
  }
}

nlohmann::json HoldResultToJson(const HoldResult& result, const HoldPlan& plan) {
  const LoadPlan& target = plan.target;
  nlohmann::json doc;
  doc["mode"] = HoldModeName(plan.mode);
  doc["target"] = TargetText(target);
  doc["settings"] = {{"connections", target.connections},
                     {"threads", target.threads},
                     {"hold_seconds", std::chrono::duration<double>(target.duration).count()},
                     {"ramp", plan.ramp},
                     {"timeout_ms", static_cast<double>(target.timeout.count())},
                     {"mutual_tls", target.tls && !target.tls->client_cert.empty()}};
  if (plan.mode == HoldMode::kIdle) {
    doc["settings"]["request"] = target.method + " " + target.route;
    doc["settings"]["check_sample"] = plan.check_sample;
  } else {
    doc["settings"]["heartbeat_ms"] = Millis(plan.heartbeat);
    doc["settings"]["heartbeat_tolerance_ms"] = Millis(EffectiveHeartbeatTolerance(plan));
    doc["settings"]["expected_job"] = plan.expected_job;
  }
  nlohmann::json connections = ErrorsJson(result.error_counts, result.first_error);
  doc["connections"] = {{"requested", result.connections},
                        {"established", result.established},
                        {"failed", result.failed},
                        {"closed_during_hold", result.closed_during_hold},
                        {"first_close_reason", result.first_close_reason},
                        {"errors", connections}};
  doc["establish"] = {{"seconds", result.establish_seconds},
                      {"per_second", result.establish_seconds > 0 ? result.established / result.establish_seconds : 0.0},
                      {"latency_ms", LatencyJson(result.establish_latency)}};
  doc["hold_seconds"] = result.hold_seconds;
  if (plan.mode == HoldMode::kIdle) {
    nlohmann::json statuses = nlohmann::json::object();
    for (const auto& [status, n] : result.check_http_status) statuses[std::to_string(status)] = n;
    doc["idle"] = {{"checked", result.checked},
                   {"alive", result.alive},
                   {"failed", result.check_failed},
                   {"http_status", statuses},
                   {"errors", ErrorsJson(result.check_error_counts, result.first_check_error)}};
  } else {
    const HeartbeatStats& beats = result.heartbeats;
    doc["watch"] = {{"streams_open_at_end", result.streams_open_at_end},
                    {"initial_events", result.initial_events},
                    {"streams_with_initial_events", result.streams_with_initial_events},
                    {"streams_with_expected_job", result.streams_with_expected_job},
                    {"events", {{"added", result.events_added},
                                {"modified", result.events_modified},
                                {"deleted", result.events_deleted},
                                {"other", result.events_other}}},
                    {"first_event_ms", LatencyJson(result.first_event_latency)},
                    {"heartbeats", {{"received", beats.received},
                                    {"unjudged", beats.unjudged},
                                    {"on_time", beats.on_time},
                                    {"late", beats.late},
                                    {"early", beats.early},
                                    {"missing", beats.missing},
                                    {"streams_with_heartbeat", beats.streams_with_heartbeat},
                                    {"lateness_ms", LatencyJson(beats.lateness)}}}};
  }
  const ServerMemory& memory = result.server_memory;
  doc["server_memory"] = {{"measured", memory.measured},
                          {"source", memory.source},
                          {"before_kb", memory.before_kb},
                          {"open_kb", memory.open_kb},
                          {"held_kb", memory.held_kb},
                          {"max_kb", memory.max_kb},
                          {"hwm_kb", memory.hwm_kb},
                          {"per_connection_kb", PerConnectionKb(result)},
                          {"error", memory.error}};
  doc["open_file_limit"] = result.open_file_limit;
  doc["failed"] = result.Failed(plan);
  return doc;
}

void PrintHoldReport(const HoldResult& result, const HoldPlan& plan, std::ostream& out) {
  const LoadPlan& target = plan.target;
  out << "target      " << TargetText(target) << "  --mode " << HoldModeName(plan.mode) << "  ("
      << (plan.mode == HoldMode::kIdle ? target.method + " " + target.route : std::string(kWatchJobRoute)) << ")\n";
  out << "settings    " << target.connections << " connections, " << target.threads << " thread(s), ramp "
      << plan.ramp << ", hold " << Fixed(std::chrono::duration<double>(target.duration).count(), 1) << " s";
  if (plan.mode == HoldMode::kWatch) {
    out << ", heartbeat " << Fixed(Millis(plan.heartbeat), 0) << " ms +- " << Fixed(Millis(EffectiveHeartbeatTolerance(plan)), 0)
        << " ms";
  }
  out << "\nopened      " << result.established << " of " << result.connections << " in "
      << Fixed(result.establish_seconds, 3) << " s, " << result.failed << " failed\n";
  PrintErrorLines(result.error_counts, result.first_error, out);
  PrintLatencyLine("open time  ", result.establish_latency, out);
  out << "held        " << Fixed(result.hold_seconds, 3) << " s, " << result.closed_during_hold
      << " closed by the server during the hold";
  if (!result.first_close_reason.empty()) out << " (first: " << result.first_close_reason << ")";
  out << "\n";
  if (plan.mode == HoldMode::kIdle) {
    out << "check       " << result.alive << " of " << result.checked << " checked connections answered, "
        << result.check_failed << " failed";
    for (const auto& [status, n] : result.check_http_status) out << "  " << status << ": " << n;
    out << "\n";
    PrintErrorLines(result.check_error_counts, result.first_check_error, out);
  } else {
    const HeartbeatStats& beats = result.heartbeats;
    out << "streams     " << result.streams_open_at_end << " open at the end; initial events " << result.initial_events
        << " on " << result.streams_with_initial_events << " streams";
    if (!plan.expected_job.empty()) out << ", job " << plan.expected_job << " on " << result.streams_with_expected_job;
    out << "\nevents      added " << result.events_added << ", modified " << result.events_modified << ", deleted "
        << result.events_deleted << ", other " << result.events_other << "\n";
    PrintLatencyLine("first event", result.first_event_latency, out);
    out << "heartbeats  " << beats.received << " received on " << beats.streams_with_heartbeat << " streams: "
        << beats.on_time << " on time, " << beats.late << " late, " << beats.early << " early, " << beats.missing
        << " missing (" << beats.unjudged << " not judged: they followed an object read while connections were still opening)\n";
    PrintLatencyLine("lateness   ", beats.lateness, out);
  }
  const ServerMemory& memory = result.server_memory;
  if (memory.measured) {
    auto mb = [](uint64_t kb) { return Fixed(static_cast<double>(kb) / 1024, 1); };
    out << "server RSS  " << mb(memory.before_kb) << " MB before, " << mb(memory.open_kb) << " MB open, "
        << mb(memory.held_kb) << " MB at the end of the hold (max " << mb(memory.max_kb) << " MB, VmHWM "
        << mb(memory.hwm_kb) << " MB), " << Fixed(PerConnectionKb(result), 1) << " KB per connection\n";
    out << "            measured: " << memory.source << "\n";
  } else {
    out << "server RSS  not measured" << (memory.error.empty() ? std::string(" (give --server-pid PID)") : ": " + memory.error)
        << "\n";
  }
  if (memory.measured && !memory.error.empty()) out << "            (a sample failed: " << memory.error << ")\n";
}

}  // namespace kuscia::bench
