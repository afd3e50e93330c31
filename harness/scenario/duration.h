// Durations as scenario files and the command line write them: "250ms", "2s", "1.5s", "1m".
//
//   Result<std::chrono::milliseconds> d = ParseDuration("1.5s");   // 1500 ms
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "api/status.h"

namespace kuscia::harness {

Result<std::chrono::milliseconds> ParseDuration(std::string_view text);
std::string FormatDuration(std::chrono::milliseconds d);  // "1.5s", "250ms"

}  // namespace kuscia::harness
