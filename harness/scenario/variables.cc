#include "harness/scenario/variables.h"

namespace kuscia::harness::scenario {

const std::string* Variables::Find(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? nullptr : &it->second;
}

Result<std::string> Variables::Expand(std::string_view text) const {
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t start = text.find("${", pos);
    if (start == std::string_view::npos) break;
    size_t end = text.find('}', start);
    if (end == std::string_view::npos) break;
    out.append(text.substr(pos, start - pos));
    std::string name(text.substr(start + 2, end - start - 2));
    const std::string* value = Find(name);
    if (!value) return NotFound("variable ${" + name + "} is not defined");
    out += *value;
    pos = end + 1;
  }
  out.append(text.substr(pos));
  return out;
}

Result<nlohmann::json> Variables::ExpandJson(const nlohmann::json& value) const {
  if (value.is_string()) {
    KC_ASSIGN_OR_RETURN(std::string expanded, Expand(value.get<std::string>()));
    return nlohmann::json(expanded);
  }
  if (value.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& item : value) {
      KC_ASSIGN_OR_RETURN(nlohmann::json expanded, ExpandJson(item));
      out.push_back(std::move(expanded));
    }
    return out;
  }
  if (value.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [key, item] : value.items()) {
      KC_ASSIGN_OR_RETURN(std::string expanded_key, Expand(key));
      KC_ASSIGN_OR_RETURN(nlohmann::json expanded, ExpandJson(item));
      out[expanded_key] = std::move(expanded);
    }
    return out;
  }
  return value;
}

}  // namespace kuscia::harness::scenario
