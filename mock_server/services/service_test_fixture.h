// Test support only: one fake node (engine on a manual clock, store loaded with the default state, every
// service) driven the way the HTTP layer drives it: a JSON body is decoded into the route's canonical
// request, the service answers, and the answer is encoded as Kuscia's bytes.
//
//   ServiceFixture node;                                   // master; or ServiceFixture(NodeMode::kAutonomy, "alice")
//   ServiceReply r = node.Post("/api/v1/domain/query", R"({"domain_id":"alice"})");
//   EXPECT_EQ(r.code(), 0); EXPECT_EQ(r.json["data"]["role"], "");
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "api/json_codec.h"
#include "api/routes.h"
#include "mock_server/engine/clock.h"
#include "mock_server/engine/engine.h"
#include "mock_server/services/data_services.h"
#include "mock_server/services/job_service.h"
#include "mock_server/services/state_file.h"
#include "mock_server/store/data_store.h"

namespace kuscia::mock::services {

struct ServiceReply {
  nlohmann::ordered_json json;  // canonical response
  std::string body;             // as Kuscia encodes it
  int code() const { return json["status"]["code"].get<int>(); }
  std::string message() const { return json["status"]["message"].get<std::string>(); }
};

class ServiceFixture {
 public:
  explicit ServiceFixture(NodeMode mode = NodeMode::kMaster, std::string own_domain = "", std::string ca_pem = "")
      : node_{mode, std::move(own_domain)},
        clock_(std::make_shared<engine::ManualClock>(engine::ParseRfc3339("2025-04-16T10:42:55Z").value())) {
    engine::EngineOptions options;
    options.clock = clock_;
    options.own_domain = node_.own_domain;
    options.domains = {};
    options.seed = 7;
    engine_ = std::make_unique<engine::Engine>(options);
    Status applied = ApplyState(DefaultState(node_, clock_->Now()), "default", store_, *engine_, node_);
    EXPECT_TRUE(applied.ok()) << applied;
    data_ = std::make_unique<DataServices>(store_, *engine_, node_, ca_pem, /*seed=*/42);
    jobs_ = std::make_unique<JobService>(*engine_);
    for (auto& [path, method] : data_->Routes()) methods_.emplace(path, method);
    auto bind = [this](auto method) {
      return ServiceMethod([this, method](const nlohmann::ordered_json& r) { return (jobs_.get()->*method)(r); });
    };
    methods_.emplace("/api/v1/job/create", bind(&JobService::CreateJob));
    methods_.emplace("/api/v1/job/query", bind(&JobService::QueryJob));
    methods_.emplace("/api/v1/job/status/batchQuery", bind(&JobService::BatchQueryJobStatus));
    methods_.emplace("/api/v1/job/approve", bind(&JobService::ApproveJob));
    methods_.emplace("/api/v1/job/delete", bind(&JobService::DeleteJob));
  }

  ServiceReply Post(const std::string& path, const std::string& body) {
    const api::RouteInfo* route = api::FindRoute(path);
    EXPECT_NE(route, nullptr) << path;
    if (route == nullptr) return {};
    Result<nlohmann::ordered_json> request = api::DecodeJsonRequest(body, route->request_message);
    EXPECT_TRUE(request.ok()) << request.status();
    if (!request.ok()) return {};
    auto method = methods_.find(path);
    EXPECT_NE(method, methods_.end()) << path;
    if (method == methods_.end()) return {};
    ServiceReply reply;
    reply.json = method->second(*request);
    reply.body = api::EncodeProtoJson(route->response_message, reply.json);
    return reply;
  }

  void Advance(std::chrono::milliseconds delta) { ASSERT_TRUE(clock_->Advance(delta).ok()); }
  std::string JobState(const std::string& job_id) {
    ServiceReply r = Post("/api/v1/job/query", R"({"job_id":")" + job_id + R"("})");
    return r.code() == 0 ? r.json["data"]["status"]["state"].get<std::string>() : "(" + r.message() + ")";
  }

  store::DataStore& store() { return store_; }
  engine::Engine& engine() { return *engine_; }

 private:
  NodeIdentity node_;
  std::shared_ptr<engine::ManualClock> clock_;
  store::DataStore store_;
  std::unique_ptr<engine::Engine> engine_;
  std::unique_ptr<DataServices> data_;
  std::unique_ptr<JobService> jobs_;
  std::unordered_map<std::string, ServiceMethod> methods_;
};

// One row of a service's rule table: a request, and the code and message Kuscia answers it with.
struct RuleCase {
  const char* name;
  const char* path;
  std::string body;
  int code;
  std::string message;
};
inline void PrintTo(const RuleCase& c, std::ostream* os) { *os << c.name; }

inline void ExpectRuleAnswer(ServiceFixture& node, const RuleCase& c) {
  ServiceReply reply = node.Post(c.path, c.body);
  EXPECT_EQ(reply.code(), c.code) << reply.body;
  EXPECT_EQ(reply.message(), c.message) << reply.body;
}

// The tail of Kubernetes' message for a name that is not a DNS-1123 label.
inline const std::string kDns1123RegexText =
    R"(regex used for validation is "^[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?$" )";

}  // namespace kuscia::mock::services
