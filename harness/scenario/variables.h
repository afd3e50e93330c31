// ${name} substitution in strings and JSON values. Variables are strings: built-ins (run_id, uid, ...),
// a scenario's `variables`, and values captured from responses.
//
//   Variables vars{{"uid", "kc1a2b-s3"}};
//   Result<std::string> s = vars.Expand("${uid}-tutorial");          // "kc1a2b-s3-tutorial"
//   Result<nlohmann::json> body = vars.ExpandJson(step.body);         // every string inside, keys too
#pragma once

#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "api/status.h"

namespace kuscia::harness::scenario {

class Variables {
 public:
  Variables() = default;
  Variables(std::initializer_list<std::pair<const std::string, std::string>> init) : values_(init) {}

  void Set(const std::string& name, std::string value) { values_[name] = std::move(value); }
  const std::string* Find(const std::string& name) const;

  // NotFound naming the variable when one is undefined.
  Result<std::string> Expand(std::string_view text) const;
  Result<nlohmann::json> ExpandJson(const nlohmann::json& value) const;

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace kuscia::harness::scenario
