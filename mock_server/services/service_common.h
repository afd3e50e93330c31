// Small helpers shared by the domain, route and data services: reading fields of canonical requests that
// tests may also pass partially, and building the {status, data} response.
//
//   std::string id = StrField(request, "domain_id");
//   return ErrorResponse(api::kErrRequestValidate, "domain id can not be empty");
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "api/envelope.h"

namespace kuscia::mock::services {

inline std::string StrField(const nlohmann::ordered_json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Null when absent or not an object (canonical null = unset message).
inline const nlohmann::ordered_json* ObjField(const nlohmann::ordered_json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_object() ? &*it : nullptr;
}

inline const nlohmann::ordered_json& ArrField(const nlohmann::ordered_json& object, const char* key) {
  static const nlohmann::ordered_json kEmpty = nlohmann::ordered_json::array();
  auto it = object.find(key);
  return it != object.end() && it->is_array() ? *it : kEmpty;
}

inline nlohmann::ordered_json SuccessResponse(nlohmann::ordered_json data = nullptr) {
  return api::MakeResponse(api::SuccessStatus(), std::move(data));
}

inline nlohmann::ordered_json ErrorResponse(std::int32_t code, const std::string& message) {
  return api::MakeResponse(api::ErrorStatus(code, message));
}

// For response messages that declare no `data` field (CreateDomainResponse, DeleteDomainDataResponse, ...).
inline nlohmann::ordered_json StatusOnlyResponse(std::int32_t code = 0, const std::string& message = "") {
  nlohmann::ordered_json response;
  response["status"] = code == 0 ? api::SuccessStatus() : api::ErrorStatus(code, message);
  return response;
}

}  // namespace kuscia::mock::services
