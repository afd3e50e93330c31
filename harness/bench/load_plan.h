// LoadPlan and BenchResult: what the load engine is told to do (resolved, validated) and what it counts.
// `RunBench` (bench.h) turns command-line options and a target into a LoadPlan; tests build one directly.
//
//   LoadPlan plan{.host = "127.0.0.1", .port = port, .tls = tls, .token = token, .connections = 4,
//                 .count = 1000};
//   KC_ASSIGN_OR_RETURN(BenchResult result, RunLoad(plan));
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "api/status.h"
#include "harness/bench/histogram.h"

namespace kuscia::bench {

enum class Workload {
  kRequest,    // the same request again and again
  kLifecycle,  // create a job, poll its status until terminal, delete it
};

// Why a request produced no HTTP response. One line each; the names appear in the report.
enum class ErrorClass {
  kConnect,        // TCP connect failed (refused, unreachable)
  kTlsHandshake,   // the TLS handshake failed (either side rejected the other's certificate, protocol),
                   // including TLS 1.3 rejections that arrive as the first write/read of the connection fails
  kClosed,         // the server closed the connection before any byte of the response
  kReset,          // the connection broke in the middle of the response
  kTimeout,        // no complete response within the request timeout
  kBadResponse,    // bytes that are not an HTTP/1.x response the bench understands
};
inline constexpr int kErrorClassCount = 6;
std::string_view ErrorClassName(ErrorClass error);

struct TlsFiles {
  std::filesystem::path ca_cert{};    // verifies the server
  std::filesystem::path client_cert{};  // presented for mutual TLS; empty = none
  std::filesystem::path client_key{};
};

struct LoadPlan {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  std::optional<TlsFiles> tls;       // nullopt = plain HTTP
  std::string token;                 // sent as `Token:`; empty = no header
  Workload workload = Workload::kRequest;
  std::string method = "POST";
  std::string route = "/api/v1/job/status/batchQuery";
  std::string body;
  int connections = 16;
  int threads = 1;                   // event loops; each drives connections/threads connections
  bool keep_alive = true;            // false: `Connection: close` and a new TCP + TLS handshake per request
  double rate = 0;                   // open loop: requests (lifecycle: job creations) per second; 0 = closed loop
  std::chrono::nanoseconds duration{0};  // 0 = bounded by count only
  uint64_t count = 0;                // requests (lifecycle: jobs); 0 = bounded by duration only
  std::chrono::milliseconds timeout{10000};
  std::chrono::milliseconds poll_interval{100};  // lifecycle: between status polls
  std::string job_prefix = "bench";  // lifecycle: job ids are <prefix>-<run>-<n>
};

struct BenchResult {
  double elapsed_seconds = 0;
  uint64_t requests = 0;                    // complete HTTP responses
  uint64_t errors = 0;                      // requests that ended in an ErrorClass
  uint64_t error_counts[kErrorClassCount] = {};
  std::string first_error[kErrorClassCount];  // the first message seen per class
  std::map<int, uint64_t> http_status;      // HTTP status -> responses
  std::map<std::string, uint64_t> api_code; // envelope status.code ("none" when absent) -> responses
  LatencyHistogram latency;                 // from the scheduled send time (open loop) or the send (closed)
  uint64_t connects = 0;                    // TCP connections opened (= TLS handshakes under TLS)
  int connections = 0;
  int starved_connections = 0;              // connections that completed no request at all
  // Lifecycle workload.
  uint64_t jobs_completed = 0;              // jobs seen in a terminal state
  uint64_t job_failures = 0;                // jobs whose create/poll/delete got a non-success answer
  std::map<std::string, uint64_t> job_states;  // terminal state -> jobs
  LatencyHistogram job_latency;             // create scheduled -> terminal state observed

  double requests_per_second() const { return elapsed_seconds > 0 ? requests / elapsed_seconds : 0; }
};

// InvalidArgument for a plan that cannot run (no bound, zero connections, unreadable TLS files, ...).
Status ValidatePlan(const LoadPlan& plan);

// Runs the plan to its bound and returns what happened. Errors of individual requests are counted in the
// result; a non-OK Status means the run could not start (bad TLS files, unresolvable host).
Result<BenchResult> RunLoad(const LoadPlan& plan);

// One blocking request over a fresh connection (setup steps such as preparing a finished job).
struct SimpleReply {
  int status = 0;
  std::string body;
};
Result<SimpleReply> RoundTrip(const LoadPlan& plan, const std::string& method, const std::string& route,
                              const std::string& body);

}  // namespace kuscia::bench
