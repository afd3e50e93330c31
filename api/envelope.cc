#include "api/envelope.h"

#include "api/go_text.h"
#include "api/json_codec.h"

namespace kuscia::api {

using nlohmann::ordered_json;

ordered_json SuccessStatus() { return ErrorStatus(0, "success"); }

ordered_json ErrorStatus(std::int32_t code, std::string_view message) {
  ordered_json status = ordered_json::object();
  status["code"] = code;
  status["message"] = std::string(message);
  status["details"] = ordered_json::array();
  return status;
}

ordered_json MakeResponse(ordered_json status, ordered_json data) {
  ordered_json response = ordered_json::object();
  response["status"] = std::move(status);
  response["data"] = std::move(data);
  return response;
}

namespace {

ordered_json ForSchema(std::string_view response_message, ordered_json response) {
  // Some responses (CreateDomainResponse, DeleteDomainDataResponse, ...) declare no `data` field.
  const MessageSchema* m = FindMessage(response_message);
  if (m != nullptr && m->FindByProtoName("data") == nullptr) response.erase("data");
  return response;
}

}  // namespace

std::string EncodeSuccessResponse(std::string_view response_message, const ordered_json& data) {
  return EncodeProtoJson(response_message, ForSchema(response_message, MakeResponse(SuccessStatus(), data)));
}

std::string EncodeErrorResponse(std::string_view response_message, std::int32_t code, std::string_view message) {
  return EncodeProtoJson(response_message, ForSchema(response_message, MakeResponse(ErrorStatus(code, message))));
}

std::string FrameworkErrorBody(std::string_view message, std::int32_t code) {
  std::string out = "{\"status\":{";
  if (code != 0) out += "\"code\":" + std::to_string(code);
  if (!message.empty()) {
    if (code != 0) out.push_back(',');
    out += "\"message\":";
    AppendProtoJsonString(message, out);
  }
  out += "}}";
  return out;
}

std::string KubeNotFoundMessage(std::string_view resource, std::string_view name) {
  return std::string(resource) + ".kuscia.secretflow " + GoQuote(name) + " not found";
}

std::string KubeAlreadyExistsMessage(std::string_view resource, std::string_view name) {
  return std::string(resource) + ".kuscia.secretflow " + GoQuote(name) + " already exists";
}

std::string JobNotFoundMessage(std::string_view job_id) { return KubeNotFoundMessage("kusciajobs", job_id); }
std::string JobExistsMessage(std::string_view job_id) { return KubeAlreadyExistsMessage("kusciajobs", job_id); }
std::string DomainNotFoundMessage(std::string_view domain_id) { return KubeNotFoundMessage("domains", domain_id); }
std::string DomainExistsMessage(std::string_view domain_id) { return KubeAlreadyExistsMessage("domains", domain_id); }

std::string DomainDataNotFoundMessage(std::string_view domaindata_id) {
  return KubeNotFoundMessage("domaindatas", domaindata_id);
}

std::string DomainDataExistsMessage(std::string_view domaindata_id) {
  return KubeAlreadyExistsMessage("domaindatas", domaindata_id);
}

std::string DomainRouteNotFoundMessage(std::string_view source, std::string_view destination) {
  return KubeNotFoundMessage("clusterdomainroutes", std::string(source) + "-" + std::string(destination));
}

std::string DomainRouteExistsMessage(std::string_view source, std::string_view destination) {
  return KubeAlreadyExistsMessage("clusterdomainroutes", std::string(source) + "-" + std::string(destination));
}

}  // namespace kuscia::api
