#include "api/routes.h"

#include <unordered_map>

namespace kuscia::api {
namespace {

constexpr std::string_view kGrpcPackage = "kuscia.proto.api.v1alpha1.kusciaapi.";

struct Spec {
  std::string_view path;
  std::string_view service;
  std::string_view method;
  std::string_view request;   // empty: <method>Request
  std::string_view response;  // empty: <method>Response
  bool streaming;
  RouteSupport support;
};

constexpr RouteSupport kNow = RouteSupport::kImplemented;
constexpr RouteSupport kNo = RouteSupport::kRecognised;

// Order and contents follow registerGroupRoutes in pkg/kusciaapi/bean/http_server_bean.go (reference §5.0).
constexpr Spec kSpecs[] = {
    {"/api/v1/job/create", "JobService", "CreateJob", "", "", false, kNow},
    {"/api/v1/job/query", "JobService", "QueryJob", "", "", false, kNow},
    {"/api/v1/job/status/batchQuery", "JobService", "BatchQueryJobStatus", "", "", false, kNow},
    {"/api/v1/job/delete", "JobService", "DeleteJob", "", "", false, kNow},
    {"/api/v1/job/stop", "JobService", "StopJob", "", "", false, kNow},
    {"/api/v1/job/suspend", "JobService", "SuspendJob", "", "", false, kNow},
    {"/api/v1/job/restart", "JobService", "RestartJob", "", "", false, kNow},
    {"/api/v1/job/cancel", "JobService", "CancelJob", "", "", false, kNow},
    {"/api/v1/job/approve", "JobService", "ApproveJob", "", "", false, kNow},
    {"/api/v1/job/watch", "JobService", "WatchJob", "", "WatchJobEventResponse", true, kNow},

    {"/api/v1/domain/create", "DomainService", "CreateDomain", "", "", false, kNow},
    {"/api/v1/domain/query", "DomainService", "QueryDomain", "", "", false, kNow},
    {"/api/v1/domain/update", "DomainService", "UpdateDomain", "", "", false, kNow},
    {"/api/v1/domain/delete", "DomainService", "DeleteDomain", "", "", false, kNow},
    {"/api/v1/domain/batchQuery", "DomainService", "BatchQueryDomain", "", "", false, kNow},

    {"/api/v1/route/create", "DomainRouteService", "CreateDomainRoute", "", "", false, kNow},
    {"/api/v1/route/delete", "DomainRouteService", "DeleteDomainRoute", "", "", false, kNow},
    {"/api/v1/route/query", "DomainRouteService", "QueryDomainRoute", "", "", false, kNow},
    {"/api/v1/route/status/batchQuery", "DomainRouteService", "BatchQueryDomainRouteStatus", "", "", false, kNow},

    {"/api/v1/domaindata/create", "DomainDataService", "CreateDomainData", "", "", false, kNow},
    {"/api/v1/domaindata/update", "DomainDataService", "UpdateDomainData", "", "", false, kNow},
    {"/api/v1/domaindata/delete", "DomainDataService", "DeleteDomainData", "", "", false, kNow},
    {"/api/v1/domaindata/deleteDataAndRaw", "DomainDataService", "DeleteDomainDataAndRaw", "", "", false, kNow},
    {"/api/v1/domaindata/query", "DomainDataService", "QueryDomainData", "", "", false, kNow},
    {"/api/v1/domaindata/batchQuery", "DomainDataService", "BatchQueryDomainData", "", "", false, kNow},
    {"/api/v1/domaindata/list", "DomainDataService", "ListDomainData", "", "", false, kNow},

    {"/api/v1/domaindatasource/create", "DomainDataSourceService", "CreateDomainDataSource", "", "", false, kNow},
    {"/api/v1/domaindatasource/update", "DomainDataSourceService", "UpdateDomainDataSource", "", "", false, kNow},
    {"/api/v1/domaindatasource/delete", "DomainDataSourceService", "DeleteDomainDataSource", "", "", false, kNow},
    {"/api/v1/domaindatasource/query", "DomainDataSourceService", "QueryDomainDataSource", "", "", false, kNow},
    {"/api/v1/domaindatasource/batchQuery", "DomainDataSourceService", "BatchQueryDomainDataSource", "", "", false,
     kNow},
    {"/api/v1/domaindatasource/list", "DomainDataSourceService", "ListDomainDataSource", "", "", false, kNow},

    {"/api/v1/domaindatagrant/create", "DomainDataGrantService", "CreateDomainDataGrant", "", "", false, kNo},
    {"/api/v1/domaindatagrant/update", "DomainDataGrantService", "UpdateDomainDataGrant", "", "", false, kNo},
    {"/api/v1/domaindatagrant/delete", "DomainDataGrantService", "DeleteDomainDataGrant", "", "", false, kNo},
    {"/api/v1/domaindatagrant/query", "DomainDataGrantService", "QueryDomainDataGrant", "", "", false, kNo},
    {"/api/v1/domaindatagrant/batchQuery", "DomainDataGrantService", "BatchQueryDomainDataGrant", "", "", false, kNo},
    {"/api/v1/domaindatagrant/list", "DomainDataGrantService", "ListDomainDataGrant", "", "", false, kNo},

    {"/api/v1/serving/create", "ServingService", "CreateServing", "", "", false, kNo},
    {"/api/v1/serving/update", "ServingService", "UpdateServing", "", "", false, kNo},
    {"/api/v1/serving/delete", "ServingService", "DeleteServing", "", "", false, kNo},
    {"/api/v1/serving/query", "ServingService", "QueryServing", "", "", false, kNo},
    {"/api/v1/serving/status/batchQuery", "ServingService", "BatchQueryServingStatus", "", "", false, kNo},

    {"/api/v1/appimage/create", "AppImageService", "CreateAppImage", "", "", false, kNo},
    {"/api/v1/appimage/update", "AppImageService", "UpdateAppImage", "", "", false, kNo},
    {"/api/v1/appimage/delete", "AppImageService", "DeleteAppImage", "", "", false, kNo},
    {"/api/v1/appimage/query", "AppImageService", "QueryAppImage", "", "", false, kNo},
    {"/api/v1/appimage/list", "AppImageService", "ListAppImage", "", "", false, kNo},
    {"/api/v1/appimage/batchQuery", "AppImageService", "BatchQueryAppImage", "", "", false, kNo},

    {"/api/v1/config/create", "ConfigService", "CreateConfig", "", "", false, kNo},
    {"/api/v1/config/query", "ConfigService", "QueryConfig", "", "", false, kNo},
    {"/api/v1/config/update", "ConfigService", "UpdateConfig", "", "", false, kNo},
    {"/api/v1/config/delete", "ConfigService", "DeleteConfig", "", "", false, kNo},
    {"/api/v1/config/batchQuery", "ConfigService", "BatchQueryConfig", "", "", false, kNo},

    {"/api/v1/certificate/generate", "CertificateService", "GenerateKeyCerts", "", "", false, kNo},

    {"/api/v1/log/task/query", "LogService", "QueryLog", "", "", true, kNo},
    {"/api/v1/log/node/query", "LogService", "QueryPodNode", "", "", false, kNo},

    {"/healthZ", "HealthService", "healthZ", "HealthRequest", "HealthResponse", false, kNow},
};

std::string ShortName(std::string_view path) {
  if (path == "/healthZ") return "health";
  constexpr std::string_view kPrefix = "/api/v1/";
  std::string out(path.substr(kPrefix.size()));
  for (char& c : out) {
    if (c == '/') c = '.';
  }
  return out;
}

struct Table {
  std::vector<RouteInfo> routes;
  std::unordered_map<std::string_view, const RouteInfo*> by_path;
  std::unordered_map<std::string_view, const RouteInfo*> by_short_name;
  std::unordered_map<std::string_view, const RouteInfo*> by_grpc;

  Table() {
    routes.reserve(std::size(kSpecs));
    for (const Spec& s : kSpecs) {
      RouteInfo& r = routes.emplace_back();
      r.path = s.path;
      r.short_name = ShortName(s.path);
      r.service = s.service;
      r.method = s.method;
      r.grpc_method = std::string(kGrpcPackage) + std::string(s.service) + "/" + std::string(s.method);
      r.request_message = s.request.empty() ? std::string(s.method) + "Request" : std::string(s.request);
      r.response_message = s.response.empty() ? std::string(s.method) + "Response" : std::string(s.response);
      r.streaming = s.streaming;
      r.support = s.support;
    }
    // Maps are filled after the vector stops growing, so the views and pointers stay valid.
    for (const RouteInfo& r : routes) {
      by_path.emplace(r.path, &r);
      by_short_name.emplace(r.short_name, &r);
      by_grpc.emplace(r.grpc_method, &r);
    }
  }
};

const Table& GetTable() {
  static const Table table;
  return table;
}

const RouteInfo* Lookup(const std::unordered_map<std::string_view, const RouteInfo*>& map, std::string_view key) {
  auto it = map.find(key);
  return it == map.end() ? nullptr : it->second;
}

}  // namespace

const RouteInfo* FindRoute(std::string_view path) { return Lookup(GetTable().by_path, path); }

const RouteInfo* FindRouteByShortName(std::string_view short_name) {
  return Lookup(GetTable().by_short_name, short_name);
}

const RouteInfo* FindRouteByGrpcMethod(std::string_view method) {
  if (!method.empty() && method.front() == '/') method.remove_prefix(1);
  if (method.substr(0, kGrpcPackage.size()) != kGrpcPackage) {
    return Lookup(GetTable().by_grpc, std::string(kGrpcPackage) + std::string(method));
  }
  return Lookup(GetTable().by_grpc, method);
}

const std::vector<RouteInfo>& AllRoutes() { return GetTable().routes; }

std::string_view RouteSupportName(RouteSupport support) {
  switch (support) {
    case RouteSupport::kImplemented: return "implemented";
    case RouteSupport::kPlanned: return "planned";
    case RouteSupport::kRecognised: return "recognised";
  }
  return "";
}

}  // namespace kuscia::api
