// TEST SUPPORT ONLY: a kuscia-mock on port 0 with its admin listener, driven by the real curl — the API
// exactly as the Kuscia docs call it, the control plane as the README shows it.
//
//   StartServer([](MockServerOptions& o) { o.clock = ClockKind::kManual; });
//   Json id = AdminJson("POST", "/admin/faults", R"({"route":"job.create","fault":"malformed_json"})");
//   CurlResult r = Api("/api/v1/job/create", JobBody("job-a"));
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "certs/kuscia_dir.h"
#include "mock_server/control/control_plane.h"
#include "mock_server/server.h"
#include "sys/files.h"
#include "testing/curl.h"
#include "testing/status_matchers.h"
#include "testing/wait.h"

namespace kuscia::mock::control::testing {

using ::kuscia::testing::CurlCall;
using ::kuscia::testing::CurlResult;
using ::kuscia::testing::RunCurl;
using Json = nlohmann::ordered_json;
using namespace std::chrono_literals;

// A one-task job between the default domains; the task runs for the engine's task duration.
inline std::string JobBody(const std::string& job_id) {
  return R"({"job_id":")" + job_id +
         R"(","initiator":"alice","max_parallelism":1,"tasks":[{"app_image":"secretflow-image",)"
         R"("parties":[{"domain_id":"alice"},{"domain_id":"bob"}],"alias":"job-psi","task_input_config":"{}"}]})";
}

class ControlE2eTest : public ::testing::Test {
 protected:
  void StartServer(const std::function<void(MockServerOptions&)>& tweak = {}) {
    certs::KusciaDirOptions certs_options;
    certs_options.dir = dir_.path() / "certs";
    certs_options.add_host_sans = false;
    ASSERT_THAT(certs::WriteKusciaDir(certs_options).status(), ::kuscia::testing::IsOk());
    MockServerOptions options;
    options.certs_dir = certs_options.dir;
    options.port = 0;
    options.task_duration = 100ms;
    options.threads = 2;
    options.admin = "127.0.0.1:0";
    if (tweak) tweak(options);
    Result<std::unique_ptr<MockServer>> server = MockServer::Start(options);
    ASSERT_THAT(server.status(), ::kuscia::testing::IsOk());
    server_ = std::move(server).value();
  }

  // The API the documented way: mTLS client certificate, token from the file.
  CurlCall ApiCall(const std::string& path, std::optional<std::string> body = "{}") const {
    CurlCall call;
    call.url = server_->base_url() + path;
    if (server_->base_url().rfind("https", 0) == 0) call.certs = server_->certs_dir();
    call.body = std::move(body);
    return call;
  }
  CurlResult Api(const std::string& path, std::optional<std::string> body = "{}") const {
    return RunCurl(ApiCall(path, std::move(body)));
  }

  CurlResult Admin(const std::string& method, const std::string& path, std::optional<std::string> body = {}) const {
    CurlCall call;
    call.url = server_->admin_url() + path;
    call.method = method;
    call.body = std::move(body);
    if (!call.body) call.content_type.clear();
    call.send_token = false;
    if (admin_token_) call.extra_args = {"--header", "Authorization: Bearer " + *admin_token_};
    return RunCurl(call);
  }

  // The admin answer as JSON, after checking its HTTP status.
  Json AdminJson(const std::string& method, const std::string& path, std::optional<std::string> body = {},
                 int expected_status = 200) const {
    CurlResult r = Admin(method, path, std::move(body));
    EXPECT_EQ(r.exit_code, 0) << r.stderr_text;
    EXPECT_EQ(r.http_status, expected_status) << method << " " << path << ": " << r.body;
    Json parsed = Json::parse(r.body, nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << r.body;
    return parsed;
  }

  sys::TempDir dir_{"kc-control-e2e"};
  std::unique_ptr<MockServer> server_;
  std::optional<std::string> admin_token_;
};

}  // namespace kuscia::mock::control::testing
