// The Kuscia API route table (reference §5.0): every HTTP path with its gRPC method, message names,
// streaming flag and whether the fake implements it. Scenario files name routes by `short_name`.
//
//   const api::RouteInfo* r = api::FindRoute("/api/v1/job/create");
//   // r->grpc_method == "kuscia.proto.api.v1alpha1.kusciaapi.JobService/CreateJob"
//   // r->request_message == "CreateJobRequest", r->short_name == "job.create"
//   const api::RouteInfo* h = api::FindRouteByShortName("health");   // POST /healthZ
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kuscia::api {

// How far the fake goes with a route. Every route is recognised (so it is never a 404).
enum class RouteSupport {
  kImplemented,  // served by the fake now (job, health)
  kPlanned,      // next in line (domain, route, domaindata, domaindatasource)
  kRecognised,   // known path, deliberately not implemented (grant, serving, appimage, config, cert, log)
};

struct RouteInfo {
  std::string path;             // "/api/v1/job/status/batchQuery" (all routes are POST)
  std::string short_name;       // "job.status.batchQuery"; "health" for /healthZ
  std::string service;          // "JobService"
  std::string method;           // "BatchQueryJobStatus" ("healthZ" for health)
  std::string grpc_method;      // "kuscia.proto.api.v1alpha1.kusciaapi.JobService/BatchQueryJobStatus"
  std::string request_message;  // "BatchQueryJobStatusRequest"
  std::string response_message; // "BatchQueryJobStatusResponse" (per event for streams)
  bool streaming = false;       // watch and log/task/query: chunked HTTP, server-streaming gRPC
  RouteSupport support = RouteSupport::kRecognised;
};

// Exact, case-sensitive match (as gin does). Null for unknown paths (the caller answers 404).
const RouteInfo* FindRoute(std::string_view path);
const RouteInfo* FindRouteByShortName(std::string_view short_name);
// Accepts "JobService/CreateJob" or the fully qualified "kuscia.proto...JobService/CreateJob".
const RouteInfo* FindRouteByGrpcMethod(std::string_view method);
const std::vector<RouteInfo>& AllRoutes();

std::string_view RouteSupportName(RouteSupport support);

}  // namespace kuscia::api
