// Durations as people type them in control-plane requests: Go's syntax ("250ms", "2s", "1.5m", "1h30m"),
// at millisecond resolution. A bare JSON number is taken as milliseconds by the callers.
//
//   Result<std::chrono::milliseconds> d = ParseDuration("1m30s");   // 90000 ms
//   FormatDuration(std::chrono::milliseconds(2000));                 // "2s" (1500 ms prints "1500ms")
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "api/status.h"

namespace kuscia::mock::faults {

// Units: ms, s, m, h; a sequence of number+unit pairs; "0" alone is zero. Negative values are refused.
Result<std::chrono::milliseconds> ParseDuration(std::string_view text);
// A JSON string in ParseDuration's syntax, or a non-negative number of milliseconds. `what` names the
// field in the error ("'delay'").
Result<std::chrono::milliseconds> DurationFromJson(const nlohmann::json& value, std::string_view what);
std::string FormatDuration(std::chrono::milliseconds d);

}  // namespace kuscia::mock::faults
