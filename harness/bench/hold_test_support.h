// TEST SUPPORT ONLY: what the hold tests share: a load plan for a Kuscia cert directory, an idle hold of
// POST /held, and an in-test mutual-TLS server (cpp-httplib) with that directory's certificates.
//
//   HeldServer held(dir);
//   held.server().Post("/held", handler);
//   uint16_t port = held.Start();
//   Result<HoldResult> result = RunHold(IdleHoldOfHeld(dir, port, 4));
#pragma once

#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "certs/kuscia_dir.h"
#include "harness/bench/hold_plan.h"
#include "sys/files.h"
#include "testing/wait.h"

namespace kuscia::bench {

inline LoadPlan PlanFor(const std::filesystem::path& certs_dir, uint16_t port) {
  certs::KusciaDirPaths paths = certs::KusciaPathsIn(certs_dir);
  LoadPlan plan;
  plan.port = port;
  plan.tls = TlsFiles{.ca_cert = paths.ca_cert, .client_cert = paths.client_cert, .client_key = paths.client_key};
  plan.token = *sys::ReadFile(paths.token);
  return plan;
}

// `connections` idle connections, each opened (and checked at the end) with POST /held and body {}.
inline HoldPlan IdleHoldOfHeld(const std::filesystem::path& certs_dir, uint16_t port, int connections) {
  HoldPlan plan;
  plan.mode = HoldMode::kIdle;
  plan.target = PlanFor(certs_dir, port);
  plan.target.route = "/held";
  plan.target.body = "{}";
  plan.target.connections = connections;
  return plan;
}

// cpp-httplib's mTLS server on 127.0.0.1:0, run on its own thread until Stop() or destruction. Register
// handlers on server() before Start(); a handler still blocked must be released before Stop().
class HeldServer {
 public:
  explicit HeldServer(const std::filesystem::path& certs_dir)
      : paths_(certs::KusciaPathsIn(certs_dir)),
        server_(paths_.server_cert.c_str(), paths_.server_key.c_str(), paths_.ca_cert.c_str()) {}
  ~HeldServer() { Stop(); }
  HeldServer(const HeldServer&) = delete;
  HeldServer& operator=(const HeldServer&) = delete;

  httplib::SSLServer& server() { return server_; }
  // The bound port, or 0 when the server did not come up within 5 s.
  uint16_t Start() {
    int port = server_.bind_to_any_port("127.0.0.1");
    if (port <= 0) return 0;
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    bool running = kuscia::testing::WaitFor([this] { return server_.is_running(); }, std::chrono::seconds(5));
    return running ? static_cast<uint16_t>(port) : 0;
  }
  void Stop() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }

 private:
  certs::KusciaDirPaths paths_;
  httplib::SSLServer server_;
  std::thread thread_;
};

}  // namespace kuscia::bench
