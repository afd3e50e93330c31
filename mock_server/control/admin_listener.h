// Where the admin listener listens, and on what terms: loopback by default; any other address only with
// an admin token, because the control plane can rewrite credentials and cut connections.
//
//   KC_ASSIGN_OR_RETURN(AdminListenOptions where, ParseAdminAddress("127.0.0.1:9090"));
//   where.has_token = token.has_value();
//   KC_ASSIGN_OR_RETURN(auto listener, StartAdminListener(where, std::make_shared<AdminHandler>(control, token)));
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "api/status.h"
#include "mock_server/control/admin_handler.h"
#include "mock_server/transport/http_server.h"

namespace kuscia::mock::control {

struct AdminListenOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  bool has_token = false;
};
bool IsLoopbackHost(std::string_view host);
// "127.0.0.1:9090", "[::1]:0", "localhost:9090"; InvalidArgument naming the form otherwise.
Result<AdminListenOptions> ParseAdminAddress(std::string_view text);
// InvalidArgument when the host is not loopback and no token is set, naming both fixes.
Status CheckAdminExposure(const AdminListenOptions& options);

// Starts the listener (plain HTTP, one loop thread) after CheckAdminExposure.
Result<std::unique_ptr<transport::HttpServer>> StartAdminListener(const AdminListenOptions& options,
                                                                  std::shared_ptr<AdminHandler> handler);

// The admin token from its file: trailing whitespace (a newline from `echo`) is dropped; an empty token
// is InvalidArgument.
Result<std::string> ReadAdminToken(const std::filesystem::path& file);

}  // namespace kuscia::mock::control
