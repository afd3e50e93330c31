#include "mock_server/journal/request_facts.h"

#include <nlohmann/json.hpp>

namespace kuscia::mock::journal {

bool MatchGlob(std::string_view pattern, std::string_view text) {
  // Iterative matching with one backtrack point: linear for the patterns people write (`job-*-psi`).
  size_t p = 0, t = 0;
  size_t star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::vector<std::string> ExtractJobIds(std::string_view body) {
  std::vector<std::string> ids;
  // Cheap pre-check: most bodies of routes without job ids never reach the parser.
  if (body.find("job_id") == std::string_view::npos && body.find("jobId") == std::string_view::npos) return ids;
  nlohmann::json parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) return ids;
  for (const char* key : {"job_id", "jobId"}) {
    auto found = parsed.find(key);
    if (found != parsed.end() && found->is_string()) ids.push_back(found->get<std::string>());
  }
  for (const char* key : {"job_ids", "jobIds"}) {
    auto found = parsed.find(key);
    if (found == parsed.end() || !found->is_array()) continue;
    for (const auto& id : *found) {
      if (id.is_string()) ids.push_back(id.get<std::string>());
    }
  }
  return ids;
}

}  // namespace kuscia::mock::journal
