// JobService (reference §5.1): canonical request in, canonical response ({status, data}) out, with every
// validation rule, message and error code of the KusciaAPI. State lives in the engine.
//
//   engine::Engine engine(options);
//   JobService jobs(engine);
//   nlohmann::ordered_json response = jobs.CreateJob(api::DecodeJsonRequest(body, "CreateJobRequest").value());
//   auto bytes = jobs.EncodedBatchQueryJobStatus(request);  // nullopt: answer with BatchQueryJobStatus(request)
//
// Watch is not here: the HTTP and gRPC layers stream engine::Engine::Subscribe events directly.
#pragma once

#include <optional>

#include <nlohmann/json.hpp>

#include "api/envelope.h"
#include "mock_server/engine/engine.h"

namespace kuscia::mock::services {

class JobService {
 public:
  explicit JobService(engine::Engine& engine) : engine_(engine) {}

  nlohmann::ordered_json CreateJob(const nlohmann::ordered_json& request);
  nlohmann::ordered_json QueryJob(const nlohmann::ordered_json& request);
  nlohmann::ordered_json BatchQueryJobStatus(const nlohmann::ordered_json& request);
  // BatchQueryJobStatus's success answer, joined from the engine's cached encodings of each job: the same
  // bytes as EncodeProtoJson of BatchQueryJobStatus's document, without building it (the hot polling path).
  // Nullopt whenever BatchQueryJobStatus would answer an error: errors are answered only there.
  std::optional<api::EncodedResponse> EncodedBatchQueryJobStatus(const nlohmann::ordered_json& request);
  nlohmann::ordered_json DeleteJob(const nlohmann::ordered_json& request);
  nlohmann::ordered_json StopJob(const nlohmann::ordered_json& request);
  nlohmann::ordered_json SuspendJob(const nlohmann::ordered_json& request);
  nlohmann::ordered_json RestartJob(const nlohmann::ordered_json& request);
  nlohmann::ordered_json CancelJob(const nlohmann::ordered_json& request);
  nlohmann::ordered_json ApproveJob(const nlohmann::ordered_json& request);

 private:
  engine::Engine& engine_;
};

}  // namespace kuscia::mock::services
