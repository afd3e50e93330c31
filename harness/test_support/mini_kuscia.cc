#include "harness/test_support/mini_kuscia.h"

#include <httplib.h>

#include <thread>

#include "sys/files.h"

namespace kuscia::harness::testing {

struct MiniKuscia::Impl {
  std::unique_ptr<httplib::Server> server;
  std::thread thread;
};

Result<std::unique_ptr<MiniKuscia>> MiniKuscia::Start(const std::filesystem::path& dir, MiniKusciaOptions options) {
  std::unique_ptr<MiniKuscia> mini(new MiniKuscia());
  KC_ASSIGN_OR_RETURN(mini->paths_, certs::WriteKusciaDir({.dir = dir, .add_host_sans = false}));
  KC_ASSIGN_OR_RETURN(std::string token, sys::ReadFile(mini->paths_.token));
  mini->impl_ = std::make_unique<Impl>();
  mini->plain_ = options.plain_http;
  mini->host_ = options.host;
  if (options.plain_http) {
    mini->impl_->server = std::make_unique<httplib::Server>();
  } else {
    std::string ca = mini->paths_.ca_cert.string();
    mini->impl_->server = std::make_unique<httplib::SSLServer>(
        mini->paths_.server_cert.c_str(), mini->paths_.server_key.c_str(),
        options.require_client_cert ? ca.c_str() : nullptr);
  }
  httplib::Server& server = *mini->impl_->server;
  if (!server.is_valid()) return Internal("MiniKuscia: the TLS server could not load its certificate");
  server.set_pre_routing_handler([token](const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("Token") != token) {
      res.status = 401;
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.status == 404) res.set_content("404 page not found", "text/plain");
  });
  bool wrong = options.wrong_health_code;
  server.Post("/healthZ", [wrong](const httplib::Request& req, httplib::Response& res) {
    if (req.body.empty()) {
      res.set_content(R"({"status":{"code":11101,"message":"EOF"}})", "application/json; charset=utf-8");
      return;
    }
    res.set_content(wrong ? R"({"status":{"code":11100,"message":"wrong on purpose","details":[]},"data":null})"
                          : R"({"status":{"code":0,"message":"success","details":[]},"data":{"ready":true}})",
                    "application/json; charset=utf-8");
  });
  mini->port_ = server.bind_to_any_port(options.host);
  if (mini->port_ <= 0) return Unavailable("MiniKuscia: cannot bind " + options.host + ":0");
  mini->impl_->thread = std::thread([&server] { server.listen_after_bind(); });
  // stop() only takes effect once the accept loop runs, so the destructor must not race its start.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!server.is_running() && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  if (!server.is_running()) return Internal("MiniKuscia: the accept loop did not start within 10 s");
  return mini;
}

MiniKuscia::~MiniKuscia() {
  if (impl_ && impl_->server) {
    impl_->server->stop();
    if (impl_->thread.joinable()) impl_->thread.join();
  }
}

std::string MiniKuscia::base_url() const {
  return std::string(plain_ ? "http" : "https") + "://" + host_ + ":" + std::to_string(port_);
}

}  // namespace kuscia::harness::testing
