// Fault rules: which requests a fault hits (route, method, job id, how many, with what probability) and
// what it does. Rules are tried in the order they were added; the first that fires decides the request's
// fault, so one request suffers at most one fault. Each rule owns a random generator seeded by its `seed`,
// so the same requests in the same order meet the same chaos in every run.
//
//   Result<FaultRule> rule = ParseFaultRule(json::parse(R"({"route":"job.create","count":2,
//                                                           "fault":"reset_before_response"})"));
//   uint64_t id = rules.Add(*rule);
//   std::optional<FiredFault> f = rules.Decide({.method = "POST", .path = "/api/v1/job/create", .body = body});
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/status.h"
#include "mock_server/faults/fault_kind.h"

namespace kuscia::mock::faults {

struct FaultMatch {
  std::optional<std::string> path{};    // glob over the path; a route short name ("job.create") is resolved
  std::optional<std::string> method{};  // exact
  std::optional<std::string> job_id{};  // glob over the body's job_id / job_ids
};

// The parameters of a fault; which ones a kind takes is documented in docs/control-plane.md.
struct FaultParams {
  std::chrono::milliseconds delay_min{0}, delay_max{0};  // kDelay: equal for a fixed delay
  int http_status = 0;                                   // kHttpStatus
  std::optional<std::string> body{};                     // kHttpStatus: replacement body (text/plain)
  std::optional<int> api_code{};                         // kApiStatus
  std::optional<std::string> api_message{};              // kApiStatus
  std::vector<std::string> drop_fields{};                // kDropFields: JSON Pointers, e.g. "/data/status/end_time"
  std::optional<size_t> bytes{};                         // kTruncatedBody, kResetMidResponse: default half
  size_t chunk_bytes = 16;                               // kSlowBody
  std::chrono::milliseconds interval{100};               // kSlowBody
  int events = 1;                                        // kWatchCut
};

struct FaultRule {
  FaultMatch match{};
  uint64_t skip = 0;                 // let this many matching requests through first
  std::optional<uint64_t> count{};   // fire at most this many times; nullopt = every time
  double probability = 1.0;          // each eligible request fires with this probability
  uint64_t seed = 1;
  FaultKind kind = FaultKind::kDelay;
  FaultParams params{};
};

// InvalidArgument naming the offending key, with the fix. Keys: route (or path), method, job_id, skip,
// count, probability, seed, fault, and the parameters of that fault.
Result<FaultRule> ParseFaultRule(const nlohmann::json& object);
nlohmann::ordered_json FaultRuleToJson(const FaultRule& rule);

// A fault that fired for one request, with its random draws already made.
struct FiredFault {
  uint64_t rule_id = 0;
  FaultKind kind = FaultKind::kDelay;
  FaultParams params{};
  std::chrono::milliseconds delay{0};  // kDelay: the pause chosen for this request
};

// What Decide needs to know about a request. The body is only parsed when a rule matches on job ids.
struct RequestFacts {
  std::string_view method{}, path{};
  bool stream = false;  // a watch request
  std::string_view body{};
};

class FaultRuleSet {
 public:
  uint64_t Add(FaultRule rule);
  bool Remove(uint64_t id);  // false when no rule has this id
  void Clear();

  struct RuleState {
    uint64_t id = 0;
    FaultRule rule;
    uint64_t matched = 0;  // requests that met the match (including skipped ones)
    uint64_t fired = 0;
  };
  std::vector<RuleState> List() const;
  // True while some rule may still fire (one atomic load: the router's fast path).
  bool active() const { return live_.load(std::memory_order_relaxed) > 0; }

  // The fault for this request, if any. Costs one atomic load when no rule is active.
  std::optional<FiredFault> Decide(const RequestFacts& facts);

 private:
  struct Active {
    RuleState state;
    std::mt19937_64 random;
  };

  mutable std::mutex mutex_;
  std::vector<Active> rules_;
  uint64_t next_id_ = 1;
  std::atomic<size_t> live_{0};  // rules that may still fire
};

nlohmann::ordered_json RuleStateToJson(const FaultRuleSet::RuleState& state);

}  // namespace kuscia::mock::faults
