#include "mock_server/services/generated_ids.h"

#include <cctype>
#include <cstdio>

namespace kuscia::mock::services {

std::string DomainDataIdPrefix(std::string_view name) {
  std::string kept;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '-') {
      kept.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
  }
  size_t start = kept.find_first_not_of("0123456789/-");
  kept = start == std::string::npos ? "" : kept.substr(start);
  if (kept.size() > 16) kept.resize(16);
  return kept;
}

IdGenerator::IdGenerator(uint64_t seed) : random_(seed != 0 ? seed : std::random_device{}()) {}

std::string IdGenerator::Hex32() {
  std::lock_guard lock(mu_);
  char hex[33];
  std::snprintf(hex, sizeof hex, "%016llx%016llx", static_cast<unsigned long long>(random_()),
                static_cast<unsigned long long>(random_()));
  return hex;
}

std::string IdGenerator::DomainDataId(std::string_view name) {
  std::string prefix = DomainDataIdPrefix(name);
  return prefix.empty() ? Hex32() : prefix + "-" + Hex32();
}

}  // namespace kuscia::mock::services
