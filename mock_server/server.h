// MockServer: a running fake Kuscia API server — certificates, engine, services, router and transport
// wired together. `kuscia-mock` is a thin main around it; the runner's embedded target starts one
// in-process on port 0.
//
//   MockServerOptions options;
//   options.certs_dir = temp.path();          // generated there when the Kuscia files are missing
//   options.port = 0;
//   auto server = MockServer::Start(options);
//   std::string url = (*server)->base_url();   // "https://127.0.0.1:40123"
#pragma once

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "api/status.h"
#include "mock_server/services/node_identity.h"
#include "mock_server/transport/http_server.h"

namespace kuscia::mock {

namespace engine {
class Engine;
class ManualClock;
}  // namespace engine
namespace control {
class ControlPlane;
}  // namespace control
namespace store {
class DataStore;
}  // namespace store

enum class ClockKind { kReal, kManual };
Result<ClockKind> ParseClockKind(std::string_view text);

struct MockServerOptions {
  std::filesystem::path certs_dir;                      // Kuscia layout; generated when files are missing
  std::string host = "127.0.0.1";
  uint16_t port = 8082;                                 // 0 picks a free port
  transport::ProtocolMode mode = transport::ProtocolMode::kMtls;
  std::chrono::milliseconds task_duration{1000};
  ClockKind clock = ClockKind::kReal;
  std::chrono::milliseconds heartbeat{10000};
  int threads = 2;
  bool own_tls13_record_layer = true;                   // --tls-records own|openssl (transport::ServerOptions)
  std::FILE* request_log = nullptr;                     // one line per request; null = no request log
  // The control plane (docs/control-plane.md): the journal is always kept, the admin listener on request.
  std::optional<std::string> admin;                     // --admin HOST:PORT (port 0 picks one); nullopt = none
  std::optional<std::string> admin_token;               // --admin-token: required for a non-loopback admin host
  size_t journal_size = 1000;                           // --journal-size: requests kept in the journal (0 = none)
  services::NodeIdentity node;                          // --mode/--domain: master (default), autonomy, lite
  std::filesystem::path state_file;                     // --state: starting state; empty = the built-in one
};

class MockServer {
 public:
  static Result<std::unique_ptr<MockServer>> Start(const MockServerOptions& options);
  ~MockServer();
  MockServer(const MockServer&) = delete;
  MockServer& operator=(const MockServer&) = delete;

  uint16_t port() const;
  // "https://127.0.0.1:PORT", or "http://…" in notls mode.
  std::string base_url() const;
  // A ready-to-paste curl command for /healthZ that reads the token from its file (never prints it).
  std::string HealthCurlCommand() const;
  const std::filesystem::path& certs_dir() const;

  engine::Engine& engine();
  // Faults, outcome rules, the journal, the clock and live credential swaps, in-process.
  control::ControlPlane& control();
  // "http://127.0.0.1:PORT" of the admin listener; "" when it was not asked for.
  std::string admin_url() const;
  store::DataStore& store();
  // Writes domains, routes, data sources, domain data and jobs (docs/mock-server.md); `--save-state`.
  Status SaveState(const std::filesystem::path& path) const;
  // The manual clock when started with ClockKind::kManual, else null.
  engine::ManualClock* manual_clock();

  void Stop();

 private:
  struct Parts;
  explicit MockServer(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace kuscia::mock
