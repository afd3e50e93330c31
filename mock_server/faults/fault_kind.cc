#include "mock_server/faults/fault_kind.h"

#include <string>

namespace kuscia::mock::faults {
namespace {

struct KindRow {
  FaultKind kind;
  std::string_view name;
  std::string_view meaning;
  bool unary;
  bool stream;
};

constexpr KindRow kKinds[] = {
    {FaultKind::kDelay, "delay", "answer after a fixed or uniformly random pause", true, false},
    {FaultKind::kHttpStatus, "http_status", "answer with another HTTP status (and optionally body)", true, false},
    {FaultKind::kApiStatus, "api_status", "replace status.code / status.message in the JSON body", true, false},
    {FaultKind::kDropFields, "drop_fields", "remove the members at `fields` (JSON Pointers) from the JSON body", true,
     false},
    {FaultKind::kMalformedJson, "malformed_json", "send half the body as a complete response: broken JSON", true,
     false},
    {FaultKind::kTruncatedBody, "truncated_body", "announce the whole body, send `bytes` of it, then FIN", true,
     false},
    {FaultKind::kCloseAfterHeaders, "close_after_headers", "send the response head, then FIN", true, false},
    {FaultKind::kResetBeforeResponse, "reset_before_response", "TCP RST instead of an answer", true, true},
    {FaultKind::kResetMidResponse, "reset_mid_response", "send the head and `bytes` of the body, then TCP RST", true,
     false},
    {FaultKind::kSlowBody, "slow_body", "dribble the body `chunk_bytes` per `interval`, then FIN", true, false},
    {FaultKind::kWatchCut, "watch_cut", "cut a watch stream after `events` events (FIN, no final chunk)", false,
     true},
    {FaultKind::kWatchNoHeartbeats, "watch_no_heartbeats", "a watch stream sends no heartbeats", false, true},
    {FaultKind::kWatchDuplicateEvents, "watch_duplicate_events", "a watch stream sends every event twice", false,
     true},
};

const KindRow& Row(FaultKind kind) {
  for (const KindRow& row : kKinds) {
    if (row.kind == kind) return row;
  }
  return kKinds[0];
}

}  // namespace

std::string_view FaultKindName(FaultKind kind) { return Row(kind).name; }
std::string_view FaultKindMeaning(FaultKind kind) { return Row(kind).meaning; }
bool AppliesToUnary(FaultKind kind) { return Row(kind).unary; }
bool AppliesToStream(FaultKind kind) { return Row(kind).stream; }

const std::vector<FaultKind>& AllFaultKinds() {
  static const std::vector<FaultKind> all = [] {
    std::vector<FaultKind> kinds;
    for (const KindRow& row : kKinds) kinds.push_back(row.kind);
    return kinds;
  }();
  return all;
}

Result<FaultKind> ParseFaultKind(std::string_view name) {
  std::string names;
  for (const KindRow& row : kKinds) {
    if (row.name == name) return row.kind;
    names += (names.empty() ? "" : ", ") + std::string(row.name);
  }
  return InvalidArgument("unknown fault '" + std::string(name) + "'; use one of: " + names);
}

}  // namespace kuscia::mock::faults
