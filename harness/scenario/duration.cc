#include "harness/scenario/duration.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace kuscia::harness {

Result<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  std::string s(text);
  auto bad = [&] {
    return InvalidArgument("'" + s + "' is not a duration; write e.g. 250ms, 2s, 1.5s or 1m");
  };
  size_t unit = s.find_first_not_of("0123456789.");
  if (unit == 0 || unit == std::string::npos) return bad();
  std::string number = s.substr(0, unit), suffix = s.substr(unit);
  char* end = nullptr;
  double value = std::strtod(number.c_str(), &end);
  if (end != number.c_str() + number.size() || value < 0) return bad();
  double ms;
  if (suffix == "ms") ms = value;
  else if (suffix == "s") ms = value * 1000;
  else if (suffix == "m") ms = value * 60000;
  else return bad();
  return std::chrono::milliseconds(static_cast<long long>(std::llround(ms)));
}

std::string FormatDuration(std::chrono::milliseconds d) {
  if (d.count() < 1000) return std::to_string(d.count()) + "ms";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1fs", static_cast<double>(d.count()) / 1000.0);
  return buf;
}

}  // namespace kuscia::harness
