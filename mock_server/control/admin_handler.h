// The admin listener: the control plane over plain HTTP + JSON, on its own port (never the API port), for
// the scenario runner and for curl. Every answer is a JSON object; every error is
// {"error":{"code":"invalid_argument","message":"<what is wrong and how to fix it>"}} with a fitting HTTP
// status (400, 401, 404, 405, 408, 409, 500). GET /admin lists the endpoints; docs/control-plane.md
// documents each one.
//
//   auto handler = std::make_shared<AdminHandler>(control, admin_token);
//   KC_ASSIGN_OR_RETURN(auto listener, StartAdminListener({.host = "127.0.0.1", .port = 0}, handler));
//   // curl -X POST http://127.0.0.1:PORT/admin/clock/advance -d '{"by":"2s"}'   (admin_listener.h)
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "api/status.h"
#include "mock_server/control/control_plane.h"
#include "mock_server/transport/http_server.h"

namespace kuscia::mock::control {

class AdminHandler : public transport::RequestHandler {
 public:
  // `admin_token`: when set, every request needs `Authorization: Bearer <token>`.
  AdminHandler(ControlPlane& control, std::optional<std::string> admin_token);

  void Handle(transport::HttpRequest request, std::shared_ptr<transport::ResponseWriter> writer) override;

  struct Reply {
    int status = 200;
    nlohmann::ordered_json body = nlohmann::ordered_json::object();
  };
  struct Call {
    const transport::HttpRequest& request;
    nlohmann::json body;  // {} for an empty body
    uint64_t id = 0;      // the trailing /ID of the path, when the endpoint takes one
  };

 private:
  void WaitForJournal(const Call& call, std::shared_ptr<transport::ResponseWriter> writer);

  ControlPlane& control_;
  std::optional<std::string> admin_token_;
};

}  // namespace kuscia::mock::control
