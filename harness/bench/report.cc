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

}  // namespace kuscia::bench
