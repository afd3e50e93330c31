#include "mock_server/faults/duration.h"

#include <cmath>
#include <cstdlib>

namespace kuscia::mock::faults {

Result<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return InvalidArgument("duration '" + std::string(text) + "' " + std::string(why) +
                           "; write it like 250ms, 2s, 1.5m or 1h30m");
  };
  if (text == "0") return std::chrono::milliseconds(0);
  if (text.empty()) return bad("is empty");
  double total_ms = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
    if (i == start) return bad("needs a number before each unit");
    std::string number(text.substr(start, i - start));
    char* end = nullptr;
    double value = std::strtod(number.c_str(), &end);
    if (end != number.c_str() + number.size()) return bad("has a malformed number");
    size_t unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    std::string_view unit = text.substr(unit_start, i - unit_start);
    double scale = 0;
    if (unit == "ms") {
      scale = 1;
    } else if (unit == "s") {
      scale = 1000;
    } else if (unit == "m") {
      scale = 60000;
    } else if (unit == "h") {
      scale = 3600000;
    } else {
      return bad(unit.empty() ? "is missing a unit" : "has an unknown unit '" + std::string(unit) + "'");
    }
    total_ms += value * scale;
  }
  if (!std::isfinite(total_ms) || total_ms > 1e15) return bad("is too large");
  return std::chrono::milliseconds(static_cast<int64_t>(std::llround(total_ms)));
}

Result<std::chrono::milliseconds> DurationFromJson(const nlohmann::json& value, std::string_view what) {
  if (value.is_string()) {
    Result<std::chrono::milliseconds> d = ParseDuration(value.get<std::string>());
    if (!d.ok()) return d.status().WithContext(std::string(what));
    return d;
  }
  if (value.is_number() && value.get<double>() >= 0 && std::isfinite(value.get<double>())) {
    return std::chrono::milliseconds(static_cast<int64_t>(std::llround(value.get<double>())));
  }
  return InvalidArgument(std::string(what) + " must be a duration such as \"250ms\" or \"2s\" (or a number of "
                         "milliseconds), got " + value.dump());
}

std::string FormatDuration(std::chrono::milliseconds d) {
  int64_t ms = d.count();
  if (ms % 1000 != 0 || ms == 0) return std::to_string(ms) + "ms";
  return std::to_string(ms / 1000) + "s";
}

}  // namespace kuscia::mock::faults
