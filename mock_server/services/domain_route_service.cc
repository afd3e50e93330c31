#include "mock_server/services/domain_route_service.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include "api/error_codes.h"
#include "mock_server/services/service_common.h"

namespace kuscia::mock::services {
namespace {

using nlohmann::ordered_json;

constexpr char kThirdDomain[] = "THIRD-DOMAIN";
constexpr char kProtocolError[] = "DomainRoute Port Protocol should be HTTP or HTTPS or GRPC or GRPCS";

// GetDomainRouteErrorCode: NotFound 11404, AlreadyExists 11405, else the operation's code.
int RouteErrorCode(const Status& status, int fallback) {
  if (status.code() == StatusCode::kNotFound) return api::kErrDomainRouteNotExists;
  if (status.code() == StatusCode::kAlreadyExists) return api::kErrDomainRouteExists;
  return fallback;
}

// GetDomainErrorCode as CheckDomainExists uses it.
int DomainErrorCode(const Status& status) {
  return status.code() == StatusCode::kNotFound ? api::kErrDomainNotExists : api::kErrQueryDomain;
}

std::optional<std::string> SourceDestinationError(const ordered_json& request) {
  if (StrField(request, "source").empty()) return std::string("source can not be empty");
  if (StrField(request, "destination").empty()) return std::string("destination can not be empty");
  return std::nullopt;
}

std::optional<std::string> CreateRequestError(const ordered_json& request) {
  if (auto error = SourceDestinationError(request)) return error;
  if (StrField(request, "authentication_type").empty()) return std::string("authentication type can not be empty");
  const ordered_json* transit = ObjField(request, "transit");
  if (transit == nullptr) {
    const ordered_json* endpoint = ObjField(request, "endpoint");
    if (endpoint == nullptr || ArrField(*endpoint, "ports").empty()) {
      return std::string("endpoint can not be empty when transit is not set");
    }
    for (const ordered_json& port : ArrField(*endpoint, "ports")) {
      int64_t number = port.contains("port") && port["port"].is_number_integer() ? port["port"].get<int64_t>() : 0;
      // The trailing space is Kuscia's.
      if (number <= 0 || number > 65535) return std::string("endpoint port should be positive and less than or equal to 65535 ");
    }
    return std::nullopt;
  }
  std::string method = StrField(*transit, "transit_method");
  // Kuscia's own spelling.
  if (method.empty()) return std::string("tranist method is required when transit is not empty");
  if (method == kThirdDomain) {
    const ordered_json* domain = ObjField(*transit, "domain");
    if (domain == nullptr || StrField(*domain, "domain_id").empty()) {
      return std::string("domain is required when transit method is third domain");
    }
  }
  return std::nullopt;
}

ordered_json RouteStatusOf(const ordered_json& route) {
  return {{"name", route["name"]},
          {"destination", route["destination"]},
          {"source", route["source"]},
          {"status", route["status"]}};
}

}  // namespace

std::optional<std::string> NormalizeRouteProtocol(const std::string& protocol) {
  std::string upper = protocol;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  if (upper == "HTTPS" || upper == "GRPCS") upper.pop_back();
  if (upper == "HTTP" || upper == "GRPC") return upper;
  return std::nullopt;
}

ordered_json NewRouteRecord(const ordered_json& request) {
  std::string source = StrField(request, "source");
  std::string destination = StrField(request, "destination");
  std::string auth = StrField(request, "authentication_type");
  ordered_json route;
  route["name"] = store::RouteName(source, destination);
  route["authentication_type"] = auth;
  route["destination"] = destination;
  ordered_json endpoint = {{"host", ""}, {"ports", ordered_json::array()}};
  if (const ordered_json* given = ObjField(request, "endpoint")) {
    endpoint["host"] = StrField(*given, "host");
    for (const ordered_json& port : ArrField(*given, "ports")) {
      // QueryDomainRoute copies name, port, protocol and path_prefix only, so isTLS always reads false.
      endpoint["ports"].push_back({{"name", StrField(port, "name")},
                                   {"port", port.value("port", 0)},
                                   {"protocol", NormalizeRouteProtocol(StrField(port, "protocol")).value_or("")},
                                   {"isTLS", false},
                                   {"path_prefix", StrField(port, "path_prefix")}});
    }
  }
  route["endpoint"] = std::move(endpoint);
  route["source"] = source;
  route["token_config"] = nullptr;
  route["mtls_config"] = nullptr;
  if (auth == "Token") {
    const ordered_json* token = ObjField(request, "token_config");
    route["token_config"] = {
        {"destination_public_key", token ? StrField(*token, "destination_public_key") : ""},
        {"rolling_update_period", token && (*token).contains("rolling_update_period") ? (*token)["rolling_update_period"]
                                                                                        : ordered_json(0)},
        {"source_public_key", token ? StrField(*token, "source_public_key") : ""},
        {"token_gen_method", token ? StrField(*token, "token_gen_method") : "RSA-GEN"}};
  } else if (auth == "MTLS") {
    const ordered_json* mtls = ObjField(request, "mtls_config");
    route["mtls_config"] = {{"tls_ca", mtls ? StrField(*mtls, "tls_ca") : ""},
                            {"source_client_private_key", mtls ? StrField(*mtls, "source_client_private_key") : ""},
                            {"source_client_cert", mtls ? StrField(*mtls, "source_client_cert") : ""}};
  }
  route["status"] = {{"status", "Succeeded"}, {"reason", ""}};
  route["transit"] = nullptr;
  if (const ordered_json* transit = ObjField(request, "transit")) {
    ordered_json t = {{"transit_method", StrField(*transit, "transit_method")}, {"domain", nullptr}};
    if (const ordered_json* domain = ObjField(*transit, "domain")) t["domain"] = {{"domain_id", StrField(*domain, "domain_id")}};
    route["transit"] = std::move(t);
  }
  route["body_encryption"] = nullptr;
  if (const ordered_json* encryption = ObjField(request, "body_encryption")) {
    route["body_encryption"] = {{"algorithm", StrField(*encryption, "algorithm")}};
  }
  return route;
}

ordered_json DomainRouteService::CreateDomainRoute(const ordered_json& request) {
  if (auto error = CreateRequestError(request)) return ErrorResponse(api::kErrRequestValidate, *error);
  for (const char* side : {"source", "destination"}) {
    Result<ordered_json> domain = store_.GetDomain(StrField(request, side));
    if (!domain.ok()) return ErrorResponse(DomainErrorCode(domain.status()), domain.status().message());
  }
  if (const ordered_json* endpoint = ObjField(request, "endpoint")) {
    for (const ordered_json& port : ArrField(*endpoint, "ports")) {
      if (!NormalizeRouteProtocol(StrField(port, "protocol"))) return ErrorResponse(api::kErrCreateDomainRoute, kProtocolError);
    }
  }
  Status created = store_.CreateRoute(NewRouteRecord(request));
  if (!created.ok()) return ErrorResponse(RouteErrorCode(created, api::kErrCreateDomainRoute), created.message());
  return SuccessResponse();  // data stays null: Kuscia never fills CreateDomainRouteResponseData
}

ordered_json DomainRouteService::DeleteDomainRoute(const ordered_json& request) {
  if (auto error = SourceDestinationError(request)) return StatusOnlyResponse(api::kErrRequestValidate, *error);
  Status deleted = store_.DeleteRoute(StrField(request, "source"), StrField(request, "destination"));
  if (!deleted.ok()) return StatusOnlyResponse(RouteErrorCode(deleted, api::kErrDeleteDomainRoute), deleted.message());
  return StatusOnlyResponse();
}

ordered_json DomainRouteService::QueryDomainRoute(const ordered_json& request) {
  if (auto error = SourceDestinationError(request)) return ErrorResponse(api::kErrRequestValidate, *error);
  Result<ordered_json> route = store_.GetRoute(StrField(request, "source"), StrField(request, "destination"));
  if (!route.ok()) return ErrorResponse(RouteErrorCode(route.status(), api::kErrQueryDomainRoute), route.status().message());
  return SuccessResponse(std::move(route).value());
}

ordered_json DomainRouteService::BatchQueryDomainRouteStatus(const ordered_json& request) {
  const ordered_json& keys = ArrField(request, "route_keys");
  if (keys.empty()) return ErrorResponse(api::kErrRequestValidate, "DomainRoute keys can not be empty");
  for (const ordered_json& key : keys) {
    if (auto error = SourceDestinationError(key)) return ErrorResponse(api::kErrRequestValidate, *error);
  }
  ordered_json routes = ordered_json::array();
  for (const ordered_json& key : keys) {
    Result<ordered_json> route = store_.GetRoute(StrField(key, "source"), StrField(key, "destination"));
    if (!route.ok()) {
      return ErrorResponse(RouteErrorCode(route.status(), api::kErrQueryDomainRouteStatus), route.status().message());
    }
    routes.push_back(RouteStatusOf(*route));
  }
  return SuccessResponse({{"routes", std::move(routes)}});
}

}  // namespace kuscia::mock::services
