// The faults the fake can inject, declared once: each kind's wire name and one line on what the client
// sees. docs/control-plane.md documents each kind's parameters; scenario files use the names.
//
//   Result<FaultKind> kind = ParseFaultKind("truncated_body");
//   FaultKindName(FaultKind::kDelay);   // "delay"
#pragma once

#include <string_view>
#include <vector>

#include "api/status.h"

namespace kuscia::mock::faults {

enum class FaultKind {
  kDelay,                 // the answer comes after a fixed or uniformly random pause (other connections unaffected)
  kHttpStatus,            // the answer carries another HTTP status (and optionally another body)
  kApiStatus,             // the JSON body's status.code and/or status.message are replaced
  kDropFields,            // the JSON body loses the members at `fields` (JSON Pointers): a server that omits data
  kMalformedJson,         // the body is cut in half, with a matching Content-Length: complete HTTP, broken JSON
  kTruncatedBody,         // Content-Length announces the whole body, only its first `bytes` arrive, then FIN
  kCloseAfterHeaders,     // the response head arrives (announcing a body), then FIN
  kResetBeforeResponse,   // TCP RST instead of any answer
  kResetMidResponse,      // the head and the first `bytes` of the body, then TCP RST
  kSlowBody,              // the body dribbles out `chunk_bytes` at a time, one piece per `interval`, then FIN
  kWatchCut,              // a watch stream is cut (FIN, no final chunk) after `events` events
  kWatchNoHeartbeats,     // a watch stream never sends its heartbeat events
  kWatchDuplicateEvents,  // a watch stream sends every event twice
};

std::string_view FaultKindName(FaultKind kind);
std::string_view FaultKindMeaning(FaultKind kind);
const std::vector<FaultKind>& AllFaultKinds();
// InvalidArgument listing every name when `name` is not one.
Result<FaultKind> ParseFaultKind(std::string_view name);

// Which requests a kind can act on: unary answers, watch streams, or both.
bool AppliesToUnary(FaultKind kind);
bool AppliesToStream(FaultKind kind);

}  // namespace kuscia::mock::faults
