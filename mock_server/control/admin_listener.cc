#include "mock_server/control/admin_listener.h"

#include <arpa/inet.h>

#include <cctype>

#include "sys/files.h"

namespace kuscia::mock::control {

bool IsLoopbackHost(std::string_view host) {
  if (host == "localhost" || host == "::1") return true;
  in_addr v4{};
  std::string text(host);
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  return false;
}

Result<AdminListenOptions> ParseAdminAddress(std::string_view text) {
  size_t colon = text.rfind(':');
  auto bad = [&](const std::string& why) {
    return InvalidArgument("--admin '" + std::string(text) + "' " + why +
                           "; write HOST:PORT, e.g. 127.0.0.1:9090 (port 0 picks a free one)");
  };
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) return bad("is not HOST:PORT");
  std::string host(text.substr(0, colon));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  std::string_view port = text.substr(colon + 1);
  if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos ||
      std::stoi(std::string(port)) > 65535) {
    return bad("has a port that is not a number from 0 to 65535");
  }
  AdminListenOptions options;
  options.host = host;
  options.port = static_cast<uint16_t>(std::stoi(std::string(port)));
  return options;
}

Status CheckAdminExposure(const AdminListenOptions& options) {
  if (IsLoopbackHost(options.host) || options.has_token) return OkStatus();
  return InvalidArgument("--admin " + options.host +
                         " would let other machines reset the fake, rewrite its credentials and cut its "
                         "connections; listen on 127.0.0.1, or set --admin-token FILE so only holders of the "
                         "token can use the control plane");
}

Result<std::unique_ptr<transport::HttpServer>> StartAdminListener(const AdminListenOptions& options,
                                                                  std::shared_ptr<AdminHandler> handler) {
  KC_RETURN_IF_ERROR(CheckAdminExposure(options));
  transport::ServerOptions server_options;
  server_options.host = options.host;
  server_options.port = options.port;
  server_options.mode = transport::ProtocolMode::kNoTls;
  server_options.threads = 1;
  // A journal wait holds its request open for up to its timeout; the default read timeout does not apply
  // while a handler owns the request, so nothing else needs changing.
  Result<std::unique_ptr<transport::HttpServer>> server = transport::HttpServer::Start(server_options, handler);
  if (!server.ok()) return server.status().WithContext("starting the admin listener (--admin)");
  return server;
}

Result<std::string> ReadAdminToken(const std::filesystem::path& file) {
  Result<std::string> text = sys::ReadFile(file);
  if (!text.ok()) return text.status().WithContext("--admin-token");
  std::string token = *text;
  while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) token.pop_back();
  if (token.empty()) {
    return InvalidArgument("--admin-token " + file.string() + " is empty; write a secret into it (e.g. "
                           "`openssl rand -hex 16 > " + file.string() + "`)");
  }
  return token;
}

}  // namespace kuscia::mock::control
