// The Kuscia response envelope (reference §3, §8.2) and the Kubernetes-style messages services quote.
//
//   ordered_json resp = api::MakeResponse(api::SuccessStatus(), {{"job_id", "j1"}});
//   std::string body = api::EncodeProtoJson("CreateJobResponse", resp);
//   // {"status":{"code":0,"message":"success","details":[]},"data":{"job_id":"j1"}}
//   std::string err = api::EncodeErrorResponse("QueryJobResponse", api::kErrQueryJob, api::JobNotFoundMessage("j1"));
//   // {"status":{"code":11202,"message":"kusciajobs.kuscia.secretflow \"j1\" not found","details":[]},"data":null}
//   std::string framework = api::FrameworkErrorBody("EOF");   // {"status":{"code":11101,"message":"EOF"}}
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace kuscia::api {

// {"code":0,"message":"success","details":[]}
nlohmann::ordered_json SuccessStatus();
// {"code":code,"message":message,"details":[]}
nlohmann::ordered_json ErrorStatus(std::int32_t code, std::string_view message);

// {"status":status,"data":data}; data null means "unset" (business errors).
nlohmann::ordered_json MakeResponse(nlohmann::ordered_json status, nlohmann::ordered_json data = nullptr);

// A response message already in its wire bytes (protojson), with its status.code for logs and the journal.
struct EncodedResponse {
  std::int32_t code = 0;
  std::string body;
};

// Encoded business responses of the named response message (fields it lacks, such as `data` on
// CreateDomainResponse, are simply not there).
std::string EncodeSuccessResponse(std::string_view response_message, const nlohmann::ordered_json& data);
std::string EncodeErrorResponse(std::string_view response_message, std::int32_t code, std::string_view message);

// The decode/panic error body: protojson.Marshal without EmitUnpopulated of {status{11101, message}}, so
// no `details` and no `data` (and no `message` when it is empty).
std::string FrameworkErrorBody(std::string_view message, std::int32_t code = 11101);

// apimachinery's NotFound / AlreadyExists texts: `<resource>.kuscia.secretflow "<name>" not found`, with
// the name quoted like Go's %q.
std::string KubeNotFoundMessage(std::string_view resource, std::string_view name);
std::string KubeAlreadyExistsMessage(std::string_view resource, std::string_view name);

std::string JobNotFoundMessage(std::string_view job_id);        // kusciajobs.kuscia.secretflow "<id>" not found
std::string JobExistsMessage(std::string_view job_id);          // ... "<id>" already exists
std::string DomainNotFoundMessage(std::string_view domain_id);  // domains.kuscia.secretflow ...
std::string DomainExistsMessage(std::string_view domain_id);
std::string DomainDataNotFoundMessage(std::string_view domaindata_id);  // domaindatas.kuscia.secretflow ...
std::string DomainDataExistsMessage(std::string_view domaindata_id);
// Routes are named "<source>-<destination>": clusterdomainroutes.kuscia.secretflow "<src>-<dst>" not found.
std::string DomainRouteNotFoundMessage(std::string_view source, std::string_view destination);
std::string DomainRouteExistsMessage(std::string_view source, std::string_view destination);

}  // namespace kuscia::api
