// The runner's side of kuscia-mock's control plane: JSON over the admin listener (docs/control-plane.md),
// the same endpoints a user drives with curl. One client for the embedded fake and for a kuscia-mock
// started on its own (`--admin URL`), so a scenario's control steps mean the same thing on both.
//
//   ControlChannel control("http://127.0.0.1:9090", /*bearer_token=*/std::nullopt);
//   KC_ASSIGN_OR_RETURN(nlohmann::json rule, control.Call("POST", "/admin/faults", fault_rule));
//   KC_RETURN_IF_ERROR(control.Call("POST", "/admin/reset").status());
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "api/status.h"

namespace kuscia::harness::runner {

class ControlChannel {
 public:
  // `admin_url`: "http://HOST:PORT" (a trailing "/admin" is accepted); `bearer_token`: kuscia-mock's
  // --admin-token content, when it was started with one.
  ControlChannel(std::string admin_url, std::optional<std::string> bearer_token);

  const std::string& url() const { return url_; }

  // The answer of a 2xx call. Otherwise: Unavailable when nothing answers at the URL, DeadlineExceeded
  // for a 408 (a journal wait that timed out) or no answer in `timeout`, and for any other status the
  // control plane's own error message (it names the fix), with the status code mapped (400 InvalidArgument,
  // 401 PermissionDenied, 404 NotFound, 409 FailedPrecondition).
  Result<nlohmann::json> Call(std::string_view method, std::string_view path,
                              const nlohmann::json& body = nlohmann::json::object(),
                              std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;

 private:
  std::string url_;
  std::string host_;
  int port_ = 0;
  std::optional<std::string> bearer_token_;
};

// "http://127.0.0.1:9090" or "127.0.0.1:9090" -> checked URL; InvalidArgument naming the form otherwise.
Result<std::string> NormaliseAdminUrl(std::string_view text);

}  // namespace kuscia::harness::runner
